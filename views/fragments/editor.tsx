import type { ChatMessage } from "../../src/domain/chat.js";
import type { ErrorIssue } from "../../src/domain/errors.js";
import type { Content } from "../../src/domain/prompt-content.js";
import type { Version } from "../../src/model/version.model.js";
import { PromptText, versionUrl } from "../components.js";
import { ContractEditor, type ContractFormState } from "./contract.js";
import { MessageList, type MessageRow, MessageRowsEditor } from "./messages.js";

/** What the editor holds: the user's text (never lost), and why a save was refused, if it was. */
export interface EditorState {
  /** A text prompt's body. */
  body: string;
  /** A chat prompt's messages as rows (docs/rules.md, chat prompts); null for a text prompt. */
  rows: MessageRow[] | null;
  config: string;
  /** The variables table and the tools and response format JSON, as typed (docs/contract.md). */
  contract?: ContractFormState;
  revision: number;
  issues?: ErrorIssue[];
  /** A stale-revision conflict: the version as someone else saved it meanwhile. */
  conflict?: Version;
  /** Rows were added, removed or moved without JavaScript: nothing is saved yet. */
  rearranged?: boolean;
}

function issueFor(issues: ErrorIssue[] | undefined, field: string): string | undefined {
  return issues?.find((i) => i.path === field || i.path.startsWith(`${field}.`))?.message;
}

/** Textareas drop one leading newline; this keeps a body that starts with one intact. */
const keepLeadingNewline = (text: string) => (text.startsWith("\n") ? `\n${text}` : text);

export function Editor({ version, state }: { version: Version; state: EditorState }) {
  const url = versionUrl(version.prompt, version.version);
  const bodyError = issueFor(state.issues, "body");
  const configError = issueFor(state.issues, "config");
  return (
    <form
      id="body-panel"
      class="editor"
      method="post"
      action={`${url}/save`}
      hx-post={`${url}/save`}
      hx-target="#version-panel"
      hx-swap="outerHTML"
      hx-disabled-elt="find button"
      hx-include="#test-form"
      data-editor
      data-unsaved={state.conflict || state.issues || state.rearranged ? "true" : undefined}
    >
      {state.conflict ? <Conflict theirs={state.conflict} /> : null}
      <input type="hidden" name="revision" value={String(state.revision)} />
      {state.rows ? (
        <MessageRowsEditor rows={state.rows} issues={state.issues} />
      ) : (
        <>
          <label for="body" class="field-label">
            Prompt
          </label>
          <textarea
            id="body"
            name="body"
            rows={18}
            spellcheck={false}
            dir="auto"
            autofocus
            aria-invalid={bodyError ? "true" : undefined}
            aria-describedby={bodyError ? "body-error" : undefined}
          >
            {keepLeadingNewline(state.body)}
          </textarea>
          {bodyError ? (
            <p id="body-error" class="field-error">
              {bodyError}
            </p>
          ) : null}
        </>
      )}
      <label for="config" class="field-label">
        Config <span class="muted">(JSON object: model, temperature, maxTokens…)</span>
      </label>
      <textarea
        id="config"
        name="config"
        rows={4}
        spellcheck={false}
        aria-invalid={configError ? "true" : undefined}
        aria-describedby={configError ? "config-error" : undefined}
      >
        {state.config}
      </textarea>
      {configError ? (
        <p id="config-error" class="field-error">
          {configError}
        </p>
      ) : null}
      {state.contract ? (
        <ContractEditor state={state.contract} content={typedContent(state)} issues={state.issues} />
      ) : null}
      <div class="editor-actions">
        <button type="submit" class="primary">
          Save
        </button>
        {/* Test runs the saved text; this saves first, then tests it (with the ad-hoc values, under htmx). */}
        <button type="submit" name="after" value="test">
          Save and test
        </button>
        {/* hx-disabled-elt="unset": the form's "find button" would find nothing inside a link (a console error). */}
        {/* biome-ignore lint/a11y/useSemanticElements: a link is Cancel's natural no-JS form; role=button names it as the spec asks */}
        <a
          role="button"
          class="button"
          href={url}
          hx-get={url}
          hx-target="#version-panel"
          hx-swap="outerHTML"
          hx-disabled-elt="unset"
          data-cancel
        >
          Cancel
        </a>
        <span class="muted">
          Saves to v{version.version} — no new version.{" "}
          {/* The keys are app.js's: the hint shows only where it runs. */}
          <span data-needs-js hidden>
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>S</kbd> saves, <kbd>Esc</kbd> cancels.
          </span>
        </span>
        <p class="note small editor-test-note">
          Test runs the saved text (revision {version.revision}), not what is in the editor: use{" "}
          <strong>Save and test</strong> to test your changes.
        </p>
      </div>
    </form>
  );
}

/** The content as typed, for the variables table's "not in the text" marks. */
function typedContent(state: EditorState): Content {
  if (!state.rows) return { type: "text", body: state.body };
  const messages = state.rows.map((r) =>
    r.role === "placeholder" ? { type: "placeholder" as const, name: r.content.trim() } : (r as ChatMessage),
  );
  return { type: "chat", messages };
}

function Conflict({ theirs }: { theirs: Version }) {
  return (
    <div class="conflict" role="alert">
      <p>
        <strong>
          v{theirs.version} was saved as revision {theirs.revision} while you were editing.
        </strong>{" "}
        Your text is still in the editor below; the saved text is shown here. Saving now replaces it with yours.
      </p>
      {theirs.type === "text" ? (
        <PromptText body={theirs.body} label="Saved text" />
      ) : (
        <MessageList messages={theirs.messages} label="Saved messages" />
      )}
    </div>
  );
}
