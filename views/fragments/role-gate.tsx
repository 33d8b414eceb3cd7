import type { Child } from "hono/jsx";
import type { Permission } from "../../src/domain/roles.js";
import { useAllowed } from "../viewer.js";

/**
 * Controls the viewer's role may not use (docs/accounts.md): still shown, but disabled as one group (a
 * disabled fieldset disables every control in it) with the reason written above them — UI.md: a
 * button you may not use says why in words. With `quiet`, only disabled: a page that repeats one
 * control per row says the reason once, with a RoleNote.
 */
export function RoleGate({
  permission,
  quiet,
  children,
}: {
  permission: Permission;
  quiet?: boolean;
  children?: Child;
}) {
  const allowed = useAllowed(permission);
  if (allowed.allowed) return <>{children}</>;
  return (
    <fieldset class="role-gate" disabled>
      {quiet ? null : <p class="role-note">{allowed.reason}</p>}
      {children}
    </fieldset>
  );
}

/** The reason the viewer's role may not use the controls of a page, once, in words. */
export function RoleNote({ permission }: { permission: Permission }) {
  const allowed = useAllowed(permission);
  return allowed.allowed ? null : <p class="role-note">{allowed.reason}</p>;
}
