import type { ErrorIssue } from "../../src/domain/errors.js";
import type { PromptSummary } from "../../src/model/prompt.model.js";
import { DraftCount, promptUrl, TimeAgo, VersionChip } from "../components.js";
import { RoleGate } from "../fragments/role-gate.js";
import { type FlashMessage, Layout } from "../layout.js";

export interface CreateFormState {
  name: string;
  description: string;
  /** "text" or "chat" (docs/rules.md, chat prompts). */
  type: string;
  body: string;
  issues?: ErrorIssue[];
}

export interface PromptsPageProps {
  prompts: PromptSummary[];
  q: string;
  next: string | null;
  now: Date;
  /** The archived prompts instead of those in use. */
  archived: boolean;
  form?: CreateFormState;
  flash?: FlashMessage | null;
}

/** The table alone: the search box swaps it with htmx as you type. */
export function PromptTable({ prompts, q, next, now, archived }: Omit<PromptsPageProps, "form" | "flash">) {
  if (prompts.length === 0) {
    const all = archived ? "/prompts?archived=1" : "/prompts";
    return (
      <div id="prompt-table" class="empty">
        {q ? (
          <p>
            No {archived ? "archived " : ""}prompt matches “{q}”. <a href={all}>Show all</a>
          </p>
        ) : archived ? (
          <p>
            No archived prompts. Archive a prompt nobody uses any more from its page: it leaves this list, and
            applications can still read it.
          </p>
        ) : (
          <>
            <p>
              <strong>No prompts yet.</strong> A prompt is a named template your applications read over HTTP. It starts
              as draft v1.0 in DEV; you edit it, test it, and promote it to TST and then PROD.
            </p>
            <p>Create the first one with the form on this page.</p>
          </>
        )}
      </div>
    );
  }
  return (
    <div id="prompt-table">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Prompt</th>
            <th scope="col">DEV</th>
            <th scope="col">TST</th>
            <th scope="col">PROD</th>
            <th scope="col" class="wide-only">
              Updated
            </th>
          </tr>
        </thead>
        <tbody>
          {prompts.map((p) => (
            <tr>
              <td>
                <a class="prompt-name" href={promptUrl(p.name)}>
                  {p.name}
                </a>
                {p.description ? <div class="muted small">{p.description}</div> : null}
              </td>
              <td>
                <VersionChip prompt={p.name} version={p.current.DEV} stage="DEV" />
                {p.drafts > (p.current.DEV ? 1 : 0) ? (
                  <div class="small">
                    <DraftCount prompt={p.name} drafts={p.drafts} current={p.current.DEV !== null} />
                  </div>
                ) : null}
              </td>
              <td>
                <VersionChip prompt={p.name} version={p.current.TST} stage="TST" />
              </td>
              <td>
                <VersionChip prompt={p.name} version={p.current.PROD} stage="PROD" />
              </td>
              <td class="wide-only">
                <TimeAgo at={p.updatedAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? (
        <p class="pager">
          <a href={next}>Next page →</a>
        </p>
      ) : null}
    </div>
  );
}

function fieldError(issues: ErrorIssue[] | undefined, field: string) {
  const message = issues?.find((i) => i.path === field)?.message;
  return message ? (
    <p id={`${field}-error`} class="field-error">
      {message}
    </p>
  ) : null;
}

function CreateForm({ form }: { form?: CreateFormState | undefined }) {
  const issues = form?.issues;
  const invalid = (f: string) => (issues?.some((i) => i.path === f) ? "true" : undefined);
  return (
    <form method="post" action="/prompts" class="create-form" aria-labelledby="create-title" data-guard>
      <h2 id="create-title">New prompt</h2>
      <label for="new-name">Name</label>
      <input
        id="new-name"
        name="name"
        required
        maxlength={100}
        pattern="[a-z0-9][a-z0-9._\-]*"
        value={form?.name ?? ""}
        placeholder="support-reply"
        aria-invalid={invalid("name")}
      />
      <p class="muted small">a-z 0-9 . _ - · applications read it by this name</p>
      {fieldError(issues, "name")}
      <label for="new-description">Description</label>
      <input
        id="new-description"
        name="description"
        maxlength={2000}
        value={form?.description ?? ""}
        aria-invalid={invalid("description")}
      />
      {fieldError(issues, "description")}
      <fieldset class="type-pick">
        <legend>Type</legend>
        <label>
          <input type="radio" name="type" value="text" checked={form?.type !== "chat"} /> Text
        </label>
        <label>
          <input type="radio" name="type" value="chat" checked={form?.type === "chat"} /> Chat{" "}
          <span class="muted small">(a list of messages, starting with this text as the system message)</span>
        </label>
      </fieldset>
      {fieldError(issues, "type")}
      <label for="new-body">First text</label>
      <textarea
        id="new-body"
        name="body"
        rows={6}
        placeholder="You are a helpful assistant. Answer {{question}}"
        aria-invalid={invalid("body")}
      >
        {form?.body ?? ""}
      </textarea>
      {fieldError(issues, "body")}
      <button type="submit" class="primary">
        Create prompt
      </button>
    </form>
  );
}

export function PromptsPage(props: PromptsPageProps) {
  const { archived } = props;
  const list = archived ? "/prompts?archived=1" : "/prompts";
  return (
    <Layout title={archived ? "Archived prompts" : "Prompts"} flash={props.flash}>
      <div class={archived ? "list-layout list-only" : "list-layout"}>
        <section aria-labelledby="prompts-title">
          <div class="list-head">
            <h1 id="prompts-title">{archived ? "Archived prompts" : "Prompts"}</h1>
            <search>
              <form method="get" action="/prompts" class="search">
                <label for="q" class="visually-hidden">
                  Search prompts
                </label>
                {archived ? <input type="hidden" name="archived" value="1" /> : null}
                <input
                  id="q"
                  type="search"
                  name="q"
                  value={props.q}
                  placeholder="Search prompts"
                  hx-get={list}
                  hx-trigger="input changed delay:250ms, search"
                  hx-target="#prompt-table"
                  hx-swap="outerHTML"
                  hx-push-url="true"
                />
              </form>
            </search>
          </div>
          <PromptTable prompts={props.prompts} q={props.q} next={props.next} now={props.now} archived={archived} />
          <p class="muted small list-switch">
            {archived ? <a href="/prompts">← Prompts in use</a> : <a href="/prompts?archived=1">Archived prompts</a>}
          </p>
        </section>
        {archived ? null : (
          <RoleGate permission="edit">
            <CreateForm form={props.form} />
          </RoleGate>
        )}
      </div>
    </Layout>
  );
}
