import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { versionUrl } from "../../../views/components.js";
import { ButtonRow } from "../../../views/fragments/button-row.js";
import { Editor } from "../../../views/fragments/editor.js";
import { Staleness } from "../../../views/fragments/test-panel.js";
import type { FlashMessage } from "../../../views/layout.js";
import { type EditorState, VersionPage, VersionPanel, type VersionTesting } from "../../../views/pages/version.page.js";
import { DomainError } from "../../domain/errors.js";
import type { Services } from "../../services/index.js";
import type { Version } from "../../services/model.js";
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
  body: v.body,
  config: Object.keys(v.config).length ? JSON.stringify(v.config, null, 2) : "",
  revision: v.revision,
});

/**
 * The version page as the request wants it: the full page, or for htmx the panel (or just the
 * editor for `?edit=1`). Shared by every route that lands on a version.
 */
export async function renderVersionPage(
  c: Context,
  services: Services,
  name: string,
  versionParam: string,
  options: VersionPageOptions = {},
): Promise<Response> {
  const [prompt, version] = await Promise.all([services.prompts.get(name), services.versions.get(name, versionParam)]);
  const testing = await loadTesting(services, version);
  let editor = options.editor ?? null;
  if (options.edit && !editor) {
    if (!version.actions.edit.allowed)
      throw new DomainError("version_immutable", version.actions.edit.reason ?? "Cannot edit");
    editor = editorStateOf(version);
  }
  const now = new Date();
  const status = options.status ?? 200;
  if (negotiate(c) === "fragment") {
    if (editor && options.edit) return fragment(c, <Editor version={version} state={editor} />, status);
    // The editor is closed now: an address still ending in ?edit=1 would reopen it on reload.
    if (!editor) c.header("HX-Replace-Url", versionUrl(version.prompt, version.version));
    return fragment(
      c,
      <VersionPanel
        prompt={prompt}
        version={version}
        testing={testing}
        editor={editor}
        now={now}
        flash={options.flash ?? null}
        focus={options.focus}
      />,
      status,
    );
  }
  const flash = options.flash ?? takeFlash(c);
  return page(
    c,
    <VersionPage prompt={prompt} version={version} testing={testing} editor={editor} now={now} flash={flash} />,
    status,
  );
}

/** The TEST side of a version page: latest run, ad-hoc inputs, the gate and the promotion preview. */
async function loadTesting(services: Services, version: Version): Promise<VersionTesting> {
  const { prompt: name, version: number } = version;
  const [status, variables, preview] = await Promise.all([
    services.testRuns.status(name, number),
    services.testRuns.adHocVariables(name, number),
    version.actions.promote ? services.preview.preview(name, number) : null,
  ]);
  const gate = preview?.gate ?? (await services.testRuns.gateStatus(name, number));
  return { status, variables, gate, preview };
}

/** After a TEST, htmx also refreshes the button row (the gate may open) and the staleness line. */
export async function renderVersionExtras(services: Services, name: string, versionParam: string) {
  const version = await services.versions.get(name, versionParam);
  const [status, gate] = await Promise.all([
    services.testRuns.status(name, version.version),
    services.testRuns.gateStatus(name, version.version),
  ]);
  return (
    <>
      <ButtonRow version={version} promoteBlock={gate.allowed ? null : gate.reason} oob />
      <Staleness status={status} oob />
    </>
  );
}
