import type { DomainError, ErrorIssue } from "../domain/errors.js";

/**
 * A refusal as a page says it. The JSON answer keeps its `issues[].path` exactly as programs read
 * it (`messages.1.name`, counted from 0); a person reads the place the way the page shows it:
 * rows counted from 1 ("Message 2"), fields by their label ("Prompt", "Config").
 */
const FIELDS: Record<string, string> = {
  body: "Prompt",
  config: "Config",
  description: "Description",
  name: "Name",
  echoOutput: "Echo output",
};

/** Lists whose entries the pages number from 1, by the word for one entry. */
const ROWS: Record<string, string> = { messages: "Message", assertions: "Assertion" };

/** Where an issue is, in the page's words: `messages.1.name` → "Message 2", `config.x` → "Config". */
export function placeOf(path: string): string | null {
  if (path === "(input)" || path === "") return null;
  // A request's address (limits.md#no-nul-characters): where it is, for a person.
  if (path === "(path)") return "The address";
  if (path === "(query)") return "The address's query";
  const [head = "", next, ...rest] = path.split(".");
  const row = ROWS[head];
  if (row && next !== undefined && /^\d+$/.test(next)) return `${row} ${Number(next) + 1}`;
  if (head === "variables" && next !== undefined) return `Variable ${[next, ...rest].join(".")}`;
  const field = FIELDS[head];
  if (field) return field;
  const words = path.split(".").map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : part));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function issueForPeople(issue: ErrorIssue): string {
  const place = placeOf(issue.path);
  return place ? `${place}: ${issue.message}` : issue.message;
}

/** The message of a refusal for a page: the first issue where it is, and how many more there are. */
export function messageForPeople(error: DomainError): string {
  const [first, ...more] = error.issues ?? [];
  if (!first) return error.message;
  const text = issueForPeople(first);
  if (more.length === 0) return text;
  return `${text} (and ${more.length} more ${more.length === 1 ? "problem" : "problems"})`;
}
