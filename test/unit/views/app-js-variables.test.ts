import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { templateVariables } from "../../../src/domain/template.js";

/**
 * static/app.js reads variable names in the browser (the ad-hoc inputs follow the editor) with
 * its own copy of the pattern: it must find exactly the names the server finds.
 */
const read = (file: string) => readFileSync(new URL(`../../../static/${file}`, import.meta.url), "utf8");
const literal = /const PLACEHOLDER = \/(.+)\/gu;/.exec(read("app.js"))?.[1];
/** static/contract.js has its own copy: the variables table follows the text with it. */
const contractLiteral = /const CONTRACT_PLACEHOLDER = \/(.+)\/gu;/.exec(read("contract.js"))?.[1];
const browserVariables = (text: string, pattern = literal) => [
  ...new Set(Array.from(text.matchAll(new RegExp(pattern ?? "(?!)", "gu")), (m) => m[1])),
];

describe("app.js and contract.js find the variables the server finds", () => {
  test.each([
    "Hello {{name}}, {{ topic }} and {{user.id}}",
    "Привет, {{имя}}! {{ العميل }} {{顧客}} {{_x}} {{ño-2.b}} {{नाम}}",
    "{name} {{ }} {{1abc}} {{a b}} {{😀}} {{-a}} {{x٣}}",
    `{{${"я".repeat(64)}}} {{${"я".repeat(65)}}}`,
  ])("%s", (text) => {
    expect(literal).toBeDefined();
    expect(contractLiteral).toBeDefined();
    expect(browserVariables(text)).toEqual(templateVariables(text));
    expect(browserVariables(text, contractLiteral)).toEqual(templateVariables(text));
  });
});
