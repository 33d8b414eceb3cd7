import type { ErrorIssue } from "../../src/domain/errors.js";
import { SettingsFrame } from "../fragments/settings-tabs.js";
import type { FlashMessage } from "../layout.js";
import { useViewer } from "../viewer.js";

/** One's own password: the current one, then the new one twice. */
export function PasswordPage({ issues = [], flash }: { issues?: ErrorIssue[]; flash?: FlashMessage | null }) {
  const issue = (field: string) => issues.find((i) => i.path === field)?.message;
  const field = (name: string, label: string, autocomplete: string, hint?: string) => (
    <>
      <label for={`password-${name}`}>{label}</label>
      <input
        id={`password-${name}`}
        name={name}
        type="password"
        autocomplete={autocomplete}
        required
        aria-invalid={issue(name) ? "true" : undefined}
        aria-describedby={hint ? `password-${name}-hint` : undefined}
      />
      {hint ? (
        <p id={`password-${name}-hint`} class="muted small">
          {hint}
        </p>
      ) : null}
      {issue(name) ? <p class="field-error">{issue(name)}</p> : null}
    </>
  );
  if (useViewer()?.mode === "open")
    return (
      <SettingsFrame current="password" title="Change your password" flash={flash}>
        <p class="empty">
          Promptrail is in open mode: there are no accounts yet, so nobody has a password. Add the first admin under
          Users, or with <code>promptrail user add NAME --role admin</code>.
        </p>
      </SettingsFrame>
    );
  return (
    <SettingsFrame current="password" title="Change your password" flash={flash}>
      <form method="post" action="/settings/password" class="create-form narrow-form">
        {field("current", "Current password", "current-password")}
        {field("password", "New password", "new-password", "At least 12 characters.")}
        {field("confirm", "New password again", "new-password")}
        <p class="muted small">Every other browser signed in as you is signed out.</p>
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
    </SettingsFrame>
  );
}
