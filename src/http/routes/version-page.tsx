import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Editor } from "../../../views/fragments/editor.js";
import type { FlashMessage } from "../../../views/layout.js";
import { type EditorState, VersionPage, VersionPanel } from "../../../views/pages/version.page.js";
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
    return fragment(
      c,
      <VersionPanel prompt={prompt} version={version} editor={editor} now={now} flash={options.flash ?? null} />,
      status,
    );
  }
  const flash = options.flash ?? takeFlash(c);
  return page(c, <VersionPage prompt={prompt} version={version} editor={editor} now={now} flash={flash} />, status);
}
