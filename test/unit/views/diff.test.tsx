import { structuredPatch } from "diff";
import { describe, expect, it } from "vitest";
import { SplitTable } from "../../../views/fragments/diff.js";

const rowsOf = (html: string) =>
  [...html.matchAll(/<tr class="(line-[a-z]+)">(.*?)<\/tr>/g)].map(([, kind, cells]) => ({
    kind,
    cells: [...(cells ?? "").matchAll(/<td[^>]*>(.*?)<\/td>/g)].map(([, text]) => (text ?? "").replace(/<[^>]+>/g, "")),
  }));

describe("side-by-side diff", () => {
  it("puts a removal beside the addition that replaces it, and unmatched lines against an empty side", () => {
    const patch = structuredPatch("a", "b", "one\ntwo\nthree\n", "one\n2\nthree\nfour\n");
    const rows = rowsOf(String(<SplitTable patch={patch} title="Prompt diff, side by side" />));
    expect(rows).toEqual([
      { kind: "line-ctx", cells: ["1", "one", "1", "one"] },
      { kind: "line-change", cells: ["2", "removed: two", "2", "added: 2"] },
      { kind: "line-ctx", cells: ["3", "three", "3", "three"] },
      { kind: "line-change", cells: ["", "4", "added: four"] },
    ]);
  });

  it("escapes prompt text", () => {
    const patch = structuredPatch("a", "b", "<b>\n", "<script>x</script>\n");
    const html = String(<SplitTable patch={patch} title="t" />);
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
  });
});
