import { describe, expect, it } from "vitest";
import { rejection, testingServices } from "../../support/testing.js";

async function withPrompt() {
  const s = await testingServices();
  await s.prompts.create({ name: "greet", body: "Hello {{name}}" });
  return s;
}

describe("test cases", () => {
  it("create, list, save and delete, in creation order", async () => {
    const { testCases } = await withPrompt();
    const a = await testCases.create("greet", {
      name: "Ada",
      variables: { name: "Ada" },
      assertions: [
        { type: "contains", value: "Ada" },
        { type: "json" },
        { type: "max-length", value: "20" },
        { type: "regex", value: "/^hello/i" },
      ],
    });
    expect(a).toEqual({
      id: expect.any(Number),
      name: "Ada",
      variables: { name: "Ada" },
      assertions: [
        { type: "contains", value: "Ada" },
        { type: "json", value: null },
        { type: "max-length", value: 20 },
        { type: "regex", value: "/^hello/i" },
      ],
      echoOutput: null,
    });
    const b = await testCases.create("greet", { name: "  Bob  " });
    expect(b).toMatchObject({ name: "Bob", variables: {}, assertions: [] });
    expect((await testCases.list("greet")).map((c) => c.name)).toEqual(["Ada", "Bob"]);

    const saved = await testCases.save("greet", String(b.id), {
      name: "Bob 2",
      variables: { name: "Bob" },
      assertions: [{ type: "equals", value: "Hello Bob" }],
    });
    expect(saved).toEqual({
      id: b.id,
      name: "Bob 2",
      variables: { name: "Bob" },
      assertions: [{ type: "equals", value: "Hello Bob" }],
      echoOutput: null,
    });
    expect(await testCases.get("greet", b.id)).toEqual(saved);

    expect(await testCases.delete("greet", a.id)).toEqual({ deleted: a.id });
    expect(await testCases.list("greet")).toEqual([saved]);
  });

  it("names are unique per prompt (409 name_taken), but free across prompts", async () => {
    const { testCases, prompts } = await withPrompt();
    await prompts.create({ name: "other", body: "x" });
    const first = await testCases.create("greet", { name: "smoke" });
    const other = await testCases.create("greet", { name: "other" });
    expect((await rejection(testCases.create("greet", { name: "smoke" }))).code).toBe("name_taken");
    expect((await rejection(testCases.save("greet", other.id, { name: "smoke" }))).code).toBe("name_taken");
    expect(await testCases.save("greet", first.id, { name: "smoke" })).toMatchObject({ name: "smoke" });
    expect(await testCases.create("other", { name: "smoke" })).toMatchObject({ name: "smoke" });
  });

  it("'ad-hoc' is reserved (422), in any case", async () => {
    const { testCases } = await withPrompt();
    for (const name of ["ad-hoc", "AD-HOC", " ad-hoc "]) {
      const error = await rejection(testCases.create("greet", { name }));
      expect(error.code).toBe("validation_failed");
      expect(error.issues).toEqual([{ path: "name", message: '"ad-hoc" is reserved for the ad-hoc case of a TEST' }]);
    }
  });

  it("an invalid regex is refused when saved, with the path of the offending value", async () => {
    const { testCases } = await withPrompt();
    const error = await rejection(
      testCases.create("greet", {
        name: "bad",
        assertions: [
          { type: "contains", value: "x" },
          { type: "regex", value: "(unclosed" },
        ],
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.issues).toEqual([
      { path: "assertions.1.value", message: expect.stringMatching(/^Not a valid regular expression/) },
    ]);
    expect(await testCases.list("greet")).toEqual([]);
  });

  it("refuses malformed assertions and variables with field paths", async () => {
    const { testCases } = await withPrompt();
    const bad: Array<[unknown, string]> = [
      [{ assertions: [{ type: "startsWith", value: "x" }] }, "assertions.0.type"],
      [{ assertions: [{ type: "contains" }] }, "assertions.0.value"],
      [{ assertions: [{ type: "contains", value: "" }] }, "assertions.0.value"],
      [{ assertions: [{ type: "json", value: "x" }] }, "assertions.0.value"],
      [{ assertions: [{ type: "max-length", value: -1 }] }, "assertions.0.value"],
      [{ variables: { name: 42 } }, "variables.name"],
      [{ variables: { "has space": "x" } }, "variables.has space"],
    ];
    for (const [input, path] of bad) {
      const error = await rejection(testCases.create("greet", { name: "t", ...(input as object) }));
      expect(error.code, JSON.stringify(input)).toBe("validation_failed");
      expect(error.issues, JSON.stringify(input)).toContainEqual(expect.objectContaining({ path }));
    }
  });

  it("unknown prompts and ids, including another prompt's test case, are not_found", async () => {
    const { testCases, prompts } = await withPrompt();
    await prompts.create({ name: "other", body: "x" });
    const theirs = await testCases.create("other", { name: "t" });
    expect((await rejection(testCases.list("nope"))).code).toBe("not_found");
    expect((await rejection(testCases.save("greet", theirs.id, { name: "t" }))).code).toBe("not_found");
    expect((await rejection(testCases.delete("greet", "abc"))).code).toBe("not_found");
    expect((await rejection(testCases.delete("greet", "1e3"))).code).toBe("not_found");
    expect(await testCases.list("other")).toHaveLength(1);
  });

  it("at most 1000 test cases per prompt", async () => {
    const { testCases } = await withPrompt();
    const rows = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ name: `case ${i}` }));
    await testCases.import("greet", { content: rows.join("\n") });
    const error = await rejection(testCases.create("greet", { name: "one more" }));
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe("A prompt has at most 1000 test cases");
  });
});
