import { CHAT_ROLES, type ChatItem, isPlaceholder } from "../../src/domain/chat.js";
import type { ErrorIssue } from "../../src/domain/errors.js";
import type { Content } from "../../src/domain/prompt-content.js";
import { PromptText } from "../components.js";

/**
 * A chat prompt's message as the editor holds it: a role (or "placeholder") and its text (for a
 * placeholder, its name). Kept as typed, so a refused save gives every row back unchanged.
 */
export interface MessageRow {
  role: string;
  content: string;
}

export const ROW_KINDS = [...CHAT_ROLES, "placeholder"] as const;

export const rowsOf = (items: ChatItem[]): MessageRow[] =>
  items.map((item) =>
    isPlaceholder(item) ? { role: "placeholder", content: item.name } : { role: item.role, content: item.content },
  );

/** The role as a coloured pill whose text says it (colour never carries meaning alone). */
export function RolePill({ kind }: { kind: string }) {
  return <span class={`role role-${kind}`}>{kind}</span>;
}

/** A chat prompt's messages, read-only: one row per message, placeholders muted. */
export function MessageList({ messages, label = "Messages" }: { messages: ChatItem[]; label?: string }) {
  return (
    <ol class="messages" aria-label={label}>
      {messages.map((item, i) =>
        isPlaceholder(item) ? (
          <li class="message message-placeholder">
            <RolePill kind="placeholder" />
            <span class="placeholder-name">
              <code>{item.name}</code> <span class="muted small">— filled by the caller with a list of messages</span>
            </span>
          </li>
        ) : (
          <li class={`message message-${item.role}`}>
            <RolePill kind={item.role} />
            <PromptText body={item.content} label={`Message ${i + 1} (${item.role})`} />
          </li>
        ),
      )}
    </ol>
  );
}

/** A version's or revision's content: the prompt text, or its messages. */
export function ContentView({ content, label }: { content: Content; label: string }) {
  return content.type === "text" ? (
    <PromptText body={content.body} label={label} />
  ) : (
    <MessageList messages={content.messages} label={label} />
  );
}

const rowIssue = (issues: ErrorIssue[] | undefined, index: number) =>
  issues?.find((i) => i.path === `messages.${index}` || i.path.startsWith(`messages.${index}.`))?.message;

/** A textarea tall enough for what it holds. */
const rowsFor = (text: string) => Math.min(16, Math.max(2, text.split("\n").length + 1));

/**
 * One editable message: role, text, and buttons to move it or remove it. The buttons are submit
 * buttons named `op` (without JavaScript the server rearranges the rows and shows the editor
 * again, nothing saved); app.js does the same in place. Rows pair `role` and `content` by position.
 */
export function MessageRowEditor({
  row,
  index,
  count,
  error,
}: {
  row: MessageRow;
  index: number;
  count: number;
  error?: string | undefined;
}) {
  const n = index + 1;
  const placeholder = row.role === "placeholder";
  const what = placeholder ? "placeholder name" : "text";
  return (
    <li class={`msg-row role-row-${row.role}`} data-msg-row>
      <div class="msg-head">
        <label class="msg-role">
          {/* Seen: "Message 2" beside the role; heard: "Message 2 role". */}
          <span class="msg-n" data-n-label="Message #">
            Message {n}
          </span>
          <span class="visually-hidden"> role</span>
          <select name="role" class={`role-select role-${row.role}`} data-role>
            {ROW_KINDS.map((kind) => (
              <option value={kind} selected={row.role === kind}>
                {kind}
              </option>
            ))}
            {ROW_KINDS.includes(row.role as (typeof ROW_KINDS)[number]) ? null : (
              <option value={row.role} selected>
                {row.role}
              </option>
            )}
          </select>
        </label>
        <span class="msg-tools">
          <RowButton op="up" index={index} label="Move message # up" text="↑" disabled={index === 0} />
          <RowButton op="down" index={index} label="Move message # down" text="↓" disabled={index === count - 1} />
          <RowButton op="remove" index={index} label="Remove message #" text="Remove" disabled={count === 1} />
        </span>
      </div>
      {/* A placeholder's name field says so on screen; a message's text needs no caption. */}
      <label class="msg-text-label" for={`msg-${index}`}>
        <span class="visually-hidden" data-n-label="Message #">
          Message {n}
        </span>{" "}
        <span data-what>{what}</span>
      </label>
      <textarea
        id={`msg-${index}`}
        name="content"
        rows={placeholder ? 1 : rowsFor(row.content)}
        spellcheck={false}
        dir="auto"
        placeholder={placeholder ? "e.g. history" : ""}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `msg-${index}-error` : undefined}
      >
        {row.content.startsWith("\n") ? `\n${row.content}` : row.content}
      </textarea>
      {error ? (
        <p id={`msg-${index}-error`} class="field-error">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** `#` in a label is the row's number; app.js renumbers the labels when rows move. */
function RowButton(props: { op: string; index: number; label: string; text: string; disabled: boolean }) {
  const label = props.label.replace("#", String(props.index + 1));
  return (
    <button
      type="submit"
      name="op"
      value={`${props.op}:${props.index}`}
      class="row-op"
      formnovalidate
      aria-label={label}
      title={label}
      data-row-op={props.op}
      data-n-label={props.label}
      disabled={props.disabled}
    >
      {props.text}
    </button>
  );
}

/** Every message row, the buttons that add one, and a blank row app.js copies (a <template>, inert). */
export function MessageRowsEditor({ rows, issues }: { rows: MessageRow[]; issues?: ErrorIssue[] | undefined }) {
  const listError = issues?.find((i) => i.path === "messages")?.message;
  return (
    <fieldset class="msg-editor">
      <legend class="field-label">Messages</legend>
      <ol class="msg-rows" data-msg-rows>
        {rows.map((row, i) => (
          <MessageRowEditor row={row} index={i} count={rows.length} error={rowIssue(issues, i)} />
        ))}
      </ol>
      {listError ? <p class="field-error">{listError}</p> : null}
      <p class="msg-add">
        <button type="submit" name="op" value="add" formnovalidate data-row-op="add">
          Add message
        </button>
        <button type="submit" name="op" value="add-placeholder" formnovalidate data-row-op="add-placeholder">
          Add placeholder
        </button>
        <span class="muted small">
          A placeholder is a slot the caller fills with a list of messages (e.g. the conversation so far).
        </span>
      </p>
      <template data-msg-template>
        <MessageRowEditor row={{ role: "user", content: "" }} index={0} count={2} />
      </template>
    </fieldset>
  );
}
