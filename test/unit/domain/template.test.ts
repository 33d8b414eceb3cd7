import { describe, expect, test } from "vitest";
import { renderTemplate, templateVariables, variableChanges } from "../../../src/domain/template.js";

describe("templateVariables", () => {
  test("finds {{name}} placeholders, with spaces inside the braces, once each, in order", () => {
    expect(templateVariables("Hi {{name}}, {{ topic }} and {{  name  }} again; {{user.id}}")).toEqual([
      "name",
      "topic",
      "user.id",
    ]);
  });

  test("ignores what is not a placeholder", () => {
    expect(templateVariables("{name} {{ }} {{1abc}} {{a b}} { {x} }")).toEqual([]);
  });
});

describe("renderTemplate", () => {
  test("fills every placeholder, spaces in braces included", () => {
    expect(renderTemplate("Hello {{ name }}! {{name}}, about {{topic}}.", { name: "Ada", topic: "engines" })).toEqual({
      ok: true,
      text: "Hello Ada! Ada, about engines.",
    });
  });

  test("over 1,000,000 bytes rendered is an error result, counted without building the text (issue 8, item 2)", () => {
    const body = "{{a}}".repeat(5000); // 25 KB
    const a = "x".repeat(100_000); // would render 500 MB
    expect(renderTemplate(body, { a })).toEqual({ ok: false, missing: [], tooLarge: 500_000_000 });
    // Bytes, not characters: 1,000,000 bytes fit, one more does not.
    expect(renderTemplate("é{{a}}", { a: "x".repeat(999_998) }).ok).toBe(true);
    expect(renderTemplate("é{{a}}", { a: "x".repeat(999_999) })).toMatchObject({ ok: false, tooLarge: 1_000_001 });
  });

  test("a missing variable is an error result, not a throw", () => {
    const render = () => renderTemplate("{{a}} {{ b }} {{c}}", { a: "1" });
    expect(render).not.toThrow();
    expect(render()).toEqual({ ok: false, missing: ["b", "c"] });
  });

  test("an empty value is a value", () => {
    expect(renderTemplate("[{{x}}]", { x: "" })).toEqual({ ok: true, text: "[]" });
  });

  test("values are inserted literally: no replacement patterns, no second pass", () => {
    const result = renderTemplate("{{a}}|{{b}}", { a: "$& $1 $$", b: "{{a}}" });
    expect(result).toEqual({ ok: true, text: "$& $1 $$|{{a}}" });
  });

  test("inherited object keys are not values", () => {
    expect(renderTemplate("{{constructor}}", {})).toEqual({ ok: false, missing: ["constructor"] });
  });

  test("a body without placeholders renders as itself", () => {
    expect(renderTemplate("plain {text}", {})).toEqual({ ok: true, text: "plain {text}" });
  });
});

describe("variableChanges", () => {
  test("names the variables a new body adds and removes", () => {
    expect(variableChanges("{{a}} {{b}}", "{{ b }} {{c}}")).toEqual({ added: ["c"], removed: ["a"] });
  });
});
