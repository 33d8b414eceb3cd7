import { DomainError } from "./errors.js";
import { type Action, type AllowedActions, allowedActions, nextStage, type Stage } from "./stage.js";

/** docs/accounts.md: the roles, weakest first; each may do everything the ones before it may. */
export const ROLES = ["viewer", "editor", "releaser", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * What a request asks to do, as the rows of the role table (docs/accounts.md):
 * - `read`: every GET — pages, JSON, the runtime read, compare, history, test runs;
 * - `edit`: create a prompt, save, new version, delete a draft, test, test cases, promote DEV→TST,
 *   make current in DEV or TST;
 * - `release`: promote TST→PROD, make current in PROD (rollback);
 * - `admin`: stage environments and gates, users, anyone's tokens, every other setting;
 * - `self`: one's own password and tokens.
 */
export type Permission = "read" | "edit" | "release" | "admin" | "self";

const NEEDED: Record<Permission, Role> = {
  read: "viewer",
  edit: "editor",
  release: "releaser",
  admin: "admin",
  self: "viewer",
};

const WHAT: Record<Permission, string> = {
  read: "Reading",
  edit: "Changing and testing prompts",
  release: "Promoting to PROD and rolling PROD back",
  admin: "Changing settings, users and other people's tokens",
  self: "Managing your own password and tokens",
};

const yes: Action = { allowed: true, reason: null };

const article = (role: Role) => (role === "admin" || role === "editor" ? "an" : "a");

/**
 * The role table of docs/accounts.md — the one place it lives. `role` null means open mode (no account
 * exists yet), where every request is allowed. A refusal names the role needed, in words a
 * person reads on a disabled button or in a 403.
 */
export function roleAllows(role: Role | null, permission: Permission): Action {
  if (role === null) return yes;
  const needed = NEEDED[permission];
  if (ROLES.indexOf(role) >= ROLES.indexOf(needed)) return yes;
  return { allowed: false, reason: `${WHAT[permission]} needs the ${needed} role; you are ${article(role)} ${role}` };
}

/** 403 forbidden, naming the role needed, unless `role` may do `permission`. */
export function requirePermission(role: Role | null, permission: Permission): void {
  const decision = roleAllows(role, permission);
  if (!decision.allowed) throw new DomainError("forbidden", decision.reason ?? "Your role may not do this");
}

/** A read-only API token acts with its user's role, capped at viewer. */
export function effectiveRole(role: Role, readOnly: boolean): Role {
  return readOnly ? "viewer" : role;
}

/** Promoting into PROD, and pointing PROD at another version, are releases; the rest is editing. */
export function promotePermission(stage: Stage): Permission {
  return nextStage(stage) === "PROD" ? "release" : "edit";
}

export function makeCurrentPermission(stage: Stage): Permission {
  return stage === "PROD" ? "release" : "edit";
}

/** The button table with the role table laid over it; `promoteBy` says whether the role may promote. */
export interface RoleActions extends AllowedActions {
  promoteBy: Action;
}

/** A stage rule's refusal comes first (it holds for everyone); otherwise the role decides. */
function both(stageRule: Action, role: Action): Action {
  return stageRule.allowed ? role : stageRule;
}

/**
 * What `role` may press on `version`: the button table of docs/rules.md (stage.ts) and the role table
 * of docs/accounts.md in one answer. The version page's buttons, the JSON `actions` field and the routes
 * read it; the services check the same `roleAllows` inside their transactions.
 */
export function actionsFor(version: { stage: Stage; current: boolean }, role: Role | null): RoleActions {
  const table = allowedActions(version);
  const edit = roleAllows(role, "edit");
  return {
    edit: both(table.edit, edit),
    test: both(table.test, edit),
    promote: table.promote,
    promoteBy: roleAllows(role, promotePermission(version.stage)),
    createNew: both(table.createNew, edit),
    delete: both(table.delete, edit),
    makeCurrent: both(table.makeCurrent, roleAllows(role, makeCurrentPermission(version.stage))),
  };
}
