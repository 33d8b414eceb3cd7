import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { Variable } from "../../../src/domain/contract.js";
import type { Content } from "../../../src/domain/prompt-content.js";
import { render } from "../../../src/domain/render.js";

/**
 * The shared render vectors (test/vectors/render.json): the server's renderer gives every
 * expected body, messages and issue path. The client package runs the same file.
 */
interface Vector {
  name: string;
  content: Content;
  variables: Variable[];
  values: Record<string, unknown>;
  strict: boolean;
  expected: { body: string } | { messages: unknown[] } | { issues: string[][] };
}

const { cases } = JSON.parse(readFileSync(new URL("../../vectors/render.json", import.meta.url), "utf8")) as {
  cases: Vector[];
};

describe("render vectors", () => {
  test("there are vectors for text and chat, success and issues, strict and not", () => {
    expect(cases.some((c) => c.content.type === "chat" && "messages" in c.expected)).toBe(true);
    expect(cases.some((c) => "issues" in c.expected && !c.strict)).toBe(true);
    expect(new Set(cases.flatMap((c) => c.variables.map((v) => v.type)))).toEqual(
      new Set(["string", "number", "boolean", "enum", "json", "messages"]),
    );
  });

  for (const vector of cases)
    test(vector.name, () => {
      const outcome = render(vector.content, { variables: vector.variables }, vector.values, { strict: vector.strict });
      if ("issues" in vector.expected) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.issues.map((i) => i.path)).toEqual(vector.expected.issues);
      } else {
        expect(outcome).toEqual({ ok: true, rendered: { type: vector.content.type, ...vector.expected } });
      }
    });
});
