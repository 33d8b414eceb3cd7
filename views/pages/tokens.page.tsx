import type { ErrorIssue } from "../../src/domain/errors.js";
import type { ApiToken } from "../../src/model/account.model.js";
import { TimeAgo } from "../components.js";
import { SettingsFrame } from "../fragments/settings-tabs.js";
import type { FlashMessage } from "../layout.js";
import { useViewer } from "../viewer.js";

/** A token just created: its secret, shown on the page the form's redirect lands on, and never again. */
export interface NewToken {
  token: ApiToken;
  secret: string;
}

export interface NewTokenDraft {
  label: string;
  readOnly: boolean;
  user: string;
  issues: ErrorIssue[];
}

function Secret({ created }: { created: NewToken }) {
  return (
    <section class="secret-box" aria-labelledby="secret-title">
      <h2 id="secret-title" class="sub">
        Token “{created.token.label}” created
      </h2>
      <p>
        Copy it now: <strong>it will not be shown again.</strong> Send it as <code>Authorization: Bearer …</code>.
      </p>
      <div class="secret-row">
        <input
          id="new-token-secret"
          class="secret"
          readonly
          value={created.secret}
          aria-label="The new token"
          spellcheck={false}
        />
        <button type="button" data-copy="new-token-secret">
          Copy
        </button>
      </div>
    </section>
  );
}

function TokenRow({ token, now, everyone }: { token: ApiToken; now: Date; everyone: boolean }) {
  return (
    <tr class={token.revokedAt ? "row-disabled" : undefined}>
      <th scope="row">{token.label}</th>
      {everyone ? <td class="user-name">{token.user}</td> : null}
      <td>{token.readOnly ? "read-only" : <span class="muted">role of its user</span>}</td>
      <td class="wide-only">
        <TimeAgo at={token.createdAt} now={now} />
      </td>
      <td>{token.lastUsedAt ? <TimeAgo at={token.lastUsedAt} now={now} /> : <span class="muted">never</span>}</td>
      <td>
        {token.revokedAt ? (
          <span class="status-off">
            revoked <TimeAgo at={token.revokedAt} now={now} />
          </span>
        ) : (
          <form method="post" action={`/settings/tokens/${token.id}/revoke`} class="inline-form">
            <button type="submit" class="danger" aria-label={`Revoke ${token.label}`}>
              Revoke
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function NewTokenForm({ draft, users }: { draft?: NewTokenDraft | undefined; users: string[] | null }) {
  const issue = (field: string) => draft?.issues.find((i) => i.path === field)?.message;
  return (
    <form method="post" action="/settings/tokens" class="create-form" aria-labelledby="new-token-title">
      <h2 id="new-token-title">New token</h2>
      <label for="new-token-label">Label</label>
      <input
        id="new-token-label"
        name="label"
        value={draft?.label ?? ""}
        placeholder="e.g. checkout-service PROD reads"
        required
        maxlength={100}
        aria-invalid={issue("label") ? "true" : undefined}
      />
      {issue("label") ? <p class="field-error">{issue("label")}</p> : null}
      {users ? (
        <>
          <label for="new-token-user">For user</label>
          <select id="new-token-user" name="user">
            {users.map((name) => (
              <option value={name} selected={name === draft?.user}>
                {name}
              </option>
            ))}
          </select>
          {issue("user") ? <p class="field-error">{issue("user")}</p> : null}
        </>
      ) : null}
      <input type="hidden" name="readOnly" value="false" />
      <label class="check">
        <input type="checkbox" name="readOnly" value="true" checked={draft?.readOnly ?? false} /> Read-only (acts as a
        viewer)
      </label>
      <p class="muted small">A token acts with its user's role. Applications that only read prompts need read-only.</p>
      <button type="submit" class="primary">
        Create token
      </button>
    </form>
  );
}

/**
 * UI.md "Users and tokens": tokens as a table (label, read-only, created, last used, Revoke) —
 * one's own, or everyone's for an admin — and a new token's secret shown once.
 */
export function TokensPage({
  tokens,
  everyone,
  users,
  created,
  draft,
  now,
  flash,
}: {
  tokens: ApiToken[];
  /** An admin's view: every user's tokens, with a user column. */
  everyone: boolean;
  /** Users a token may be made for (admins choose); null: one's own only. */
  users: string[] | null;
  created?: NewToken | undefined;
  draft?: NewTokenDraft | undefined;
  now: Date;
  flash?: FlashMessage | null;
}) {
  const viewer = useViewer();
  const noOwner = viewer?.mode === "open" && (users ?? []).length === 0;
  return (
    <SettingsFrame current="tokens" title={everyone ? "API tokens" : "Your API tokens"} flash={flash}>
      {created ? <Secret created={created} /> : null}
      <div class="list-layout">
        <div>
          <p class="lead">
            Programs authenticate with a token: <code>curl -H "Authorization: Bearer prt_…"</code>, or as the password
            of HTTP Basic with any user name.
          </p>
          {tokens.length === 0 ? (
            <p class="empty">No tokens yet.</p>
          ) : (
            <div class="table-scroll">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    {everyone ? <th scope="col">User</th> : null}
                    <th scope="col">Access</th>
                    <th scope="col" class="wide-only">
                      Created
                    </th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span class="visually-hidden">Status</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((token) => (
                    <TokenRow token={token} now={now} everyone={everyone} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {noOwner ? (
          <p class="empty">Tokens belong to users: add the first admin under Users, then create tokens.</p>
        ) : (
          <NewTokenForm draft={draft} users={users} />
        )}
      </div>
    </SettingsFrame>
  );
}
