import type { MessageRow } from "../../views/fragments/messages.js";

/**
 * The chat editor's form (docs/rules.md, chat prompts, views/fragments/messages.tsx): `role` and `content` fields
 * paired by position, one pair per row. A row whose role is "placeholder" is a placeholder, its
 * text the name. Without JavaScript, the buttons that add, remove and move rows submit the form
 * with `op`; the server rearranges the rows and shows the editor again, saving nothing.
 */
const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === "string");

export function rowsOfForm(form: Record<string, unknown>): MessageRow[] {
  const roles = strings(form.role);
  const contents = strings(form.content);
  return roles.map((role, i) => ({ role, content: contents[i] ?? "" }));
}

/** The rows as the save's `messages` input: the schema names whatever is wrong with each. */
export function messagesOfRows(rows: MessageRow[]): unknown[] {
  return rows.map((row) => (row.role === "placeholder" ? { type: "placeholder", name: row.content.trim() } : row));
}

/** A row operation asked for by a button: `add`, `add-placeholder`, `remove:N`, `up:N`, `down:N`. */
export type RowOp = { op: "add" | "add-placeholder" } | { op: "remove" | "up" | "down"; index: number };

export function rowOpOf(value: unknown): RowOp | null {
  const text = strings(value)[0];
  if (text === "add" || text === "add-placeholder") return { op: text };
  const match = /^(remove|up|down):(\d{1,3})$/.exec(text ?? "");
  return match ? { op: match[1] as "remove" | "up" | "down", index: Number(match[2]) } : null;
}

/** The rows after `op`; an op that points past the rows changes nothing. */
export function applyRowOp(rows: MessageRow[], op: RowOp): MessageRow[] {
  const next = [...rows];
  if (!("index" in op)) return [...next, { role: op.op === "add" ? "user" : "placeholder", content: "" }];
  const { index } = op;
  const row = next[index];
  if (!row) return next;
  if (op.op === "remove") return next.length > 1 ? next.filter((_, i) => i !== index) : next;
  const to = op.op === "up" ? index - 1 : index + 1;
  const other = next[to];
  if (!other) return next;
  next[to] = row;
  next[index] = other;
  return next;
}

/** The New prompt form has one text field: for a chat prompt it becomes v1.0's system message. */
export function createFromForm(fields: Record<string, unknown>): Record<string, unknown> {
  if (fields.type !== "chat") return fields;
  const { body, ...rest } = fields;
  return { ...rest, messages: [{ role: "system", content: typeof body === "string" ? body : "" }] };
}
