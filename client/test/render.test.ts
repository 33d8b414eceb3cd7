import { readFileSync } from "node:fs";
import { type Prompt, Promptrail, PromptrailError } from "@promptrail/client";
import { describe, expect, test } from "vitest";

/**
 * The render vectors the server's renderer runs too (test/vectors/render.json): the client's
 * `render` gives exactly the expected body or messages, or throws validation_failed with exactly
 * the expected issues, for every case.
 */
interface Vector {
  name: string;
  content: { type: "text"; body: string } | { type: "chat"; messages: unknown[] };
  variables: unknown[];
  values: Record<string, unknown>;
  strict: boolean;
  expected: { body: string } | { messages: unknown[] } | { issues: string[][] };
}

const { cases } = JSON.parse(readFileSync(new URL("../../test/vectors/render.json", import.meta.url), "utf8")) as {
  cases: Vector[];
};

/** A version object carrying the vector's content and contract, served by a fetch that answers it. */
async function promptOf(vector: Vector): Promise<Prompt> {
  const version = {
    prompt: "p",
    version: "1.0",
    seq: 1,
    stage: "PROD",
    current: true,
    ...vector.content,
    config: { model: "m" },
    variables: vector.variables,
    tools: [],
    responseFormat: null,
    revision: 1,
    contentHash: "0".repeat(64),
    createdFrom: null,
    createdAt: "2026-12-01T00:00:00.000Z",
    updatedAt: "2026-12-01T00:00:00.000Z",
  };
  const fetch = async () => new Response(JSON.stringify(version), { headers: { "content-type": "application/json" } });
  return new Promptrail({ baseUrl: "http://registry.invalid", fetch }).get("p");
}

describe("render: the shared vectors", () => {
  test("there are vectors of every kind", () => {
    expect(cases.some((c) => "issues" in c.expected)).toBe(true);
    expect(cases.some((c) => "messages" in c.expected)).toBe(true);
    expect(cases.some((c) => !c.strict)).toBe(true);
  });

  for (const vector of cases)
    test(vector.name, async () => {
      const prompt = await promptOf(vector);
      const run = () => prompt.render(vector.values, { strict: vector.strict });
      if ("issues" in vector.expected) {
        const error = (() => {
          try {
            run();
          } catch (e) {
            return e;
          }
          return null;
        })();
        expect(error).toBeInstanceOf(PromptrailError);
        expect((error as PromptrailError).code).toBe("validation_failed");
        expect((error as PromptrailError).issues?.map((i) => i.path)).toEqual(vector.expected.issues);
      } else {
        expect(run()).toEqual({
          prompt: "p",
          version: "1.0",
          stage: "PROD",
          config: { model: "m" },
          tools: [],
          responseFormat: null,
          type: vector.content.type,
          ...vector.expected,
        });
      }
    });
});
