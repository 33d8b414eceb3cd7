import { actionsFor } from "../../src/domain/roles.js";
import type { Action } from "../../src/domain/stage.js";
import type { Version } from "../../src/model/version.model.js";
import { versionUrl } from "../components.js";
import { useViewer } from "../viewer.js";

/** A button the table forbids: visible, `disabled`, and described by its reason, which the row shows as text. */
function Disabled({ id, label, action, why }: { id: string; label: string; action: Action; why: Why }) {
  return (
    <span class="tip" title={action.reason ?? undefined}>
      <button type="button" id={id} disabled title={action.reason ?? undefined} aria-describedby={why.idOf(id)}>
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

interface Reason {
  id: string;
  label: string;
  reason: string;
}

/** The reasons of the disabled buttons, buttons with the same reason in one line (a viewer's role). */
interface Why {
  groups: Array<{ id: string; labels: string[]; reason: string }>;
  idOf(buttonId: string): string;
}

function whyOf(reasons: Reason[]): Why {
  const groups: Why["groups"] = [];
  const ids = new Map<string, string>();
  for (const r of reasons) {
    let group = groups.find((g) => g.reason === r.reason);
    if (!group) {
      group = { id: `why-${r.id}`, labels: [], reason: r.reason };
      groups.push(group);
    }
    group.labels.push(r.label);
    ids.set(r.id, group.id);
  }
  return { groups, idOf: (buttonId) => ids.get(buttonId) ?? `why-${buttonId}` };
}

/** Why each disabled button is disabled, as text anyone can read (not only a hover tooltip). */
function Reasons({ why }: { why: Why }) {
  if (why.groups.length === 0) return null;
  return (
    <ul class="reasons" aria-label="Why some buttons are disabled">
      {why.groups.map((g) => (
        <li>
          <span class="why-label">{g.labels.join(", ")}:</span> <span id={g.id}>{g.reason}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The button row of docs/ui.md, from the button table and the role table together (actionsFor):
 * Edit · Test · Promote to … · Create New Version · Delete · Make Current. A button the stage or
 * the viewer's role forbids stays visible, disabled, with its reason written under the row. Each
 * button has a stable id, so that focus stays on it across the swaps its action causes.
 */
export function ButtonRow({
  version,
  promoteBlock,
  needsReview,
  focusEdit,
  oob,
}: {
  version: Version;
  /** Why the TEST gate keeps Promote disabled now, or null. */
  promoteBlock?: string | null | undefined;
  /** The next stage asks for approvals: Promote asks for a review instead ("Request review"). */
  needsReview?: boolean;
  /** Put focus on Edit after the swap (the editor that had it has just closed). */
  focusEdit?: boolean;
  oob?: boolean;
}) {
  const actions = actionsFor(version, useViewer()?.role ?? null);
  const url = versionUrl(version.prompt, version.version);
  const label = `v${version.version}`;
  const promote = actions.promote ? (needsReview ? "Request review" : `Promote to ${actions.promote}`) : null;
  // The role comes first: a releaser is needed whether or not the tests have passed.
  const promoteWhy = actions.promoteBy.reason ?? promoteBlock ?? null;
  const refused = (id: string, name: string, action: Action): Reason[] =>
    action.allowed ? [] : [{ id, label: name, reason: action.reason ?? "" }];
  const why = whyOf([
    ...refused("action-edit", "Edit", actions.edit),
    ...refused("action-test", "Test", actions.test),
    ...(promote && promoteWhy ? [{ id: "action-promote", label: promote, reason: promoteWhy }] : []),
    ...refused("action-new", "Create New Version", actions.createNew),
    ...refused("action-delete", "Delete", actions.delete),
    ...(version.current ? [] : refused("action-make-current", "Make Current", actions.makeCurrent)),
  ]);
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
          <Disabled id="action-edit" label="Edit" action={actions.edit} why={why} />
        )}
        {actions.test.allowed ? (
          <button type="submit" id="action-test" form="test-form" class="test-button">
            Test
          </button>
        ) : (
          <Disabled id="action-test" label="Test" action={actions.test} why={why} />
        )}
        {promote ? (
          promoteWhy ? (
            <Disabled id="action-promote" label={promote} action={{ allowed: false, reason: promoteWhy }} why={why} />
          ) : (
            <ActionForm
              id="action-promote"
              url={`${url}/promote`}
              label={promote}
              class="primary"
              confirm={
                needsReview
                  ? `Ask for review of ${label} into ${actions.promote}? Nothing moves until others approve it.`
                  : actions.promote === "PROD"
                    ? `Promote ${label} to PROD? Applications reading PROD get it at once.`
                    : undefined
              }
            >
              <input type="hidden" name="to" value={actions.promote ?? ""} />
            </ActionForm>
          )
        ) : null}
        {actions.createNew.allowed ? (
          <ActionForm id="action-new" url={`${url}/new`} label="Create New Version" method="post">
            <label class="check">
              <input type="checkbox" name="major" value="true" /> major
            </label>
          </ActionForm>
        ) : (
          <Disabled id="action-new" label="Create New Version" action={actions.createNew} why={why} />
        )}
        {actions.delete.allowed ? (
          <ActionForm
            id="action-delete"
            url={`${url}/delete`}
            label="Delete"
            class="danger"
            confirm={`Delete draft ${label}? This cannot be undone.`}
          />
        ) : (
          <Disabled id="action-delete" label="Delete" action={actions.delete} why={why} />
        )}
        {version.current ? null : actions.makeCurrent.allowed ? (
          <ActionForm
            id="action-make-current"
            url={`${url}/make-current`}
            label="Make Current"
            confirm={version.stage === "PROD" ? `Roll PROD back to ${label}?` : undefined}
            method="post"
          />
        ) : (
          <Disabled id="action-make-current" label="Make Current" action={actions.makeCurrent} why={why} />
        )}
      </div>
      <Reasons why={why} />
    </div>
  );
}
