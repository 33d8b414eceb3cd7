import { describe, expect, test } from "vitest";
import { isVariableName, renderTemplate, templateParts, templateVariables } from "../../../src/domain/template.js";

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

  test("docs/rules.md, TEST: names are Unicode letters and digits, _ - and ., starting with a letter or _", () => {
    expect(templateVariables("Привет, {{имя}}! {{ العميل }} {{顧客}} {{_x}} {{ño-2.b}}")).toEqual([
      "имя",
      "العميل",
      "顧客",
      "_x",
      "ño-2.b",
    ]);
    // Digits of any script count after the first character; combining marks keep a word whole.
    expect(templateVariables("{{x٣}} {{नाम}}")).toEqual(["x٣", "नाम"]);
    expect(templateVariables("{{٣x}} {{-a}} {{.a}} {{a!}} {{😀}}")).toEqual([]);
  });

  test("a name is 1–64 characters: a longer one is not a placeholder", () => {
    const long = "я".repeat(64);
    expect(templateVariables(`{{${long}}}`)).toEqual([long]);
    expect(templateVariables(`{{${long}я}}`)).toEqual([]);
  });
});

describe("isVariableName", () => {
  test("the same names as the placeholders", () => {
    for (const name of ["имя", "العميل", "a.b-c_d", "_"]) expect(isVariableName(name)).toBe(true);
    for (const name of ["", "1a", "a b", "{{a}}", "x".repeat(65)]) expect(isVariableName(name)).toBe(false);
  });
});

describe("templateParts", () => {
  test("picks out non-Latin placeholders for highlighting", () => {
    expect(templateParts("Dear {{ имя }}!")).toEqual([
      { text: "Dear ", variable: null },
      { text: "{{ имя }}", variable: "имя" },
      { text: "!", variable: null },
    ]);
  });
});

describe("renderTemplate", () => {
  test("fills every placeholder, spaces in braces included", () => {
    expect(renderTemplate("Hello {{ name }}! {{name}}, about {{topic}}.", { name: "Ada", topic: "engines" })).toEqual({
      ok: true,
      text: "Hello Ada! Ada, about engines.",
    });
  });

  test("over 1,000,000 bytes rendered is an error result, counted without building the text", () => {
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

  test("a non-Latin placeholder without a value is missing, not left in the text", () => {
    expect(renderTemplate("{{имя}} / {{ العميل }}", { имя: "Аня" })).toEqual({ ok: false, missing: ["العميل"] });
    expect(renderTemplate("{{имя}} / {{ العميل }}", { имя: "Аня", العميل: "سارة" })).toEqual({
      ok: true,
      text: "Аня / سارة",
    });
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
