import { describe, expect, test } from "vitest";
import type { Variable } from "../../../src/domain/contract.js";
import { argumentValue, argumentValues, mcpArgument, mcpMessages } from "../../../src/domain/mcp.js";
import { render } from "../../../src/domain/render.js";

/** How the contract and the renderer's output look to an MCP client (docs/mcp.md). */

const v = (fields: Partial<Variable> & { name: string }): Variable => ({ type: "string", required: true, ...fields });

describe("contract variables as MCP arguments", () => {
  test("name, required, and a description that says in words what a string cannot", () => {
    expect(mcpArgument(v({ name: "topic" }))).toEqual({ name: "topic", required: true });
    expect(mcpArgument(v({ name: "topic", description: "  What it is about " }))).toEqual({
      name: "topic",
      description: "What it is about",
      required: true,
    });
    expect(mcpArgument(v({ name: "n", type: "number", required: false, default: 3 }))).toEqual({
      name: "n",
      description: "A number. Default: 3.",
      required: false,
    });
    expect(mcpArgument(v({ name: "tone", type: "enum", values: ["dry", "warm"], default: "dry" })).description).toBe(
      "One of: dry, warm. Default: dry.",
    );
    expect(mcpArgument(v({ name: "b", type: "boolean" })).description).toBe("true or false.");
    expect(mcpArgument(v({ name: "j", type: "json", default: { a: [1] } })).description).toBe(
      'JSON text. Default: {"a":[1]}.',
    );
    expect(mcpArgument(v({ name: "h", type: "messages" })).description).toBe(
      'A JSON list of {"role", "content"} messages.',
    );
  });
});

describe("MCP argument text as the variable's type", () => {
  test("numbers, booleans and JSON are parsed; text that is not of the type stays text", () => {
    expect(argumentValue(v({ name: "n", type: "number" }), " 4.5 ")).toBe(4.5);
    expect(argumentValue(v({ name: "n", type: "number" }), "-1e3")).toBe(-1000);
    expect(argumentValue(v({ name: "n", type: "number" }), "0x10")).toBe("0x10");
    expect(argumentValue(v({ name: "n", type: "number" }), "")).toBe("");
    expect(argumentValue(v({ name: "b", type: "boolean" }), "true")).toBe(true);
    expect(argumentValue(v({ name: "b", type: "boolean" }), "false")).toBe(false);
    expect(argumentValue(v({ name: "b", type: "boolean" }), "yes")).toBe("yes");
    expect(argumentValue(v({ name: "j", type: "json" }), '{"a":1}')).toEqual({ a: 1 });
    expect(argumentValue(v({ name: "j", type: "json" }), "{nope")).toBeUndefined();
    expect(argumentValue(v({ name: "s" }), " 42 ")).toBe(" 42 ");
    expect(argumentValue(v({ name: "e", type: "enum", values: ["a"] }), "a")).toBe("a");
    expect(argumentValue(undefined, "3")).toBe("3");
  });

  test("the strict renderer then refuses what does not fit, one issue per argument", () => {
    const variables = [v({ name: "n", type: "number" }), v({ name: "j", type: "json" })];
    const values = argumentValues(variables, { n: "many", j: "{", extra: "x" });
    const outcome = render({ type: "text", body: "{{n}} {{j}}" }, { variables }, values);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues.map((i) => i.path[1])).toEqual(["n", "j", "extra"]);
  });
});

describe("rendered prompts as MCP messages", () => {
  test("a text prompt is one user message", () => {
    expect(mcpMessages({ type: "text", body: "Hi" })).toEqual([
      { role: "user", content: { type: "text", text: "Hi" } },
    ]);
  });

  test("chat: user and assistant turns kept; system text leads the next user turn", () => {
    const text = (role: "user" | "assistant", t: string) => ({ role, content: { type: "text", text: t } });
    expect(
      mcpMessages({
        type: "chat",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "system", content: "Be kind." },
          { role: "assistant", content: "Hello." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Yes?" },
          { role: "system", content: "Now in French." },
          { role: "user", content: "Again" },
        ],
      }),
    ).toEqual([
      text("assistant", "Hello."),
      text("user", "Be brief.\n\nBe kind.\n\nHi"),
      text("assistant", "Yes?"),
      text("user", "Now in French.\n\nAgain"),
    ]);
  });

  test("system text with no user turn after it becomes a user turn of its own", () => {
    expect(mcpMessages({ type: "chat", messages: [{ role: "system", content: "Only rules." }] })).toEqual([
      { role: "user", content: { type: "text", text: "Only rules." } },
    ]);
  });
});
