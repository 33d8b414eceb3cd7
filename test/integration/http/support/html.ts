import { expect } from "vitest";

/** A button (or a link with role=button) as a user meets it: its accessible name, attributes and form. */
export interface Control {
  name: string;
  tag: "button" | "a";
  attrs: string;
  form: { method: string; action: string; attrs: string } | null;
}

const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** The value of attribute `name` (double-quoted, as hono/jsx writes it), or null. */
export function attr(attrs: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs);
  return match ? decode(match[1] ?? "") : null;
}

export function hasAttr(attrs: string, name: string): boolean {
  return new RegExp(`(?:^|\\s)${name}(?:=|\\s|/|$)`).test(attrs);
}

const textOf = (inner: string) =>
  decode(inner.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim();

/** Every button and role=button link of a page, each with the form it submits, if any. */
export function controls(html: string): Control[] {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    attrs: m[1] ?? "",
  }));
  const found = [
    ...[...html.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)].map((m) => ({ m, tag: "button" as const })),
    ...[...html.matchAll(/<a\b([^>]*\brole="button"[^>]*)>([\s\S]*?)<\/a>/g)].map((m) => ({ m, tag: "a" as const })),
  ];
  return found
    .sort((a, b) => a.m.index - b.m.index)
    .map(({ m, tag }) => {
      const attrs = m[1] ?? "";
      const owner = attr(attrs, "form");
      const formAttrs = owner
        ? (new RegExp(`<form\\b([^>]*\\sid="${owner}"[^>]*)>`).exec(html)?.[1] ?? null)
        : (forms.find((f) => f.start < m.index && m.index < f.end)?.attrs ?? null);
      return {
        name: attr(attrs, "aria-label") ?? textOf(m[2] ?? ""),
        tag,
        attrs,
        form:
          formAttrs === null
            ? null
            : {
                method: (attr(formAttrs, "method") ?? "get").toLowerCase(),
                action: attr(formAttrs, "action") ?? "",
                attrs: formAttrs,
              },
      };
    });
}

/** The one control named `name`; fails the test if there is none or more than one. */
export function control(html: string, name: string): Control {
  const matching = controls(html).filter((c) => c.name === name);
  expect(
    matching.map((c) => c.name),
    `exactly one control named "${name}"`,
  ).toEqual([name]);
  return matching[0] as Control;
}

export const controlNames = (html: string) => controls(html).map((c) => c.name);

/** The form control a `<label for>` with this text labels (its tag and attributes). */
export function labelled(html: string, text: string): { tag: string; attrs: string; content: string } {
  const labels = [...html.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/g)].filter(
    (m) => textOf(m[2] ?? "").split(" (")[0] === text,
  );
  expect(labels.length, `a label "${text}"`).toBe(1);
  const id = attr(labels[0]?.[1] ?? "", "for");
  expect(id, `label "${text}" names its control with for=`).toBeTruthy();
  const el = new RegExp(`<(textarea|input|select)\\b([^>]*\\sid="${id}"[^>]*)>(?:([\\s\\S]*?)</\\1>)?`).exec(html);
  expect(el, `an element with id="${id}"`).not.toBeNull();
  return { tag: el?.[1] ?? "", attrs: el?.[2] ?? "", content: decode(el?.[3] ?? "") };
}

/** Every <script> tag of a page. */
export const scriptTags = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];

/** The hidden fields of the POST form with this action: what a browser submits with its button. */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const form = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].find(
    (m) => attr(m[1] ?? "", "action") === action && attr(m[1] ?? "", "method") === "post",
  );
  expect(form, `a POST form to ${action}`).toBeDefined();
  const inputs = [...(form?.[2] ?? "").matchAll(/<input\b([^>]*)\/?>/g)].map((m) => m[1] ?? "");
  return Object.fromEntries(
    inputs
      .filter((a) => attr(a, "type") === "hidden")
      .map((a) => [attr(a, "name") ?? "", attr(a, "value") ?? ""] as [string, string]),
  );
}
