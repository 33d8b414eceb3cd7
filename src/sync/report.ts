import { createTwoFilesPatch } from "diff";
import { isPlaceholder } from "../domain/chat.js";
import { canonicalJson } from "../domain/content.js";
import { type Content, normalizeContent } from "../domain/prompt-content.js";
import { sameContent } from "./layout.js";
import type { Change, Finding, Plan } from "./plan.js";

/** A unified diff of two texts, indented, without the patch's own header lines. */
function patch(from: string, to: string, fromName: string, toName: string): string[] {
  const text = createTwoFilesPatch(fromName, toName, from, to, "", "", { context: 3 });
  return text
    .split("\n")
    .slice(1) // "==================="
    .filter((line, i, all) => !(i === all.length - 1 && line === ""))
    .map((line) => `    ${line}`);
}

const pretty = (value: unknown) => `${JSON.stringify(JSON.parse(canonicalJson(value as never)), null, 2)}\n`;

/**
 * A version's content as lines a person reads in a diff: the text as it is; messages each under
 * a `[role]` line with their text as it is (not JSON-escaped), a placeholder as
 * `[placeholder: name]`.
 */
function readable(content: Content): string {
  if (content.type === "text") return content.body;
  return content.messages
    .map((m) => (isPlaceholder(m) ? `[placeholder: ${m.name}]\n` : `[${m.role}]\n${m.content}\n`))
    .join("");
}

function changeLines(c: Change): string[] {
  switch (c.kind) {
    case "create":
      return [
        `+ ${c.prompt}: new ${c.type === "chat" ? "chat " : ""}prompt, v1.0 from ${c.first.path}`,
        ...c.drafts.map((d) => `+ ${c.prompt}: new DEV draft from ${d.path}`),
      ];
    case "describe":
      return [`~ ${c.prompt}: description ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`];
    case "draft":
      return [`+ ${c.prompt}: new DEV draft from ${c.draft.path}${c.major ? " (a new major version)" : ""}`];
    case "edit": {
      const { registry: r } = c;
      const lines = [`~ ${c.prompt} v${r.version} (${r.stage}): saved as revision ${r.revision + 1}`];
      const [from, to] = [readable(r), readable(normalizeContent(c.content))];
      if (from !== to) lines.push(...patch(from, to, `${c.prompt} v${r.version} in Promptrail`, c.path));
      if (canonicalJson(c.config) !== canonicalJson(r.config))
        lines.push(...patch(pretty(r.config), pretty(c.config), "config in Promptrail", "config in the files"));
      return lines;
    }
  }
}

const findingLine = (mark: string, f: Finding) =>
  `${mark} ${[f.prompt, f.version ? `v${f.version}` : ""].filter(Boolean).join(" ")}${f.prompt ? ": " : ""}${f.message}`;

/**
 * What `diff` prints, and `push` before it writes: the changes, then the refusals, then the
 * notes. When push refuses, it says so first and once ("Nothing was pushed, because:"), then
 * what it would do once that is fixed; "Nothing to push." is said only when nothing differs.
 */
export function planText(plan: Plan, verb: "diff" | "push" = "diff"): string {
  const changes = plan.changes.flatMap(changeLines);
  const refusals = plan.refusals.map((f) => findingLine("!", f));
  let lines: string[];
  if (refusals.length === 0) lines = changes.length > 0 ? changes : ["Nothing to push."];
  else if (verb === "push")
    lines = [
      "Nothing was pushed, because:",
      ...refusals,
      ...(changes.length > 0 ? ["", "Once that is fixed, push will do:", ...changes] : []),
    ];
  else
    lines = [
      ...changes,
      ...(changes.length > 0 ? [""] : []),
      "Push would refuse, and write nothing, because:",
      ...refusals,
    ];
  if (plan.notes.length > 0) {
    lines.push("", "Not pushed:");
    lines.push(...plan.notes.map((f) => findingLine(" ", f)));
  }
  return `${lines.join("\n")}\n`;
}

/** `check`: every path where the files and the registry differ. */
export function differences(registry: Map<string, string>, local: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const path of [...new Set([...registry.keys(), ...local.keys()])].sort()) {
    const mine = local.get(path);
    const theirs = registry.get(path);
    if (mine === undefined) lines.push(`missing   ${path}`);
    else if (theirs === undefined) lines.push(`extra     ${path}`);
    else if (!sameContent(path, mine, theirs)) lines.push(`differs   ${path}`);
  }
  return lines;
}
