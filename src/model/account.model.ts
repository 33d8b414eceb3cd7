import type { Role } from "../domain/roles.js";

/** A user as pages and JSON show it: never the password or its hash. */
export interface User {
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastSeenAt: string | null;
}

/** An API token as listed: never its secret, which is shown once when it is created. */
export interface ApiToken {
  id: number;
  user: string;
  label: string;
  readOnly: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * Who is looking at a page, for the header and for buttons a role may not press: the mode
 * (docs/accounts.md), the signed-in user (null in open mode), and the role the request acts with (null in
 * open mode, where everything is allowed; a read-only token's role is viewer).
 */
export interface Viewer {
  mode: "open" | "secured";
  user: { name: string; role: Role } | null;
  role: Role | null;
  /** Signed in with a session (not a token): only then does the header offer Sign out. */
  session: boolean;
}
