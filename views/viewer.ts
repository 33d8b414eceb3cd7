import { createContext, useContext } from "hono/jsx";
import { type Permission, roleAllows } from "../src/domain/roles.js";
import type { Action } from "../src/domain/stage.js";
import type { Viewer } from "../src/model/account.model.js";

/**
 * Who is looking, for every component of a page without threading it through each one's props:
 * the header shows the name and Sign out, and buttons a role may not press are disabled with the
 * reason. Set once per answer by the HTTP layer (render.tsx); null where nobody was identified
 * yet (an error before the access check), which shows no account and disables nothing.
 */
export const ViewerContext = createContext<Viewer | null>(null);

export const useViewer = (): Viewer | null => useContext(ViewerContext);

/** Whether the viewer's role may do `permission` (the role table, roles.ts), with the reason if not. */
export function useAllowed(permission: Permission): Action {
  return roleAllows(useViewer()?.role ?? null, permission);
}
