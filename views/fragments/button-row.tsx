import type { Action } from "../../src/domain/stage.js";
import type { Version } from "../../src/model/version.model.js";
import { versionUrl } from "../components.js";

/** A button the table forbids: visible, `disabled`, and described by its reason, which the row shows as text. */
function Disabled({ id, label, action }: { id: string; label: string; action: Action }) {
  return (
    <span class="tip" title={action.reason ?? undefined}>
      <button type="button" id={id} disabled title={action.reason ?? undefined} aria-describedby={`why-${id}`}>
        {label}
      </button>
    </span>
  );
}

/**
 * One action as a form that works without JavaScript; htmx posts it in place. While its request
 * runs the button is disabled and the row takes no other action, so a double click acts once.
 */
function ActionForm(props: {
  id: string;
  url: string;
  label: string;
  confirm?: string;
  /** Without JS, confirmed actions first GET a confirmation page at the same URL. */
  method?: "get" | "post";
  class?: string;
  /** Fields sent with the action; a checkbox that changes the button comes before it. */
  children?: unknown;
}) {
  const { id, url, label, confirm } = props;
  return (
    <form method={props.method ?? (confirm ? "get" : "post")} action={url} class="inline-form">
      {props.children as never}
      <button
        type="submit"
        id={id}
        class={props.class}
        hx-post={url}
        hx-target="#version-panel"
        hx-swap="outerHTML"
        hx-confirm={confirm}
        hx-disabled-elt="this"
        hx-sync="#button-row:drop"
      >
        {label}
      </button>
    </form>
  );
}

/** Why each disabled button is disabled, as text anyone can read (not only a hover tooltip). */
function Reasons({ reasons }: { reasons: Array<{ id: string; label: string; reason: string }> }) {
  if (reasons.length === 0) return null;
  return (
    <ul class="reasons" aria-label="Why some buttons are disabled">
      {reasons.map((r) => (
        <li>
          <span class="why-label">{r.label}:</span> <span id={`why-${r.id}`}>{r.reason}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The button row of SPEC §4, from the one button table (`version.actions`): Edit · Test ·
 * Promote to … · Create New Version · Delete · Make Current. Each button has a stable id, so
 * that focus stays on it across the swaps its action causes.
 */
export function ButtonRow({
  version,
  promoteBlock,
  focusEdit,
  oob,
}: {
  version: Version;
  /** Why the TEST gate keeps Promote disabled now, or null. */
  promoteBlock?: string | null | undefined;
  /** Put focus on Edit after the swap (the editor that had it has just closed). */
  focusEdit?: boolean;
  oob?: boolean;
}) {
  const { actions } = version;
  const url = versionUrl(version.prompt, version.version);
  const label = `v${version.version}`;
  const promote = actions.promote ? `Promote to ${actions.promote}` : null;
  const reasons = [
    ...(actions.edit.allowed ? [] : [{ id: "action-edit", label: "Edit", reason: actions.edit.reason ?? "" }]),
    ...(promote && promoteBlock ? [{ id: "action-promote", label: promote, reason: promoteBlock }] : []),
    ...(actions.delete.allowed ? [] : [{ id: "action-delete", label: "Delete", reason: actions.delete.reason ?? "" }]),
  ];
  return (
    <div id="button-row" class="button-bar" hx-swap-oob={oob ? "true" : undefined}>
      <div class="button-row">
        {actions.edit.allowed ? (
          <form method="get" action={url} class="inline-form">
            <input type="hidden" name="edit" value="1" />
            <button
              type="submit"
              id="action-edit"
              hx-get={`${url}?edit=1`}
              hx-target="#body-panel"
              hx-swap="outerHTML"
              data-focus-here={focusEdit ? "" : undefined}
            >
              Edit
            </button>
          </form>
        ) : (
          <Disabled id="action-edit" label="Edit" action={actions.edit} />
        )}
        <button type="submit" id="action-test" form="test-form" class="test-button">
          Test
        </button>
        {promote ? (
          promoteBlock ? (
            <Disabled id="action-promote" label={promote} action={{ allowed: false, reason: promoteBlock }} />
          ) : (
            <ActionForm
              id="action-promote"
              url={`${url}/promote`}
              label={promote}
              class="primary"
              confirm={
                actions.promote === "PROD"
                  ? `Promote ${label} to PROD? Applications reading PROD get it at once.`
                  : undefined
              }
            >
              <input type="hidden" name="to" value={actions.promote ?? ""} />
            </ActionForm>
          )
        ) : null}
        <ActionForm id="action-new" url={`${url}/new`} label="Create New Version" method="post">
          <label class="check">
            <input type="checkbox" name="major" value="true" /> major
          </label>
        </ActionForm>
        {actions.delete.allowed ? (
          <ActionForm
            id="action-delete"
            url={`${url}/delete`}
            label="Delete"
            class="danger"
            confirm={`Delete draft ${label}? This cannot be undone.`}
          />
        ) : (
          <Disabled id="action-delete" label="Delete" action={actions.delete} />
        )}
        {actions.makeCurrent.allowed ? (
          <ActionForm
            id="action-make-current"
            url={`${url}/make-current`}
            label="Make Current"
            confirm={version.stage === "PROD" ? `Roll PROD back to ${label}?` : undefined}
            method="post"
          />
        ) : null}
      </div>
      <Reasons reasons={reasons} />
    </div>
  );
}
