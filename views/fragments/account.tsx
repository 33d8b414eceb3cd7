import type { Role } from "../../src/domain/roles.js";
import { useViewer } from "../viewer.js";

/**
 * The header's account corner (docs/accounts.md): who is signed in, with which role, and Sign out; in
 * open mode, a note that nobody signs in yet.
 */
export function Account() {
  const viewer = useViewer();
  if (!viewer) return null;
  if (viewer.mode === "open")
    return (
      <p
        class="account muted small"
        title="No accounts yet: every request acts as local. Add the first admin to require sign-in."
      >
        Open mode · no sign-in
      </p>
    );
  if (!viewer.user) return null;
  return (
    <div class="account">
      <span class="account-name">{viewer.user.name}</span>
      <span class={`role-pill role-${viewer.user.role}`}>{viewer.user.role}</span>
      {viewer.session ? (
        <form method="post" action="/logout" class="inline-form">
          <button type="submit" class="link-button">
            Sign out
          </button>
        </form>
      ) : (
        <span class="muted small">API token</span>
      )}
    </div>
  );
}

/** Where "Settings" leads: the stage environments for those who may change them, else one's tokens. */
export function settingsHome(role: Role | null | undefined): string {
  return role === null || role === undefined || role === "admin" ? "/settings/environments" : "/settings/tokens";
}

export function useSettingsHome(): string {
  return settingsHome(useViewer()?.role);
}
