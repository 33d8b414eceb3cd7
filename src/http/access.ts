import type { Permission } from "../domain/roles.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** What anyone may ask without signing in (docs/accounts.md). */
export function isPublic(path: string): boolean {
  return path === "/healthz" || path === "/login" || path.startsWith("/static/");
}

/** A render (docs/contract.md) is a read that takes its variables in a POST body. */
const RENDER = /^\/prompts\/[^/]+\/(?:stages|versions)\/[^/]+\/render$/;

/** MCP (docs/mcp.md): every call is a JSON-RPC POST, and none changes the registry. */
const MCP = "/mcp";

/** One's own account: who am I, signing out, where Settings starts for me, one's own tokens and password. */
const SELF = /^\/(?:me|logout|settings|settings\/password|settings\/tokens(?:\/[^/]+\/revoke)?)$/;

/**
 * The permission a route asks for before its handler runs, by method and path — so that a route
 * added later is covered without a line here: every GET needs `read`, every other method `edit`,
 * and everything under /settings is `admin` but one's own tokens and password. Where the answer
 * depends on the data (promoting TST→PROD, making a PROD version current, someone else's token)
 * the service checks the stronger permission inside its transaction, with the same role table.
 * A render and an MCP call are the POSTs that only read.
 */
export function routePermission(method: string, path: string): Permission | "public" {
  if (isPublic(path)) return "public";
  if (SELF.test(path)) return "self";
  if (path === "/settings" || path.startsWith("/settings/")) return "admin";
  if (path === MCP) return "read";
  return SAFE.has(method) || (method === "POST" && RENDER.test(path)) ? "read" : "edit";
}
