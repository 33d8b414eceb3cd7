import type { ErrorIssue } from "../../src/domain/errors.js";
import { ROLES, type Role } from "../../src/domain/roles.js";
import type { User } from "../../src/model/account.model.js";
import { TimeAgo } from "../components.js";
import { SettingsFrame } from "../fragments/settings-tabs.js";
import type { FlashMessage } from "../layout.js";
import { useViewer } from "../viewer.js";

/** A refused new-user form: what was typed (never the password) and why. */
export interface NewUserDraft {
  name: string;
  role: string;
  issues: ErrorIssue[];
}

const ROLE_HELP: Record<Role, string> = {
  viewer: "reads everything",
  editor: "+ edits, tests, promotes to TST",
  releaser: "+ promotes to PROD, rolls back",
  admin: "+ environments, users, tokens",
};

function RoleSelect({ id, name, value }: { id: string; name: string; value: string }) {
  return (
    <select id={id} name={name}>
      {ROLES.map((role) => (
        <option value={role} selected={role === value}>
          {role}
        </option>
      ))}
    </select>
  );
}

function UserRow({ user, now, me }: { user: User; now: Date; me: boolean }) {
  const url = `/settings/users/${user.name}`;
  return (
    <tr class={user.disabled ? "row-disabled" : undefined}>
      <th scope="row">
        <span class="user-name">{user.name}</span>
        {me ? <span class="muted small"> (you)</span> : null}
      </th>
      <td>
        <form method="post" action={`${url}/save`} class="inline-form role-form">
          <label class="visually-hidden" for={`role-${user.name}`}>
            Role of {user.name}
          </label>
          <RoleSelect id={`role-${user.name}`} name="role" value={user.role} />
          <button type="submit">Save role</button>
        </form>
      </td>
      <td class="wide-only">
        {user.lastSeenAt ? <TimeAgo at={user.lastSeenAt} now={now} /> : <span class="muted">never</span>}
      </td>
      <td>{user.disabled ? <span class="status-off">disabled</span> : <span class="muted">active</span>}</td>
      <td>
        <form method="post" action={`${url}/${user.disabled ? "enable" : "disable"}`} class="inline-form">
          <button type="submit" class={user.disabled ? undefined : "danger"}>
            {user.disabled ? "Enable" : "Disable"}
          </button>
        </form>
      </td>
    </tr>
  );
}

function NewUserForm({ draft, first }: { draft?: NewUserDraft | undefined; first: boolean }) {
  const issue = (field: string) => draft?.issues.find((i) => i.path === field)?.message;
  const field = (name: string) => (issue(name) ? <p class="field-error">{issue(name)}</p> : null);
  return (
    <form method="post" action="/settings/users" class="create-form" aria-labelledby="new-user-title">
      <h2 id="new-user-title">Add a user</h2>
      {first ? (
        <p class="note small">
          The first user must be an admin. From then on everyone signs in, and requests without a session or token are
          refused.
        </p>
      ) : null}
      <label for="new-user-name">Name</label>
      <input
        id="new-user-name"
        name="name"
        value={draft?.name ?? ""}
        autocapitalize="none"
        spellcheck={false}
        required
        aria-invalid={issue("name") ? "true" : undefined}
      />
      {field("name")}
      <label for="new-user-role">Role</label>
      <RoleSelect id="new-user-role" name="role" value={draft?.role ?? (first ? "admin" : "editor")} />
      {field("role")}
      <label for="new-user-password">Password</label>
      <input
        id="new-user-password"
        name="password"
        type="password"
        autocomplete="new-password"
        minlength={12}
        required
        aria-describedby="new-user-password-hint"
        aria-invalid={issue("password") ? "true" : undefined}
      />
      <p id="new-user-password-hint" class="muted small">
        At least 12 characters. Tell it to the user; they can change it under Settings › Password.
      </p>
      {field("password")}
      <button type="submit" class="primary">
        Add user
      </button>
    </form>
  );
}

/** UI.md "Users and tokens": users as a table with role changes inline, and a form to add one. */
export function UsersPage({
  users,
  now,
  draft,
  flash,
}: {
  users: User[];
  now: Date;
  draft?: NewUserDraft | undefined;
  flash?: FlashMessage | null;
}) {
  const me = useViewer()?.user?.name;
  const first = !users.some((u) => u.role === "admin" && !u.disabled);
  return (
    <SettingsFrame current="users" title="Users" flash={flash}>
      <div class="list-layout">
        <div>
          <p class="lead">
            Roles, weakest first:{" "}
            {ROLES.map((role, i) => (
              <>
                {i > 0 ? " · " : ""}
                <strong>{role}</strong> <span class="muted">{ROLE_HELP[role]}</span>
              </>
            ))}
            . Disabling a user ends their sessions and stops their tokens.
          </p>
          {users.length === 0 ? (
            <p class="empty">No users yet: Promptrail is open to anyone who can reach it on this machine.</p>
          ) : (
            <div class="table-scroll">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col" class="wide-only">
                      Last seen
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((user) => (
                    <UserRow user={user} now={now} me={user.name === me} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <NewUserForm draft={draft} first={first} />
      </div>
    </SettingsFrame>
  );
}
