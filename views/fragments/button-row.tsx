import type { Action } from "../../src/domain/stage.js";
import type { Version } from "../../src/model/version.model.js";
import { versionUrl } from "../components.js";

/** A button the table forbids: visible, `disabled`, and saying why on hover and to screen readers. */
function Disabled({ label, action }: { label: string; action: Action }) {
  return (
    <span class="tip" title={action.reason ?? undefined}>
      <button type="button" disabled title={action.reason ?? undefined}>
        {label}
      </button>
    </span>
  );
}

/** One action as a form that works without JavaScript; htmx posts it in place. */
function ActionForm(props: {
  url: string;
  label: string;
  confirm?: string;
  /** Without JS, confirmed actions first GET a confirmation page at the same URL. */
  method?: "get" | "post";
  target?: string;
  class?: string;
  children?: unknown;
}) {
  const { url, label, confirm, target = "#version-panel" } = props;
  return (
    <form method={props.method ?? (confirm ? "get" : "post")} action={url} class="inline-form">
      <button
        type="submit"
        class={props.class}
        hx-post={url}
        hx-target={target}
        hx-swap="outerHTML"
        hx-confirm={confirm}
      >
        {label}
      </button>
      {props.children as never}
    </form>
  );
}

/**
 * The button row of SPEC §4, from the one button table (`version.actions`): Edit · Test ·
 * Promote to … · Create New Version · Delete · Make Current.
 */
export function ButtonRow({
  version,
  promoteBlock,
  oob,
}: {
  version: Version;
  /** Why the TEST gate keeps Promote disabled now, or null. */
  promoteBlock?: string | null | undefined;
  oob?: boolean;
}) {
  const { actions } = version;
  const url = versionUrl(version.prompt, version.version);
  const label = `v${version.version}`;
  return (
    <div id="button-row" class="button-row" hx-swap-oob={oob ? "true" : undefined}>
      {actions.edit.allowed ? (
        <form method="get" action={url} class="inline-form">
          <input type="hidden" name="edit" value="1" />
          <button type="submit" hx-get={`${url}?edit=1`} hx-target="#body-panel" hx-swap="outerHTML">
            Edit
          </button>
        </form>
      ) : (
        <Disabled label="Edit" action={actions.edit} />
      )}
      <button type="submit" form="test-form" class="test-button">
        Test
      </button>
      {actions.promote ? (
        promoteBlock ? (
          <Disabled label={`Promote to ${actions.promote}`} action={{ allowed: false, reason: promoteBlock }} />
        ) : (
          <ActionForm
            url={`${url}/promote`}
            label={`Promote to ${actions.promote}`}
            class="primary"
            confirm={
              actions.promote === "PROD"
                ? `Promote ${label} to PROD? Applications reading PROD get it at once.`
                : undefined
            }
          >
            <input type="hidden" name="to" value={actions.promote} />
          </ActionForm>
        )
      ) : null}
      <ActionForm url={`${url}/new`} label="Create New Version" method="post">
        <label class="check">
          <input type="checkbox" name="major" value="true" /> major
        </label>
      </ActionForm>
      {actions.delete.allowed ? (
        <ActionForm
          url={`${url}/delete`}
          label="Delete"
          class="danger"
          confirm={`Delete draft ${label}? This cannot be undone.`}
        />
      ) : (
        <Disabled label="Delete" action={actions.delete} />
      )}
      {actions.makeCurrent.allowed ? (
        <ActionForm
          url={`${url}/make-current`}
          label="Make Current"
          confirm={version.stage === "PROD" ? `Roll PROD back to ${label}?` : undefined}
          method="post"
        />
      ) : null}
    </div>
  );
}
