import { type Context, Hono } from "hono";
import { promptUrl, versionUrl } from "../../../views/components.js";
import type { ContractFormState } from "../../../views/fragments/contract.js";
import type { FlashMessage } from "../../../views/layout.js";
import { ConfirmPage } from "../../../views/pages/confirm.page.js";
import { DomainError } from "../../domain/errors.js";
import { isBlankContent } from "../../domain/prompt-content.js";
import { promotePermission, requirePermission } from "../../domain/roles.js";
import { requirePromotionTarget } from "../../domain/stage.js";
import type { Version } from "../../model/version.model.js";
import type { Services } from "../../services/index.js";
import { actorOf, roleOf } from "../auth.js";
import { applyRowOp, messagesOfRows, type RowOp, rowOpOf, rowsOfForm } from "../chat-form.js";
import { contractFormFields, contractInput, isContractKey, issuesOnRows, issueText } from "../contract-form.js";
import { navigateAfterPost, setFlash } from "../flash.js";
import { messageForPeople } from "../for-people.js";
import { withFormErrors } from "../form.js";
import { isForm, readForm, readInput, splitVariables } from "../input.js";
import { deletedSchema, versionJson } from "../json.js";
import { negotiate } from "../negotiate.js";
import { toDomainError } from "../on-error.js";
import { page } from "../render.js";
import { testRunFlash } from "../test-run-flash.js";
import { answerReview } from "./reviews.routes.js";
import { editorStateOf, renderVersionPage } from "./version-page.js";

const BASE = "/prompts/:name/versions/:v";
/** "Saved v1.2, revision 3", a warning when what was saved is empty (allowed, but a model gets nothing). */
function savedFlash(saved: Version): FlashMessage {
  const text = `Saved v${saved.version}, revision ${saved.revision}`;
  if (!isBlankContent(saved)) return { kind: "ok", text };
  const what = saved.type === "text" ? "the prompt text is empty" : "every message is empty";
  return { kind: "warn", text: `${text} — but ${what}: a model would be sent nothing` };
}

const params = (c: Context) => ({ name: c.req.param("name") as string, v: c.req.param("v") as string });

