import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { versionUrl } from "../../../views/components.js";
import { ButtonRow } from "../../../views/fragments/button-row.js";
import { contractFormOf } from "../../../views/fragments/contract.js";
import { Editor } from "../../../views/fragments/editor.js";
import { rowsOf } from "../../../views/fragments/messages.js";
import { Staleness } from "../../../views/fragments/test-panel.js";
import type { FlashMessage } from "../../../views/layout.js";
import { type EditorState, GateNote, VersionPage, VersionPanel } from "../../../views/pages/version.page.js";
import { DomainError } from "../../domain/errors.js";
import { requirePermission } from "../../domain/roles.js";
import type { Version } from "../../model/version.model.js";
import type { Services } from "../../services/index.js";
import { roleOf } from "../auth.js";
import { takeFlash } from "../flash.js";
import { negotiate } from "../negotiate.js";
import { fragment, page } from "../render.js";

export interface VersionPageOptions {
  /** Open the editor on the saved content (`?edit=1`). */
  edit?: boolean;
  /** Open the editor on this state (a refused save keeps the user's text). */
  editor?: EditorState;
  flash?: FlashMessage;
  status?: ContentfulStatusCode;
  /** For htmx: where focus goes once the control that acted is gone. */
  focus?: "edit" | "results";
}

export const editorStateOf = (v: Version): EditorState => ({
  body: v.type === "text" ? v.body : "",
  rows: v.type === "chat" ? rowsOf(v.messages) : null,
  config: Object.keys(v.config).length ? JSON.stringify(v.config, null, 2) : "",
  contract: contractFormOf(v, v.contract),
  revision: v.revision,
});

/**
 * The version page as the request wants it: the full page, or for htmx the panel (or just the
 * editor for `?edit=1`). Shared by every route that lands on a version; `version` is a number
 * from the URL, or the Version a write just returned (then it is not read again).
 */
export async function renderVersionPage(
  c: Context,
  services: Services,
  name: string,
  version: string | Version,
  options: VersionPageOptions = {},
): Promise<Response> {
  const shown = await services.versionPage.load(name, version);
  let editor = options.editor ?? null;
  if (options.edit && !editor) {
    requirePermission(roleOf(c), "edit");
    const { edit } = shown.version.actions;
    if (!edit.allowed) throw new DomainError("version_immutable", edit.reason ?? "Cannot edit");
    editor = editorStateOf(shown.version);
  }
  const now = new Date();
  const status = options.status ?? 200;
  if (negotiate(c) === "fragment") {
    if (editor && options.edit) return fragment(c, <Editor version={shown.version} state={editor} />, status);
    // The editor is closed now: an address still ending in ?edit=1 would reopen it on reload.
    if (!editor) c.header("HX-Replace-Url", versionUrl(shown.version.prompt, shown.version.version));
    return fragment(
      c,
      <VersionPanel {...shown} editor={editor} now={now} flash={options.flash ?? null} focus={options.focus} />,
      status,
    );
  }
  const flash = options.flash ?? takeFlash(c);
  return page(c, <VersionPage {...shown} editor={editor} now={now} flash={flash} />, status);
}

/** After a TEST, htmx also refreshes the button row and the gate's note (the gate may open), and the staleness line. */
export async function renderVersionExtras(services: Services, name: string, versionParam: string) {
  const { version, testing, review } = await services.versionPage.load(name, versionParam);
  return (
    <>
      <ButtonRow
        version={version}
        promoteBlock={testing.gate.allowed ? null : testing.gate.reason}
        needsReview={review.needed > 0}
        oob
      />
      <GateNote gate={testing.gate} oob />
      <Staleness status={testing.status} oob />
    </>
  );
}