export function createVersionRoutes(services: Services) {
  const { versions } = services;

  /**
   * After a change that stays on the version: JSON, a 303 for forms, the panel for htmx. `focus`
   * says where focus goes once the control that acted is gone (Save closes the editor).
   */
  async function landOnVersion(c: Context, v: Version, message: string | FlashMessage, focus?: "edit" | "results") {
    const mode = negotiate(c);
    if (mode === "json") return c.json(versionJson(v, roleOf(c)));
    const url = versionUrl(v.prompt, v.version);
    const flash = typeof message === "string" ? { kind: "ok" as const, text: message } : message;
    if (mode === "page") {
      setFlash(c, flash);
      return c.redirect(focus === "results" ? `${url}#test-results` : url, 303);
    }
    return renderVersionPage(c, services, v.prompt, v, { flash, ...(focus ? { focus } : {}) });
  }

  /**
   * A button pressed on a page that is no longer true (another tab promoted first): for htmx,
   * the refusal comes back with the version panel as it stands now, so the page stops offering
   * what was just refused. A version that is gone has no panel: then the refusal goes to #flash.
   */
  async function refreshOnRefusal(c: Context, act: () => Promise<Response>): Promise<Response> {
    try {
      return await act();
    } catch (error) {
      const refusal = toDomainError(error);
      if (!refusal || refusal.code === "not_found" || negotiate(c) !== "fragment") throw error;
      const { name, v } = params(c);
      const flash = { kind: "error" as const, text: messageForPeople(refusal) };
      c.header("HX-Retarget", "#version-panel");
      c.header("HX-Reswap", "outerHTML");
      return renderVersionPage(c, services, name, v, { flash, status: refusal.status });
    }
  }

  return new Hono()
    .get(BASE, async (c) => {
      const { name, v } = params(c);
      if (negotiate(c) === "json") return c.json(versionJson(await versions.get(name, v), roleOf(c)));
      return renderVersionPage(c, services, name, v, { edit: c.req.query("edit") === "1" });
    })
    .post(`${BASE}/save`, async (c) => {
      const { name, v } = params(c);
      const op = isForm(c) ? rowOpOf((await readForm(c)).op) : null;
      if (op) return rearrangeRows(c, services, name, v, op);
      return withFormErrors(
        c,
        ["validation_failed", "stale_revision"],
        async () => {
          const { input, andTest, variables } = await readSave(c);
          const saved = await versions.save(name, v, input, actorOf(c));
          const saidSaved = savedFlash(saved);
          if (!andTest) return landOnVersion(c, saved, saidSaved, "edit");
          const run = await services.testRuns.run(name, saved.version, variables ? { variables } : {}, actorOf(c));
          const tested = testRunFlash(run, `${saidSaved.text}, and tested it`);
          return landOnVersion(c, saved, saidSaved.kind === "warn" ? { ...tested, kind: "warn" } : tested, "results");
        },
        (error) => keepEditor(c, services, name, v, error),
      );
    })
    .get(`${BASE}/promote`, async (c) => {
      const { name, v } = params(c);
      const version = await versions.get(name, v);
      requirePermission(roleOf(c), promotePermission(version.stage));
      const target = requirePromotionTarget(version, c.req.query("to"));
      const url = versionUrl(name, version.version);
      const needed = (await services.environments.get())[target].approvals;
      const ask = needed > 0;
      return page(
        c,
        <ConfirmPage
          prompt={name}
          version={version.version}
          title={
            ask ? `Ask for review of v${version.version} into ${target}?` : `Promote v${version.version} to ${target}?`
          }
          message={
            ask
              ? `Nothing moves yet: ${needed} releaser${needed > 1 ? "s or admins" : " or admin"} other than you must approve v${version.version} as it is now. An edit or a move of ${target} makes the review stale.`
              : target === "PROD"
                ? `Applications reading ${name} from PROD get v${version.version} at once. The current PROD version stays in history.`
                : `v${version.version} becomes the current TST version of ${name}.`
          }
          action={`${url}/promote`}
          fields={{ to: target }}
          button={ask ? "Request review" : `Promote to ${target}`}
          cancelUrl={url}
        />,
      );
    })
    .post(`${BASE}/promote`, (c) =>
      refreshOnRefusal(c, async () => {
        const { name, v } = params(c);
        const outcome = await services.reviews.promote(name, v, await readInput(c), actorOf(c));
        if (outcome.kind === "promoted")
          return landOnVersion(c, outcome.version, `v${outcome.version.version} promoted to ${outcome.version.stage}`);
        return answerReview(c, outcome.review, outcome.created);
      }),
    )
    .post(`${BASE}/new`, (c) =>
      refreshOnRefusal(c, async () => {
        const { name, v } = params(c);
        const input = await readInput(c, { bool: ["major"] });
        const created = await versions.createNew(name, v, input, actorOf(c));
        const url = versionUrl(name, created.version);
        const text = `Created v${created.version} from v${created.createdFrom} — a DEV draft, not current`;
        if (negotiate(c) === "json") {
          c.header("Location", url);
          return c.json(versionJson(created, roleOf(c)), 201);
        }
        return navigateAfterPost(c, `${url}?edit=1`, text);
      }),
    )
    .get(`${BASE}/delete`, async (c) => {
      const { name, v } = params(c);
      const version = await versions.get(name, v);
      requirePermission(roleOf(c), "edit");
      if (!version.actions.delete.allowed)
        throw new DomainError("delete_forbidden", version.actions.delete.reason ?? "Cannot delete");
      const url = versionUrl(name, version.version);
      return page(
        c,
        <ConfirmPage
          prompt={name}
          version={version.version}
          title={`Delete v${version.version}?`}
          message={`The draft ${name} v${version.version}, its saved revisions and its test runs are removed for good. Its number is never reused.`}
          action={`${url}/delete`}
          button="Delete"
          cancelUrl={url}
          danger
        />,
      );
    })
    .post(`${BASE}/delete`, (c) =>
      refreshOnRefusal(c, async () => {
        const { name, v } = params(c);
        const result = await versions.delete(name, v, actorOf(c));
        if (negotiate(c) === "json") return c.json(deletedSchema.parse(result));
        return navigateAfterPost(c, promptUrl(name), `Deleted v${result.deleted}`);
      }),
    )
    .post(`${BASE}/make-current`, (c) =>
      refreshOnRefusal(c, async () => {
        const { name, v } = params(c);
        const made = await versions.makeCurrent(name, v, actorOf(c));
        return landOnVersion(c, made, `v${made.version} is now the current ${made.stage} version`);
      }),
    );
}

/**
 * A save from JSON, or from the editor's form, which may also say "after=test" (Save and test)
 * and, under htmx, carry the ad-hoc variable inputs of the test panel. A chat editor's form
 * sends its rows (see chat-form.ts) in place of `body`. JSON stays strict.
 */
async function readSave(
  c: Context,
): Promise<{ input: Record<string, unknown>; andTest: boolean; variables?: Record<string, string> }> {
  const fields = await readInput(c, { json: ["config"], int: ["revision"] });
  if (!isForm(c)) return { input: fields, andTest: false };
  const { variables, rest } = splitVariables(fields);
  const { after, op: _, role, content, ...others } = rest;
  const input = Object.fromEntries(Object.entries(others).filter(([key]) => !isContractKey(key)));
  const form = await readForm(c, { all: true });
  if (role !== undefined) input.messages = messagesOfRows(rowsOfForm(form));
  const typed = contractFormFields(form);
  if (typed) Object.assign(input, contractInput(typed).input);
  return {
    input,
    andTest: after === "test",
    ...(Object.keys(variables).length ? { variables } : {}),
  };
}

/**
 * Without JavaScript, adding, removing and moving message rows is a round trip: the editor
 * comes back with the rows rearranged and the rest as typed, marked unsaved; nothing is saved.
 */
async function rearrangeRows(c: Context, services: Services, name: string, v: string, op: RowOp) {
  const form = await readForm(c, { all: true });
  const first = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
  const saved = await services.versions.get(name, v);
  if (!saved.actions.edit.allowed)
    throw new DomainError("version_immutable", saved.actions.edit.reason ?? "Cannot edit this version");
  const editor = {
    ...editorStateOf(saved),
    rows: applyRowOp(rowsOfForm(form), op),
    config: first("config"),
    contract: contractFormFields(form) ?? editorStateOf(saved).contract,
    revision: Number(first("revision")) || saved.revision,
    rearranged: true,
  };
  return renderVersionPage(c, services, name, saved, { editor });
}

/** Which row each variable of the typed contract came from (none when its text could not be read). */
function rowsOfContract(typed: ContractFormState): number[] {
  try {
    return contractInput(typed).rowOf;
  } catch {
    return [];
  }
}

/** A refused save from a form or htmx: the editor stays open with the user's text and the reason. */
async function keepEditor(c: Context, services: Services, name: string, v: string, error: DomainError) {
  const form: Record<string, unknown> = await readForm(c, { all: true }).catch(() => ({}));
  const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
  const saved = await services.versions.get(name, v);
  const conflict = error.code === "stale_revision" ? saved : undefined;
  const typed = contractFormFields(form);
  const issues = error.issues && typed ? issuesOnRows(error.issues, rowsOfContract(typed)) : error.issues;
  const first = issues?.[0];
  // A problem of the contract's fields is said at its row or field; any other as every page says it.
  const flashText =
    typed && first && /^(cv\.|tools|responseFormat)/.test(first.path)
      ? issueText(first, typed)
      : messageForPeople(error);
  // Input is checked before the stage: a PROD version never gets an editor, whatever was wrong.
  if (!saved.actions.edit.allowed)
    throw new DomainError("version_immutable", saved.actions.edit.reason ?? "Cannot edit this version");
  const editor = {
    ...editorStateOf(saved),
    body: text("body"),
    rows: saved.type === "chat" ? rowsOfForm(form) : null,
    config: text("config"),
    contract: typed ?? editorStateOf(saved).contract,
    revision: conflict ? conflict.revision : Number(text("revision")) || saved.revision,
    ...(issues ? { issues } : {}),
    ...(conflict ? { conflict } : {}),
  };
  if (negotiate(c) === "fragment") {
    c.header("HX-Retarget", "#version-panel");
    c.header("HX-Reswap", "outerHTML");
  }
  return renderVersionPage(c, services, name, saved, {
    editor,
    status: error.status,
    flash: { kind: "error", text: flashText },
  });
}
