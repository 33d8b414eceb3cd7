import { type FlashMessage, Layout } from "../layout.js";

export interface LoginProps {
  /** Where to go after signing in (a path on this site). */
  next: string;
  /** The name typed before a refusal, kept so only the password needs typing again. */
  name?: string;
  /** Why the last attempt was refused, in words ("Wrong name or password", "Too many attempts…"). */
  error?: string | null;
  /** Open mode: nobody signs in yet. */
  open?: boolean;
  flash?: FlashMessage | null;
}

/** UI.md "Sign in": a small centred card — name, password, Sign in — and the reason for a refusal. */
export function LoginPage({ next, name = "", error, open, flash }: LoginProps) {
  return (
    <Layout title="Sign in" bare flash={flash}>
      <div class="login-card">
        <h1>Sign in to Promptrail</h1>
        {open ? (
          <p class="note small">
            Promptrail is in open mode: there are no accounts yet, so nobody needs to sign in. Add the first admin with{" "}
            <code>promptrail user add NAME --role admin</code> to require sign-in.
          </p>
        ) : null}
        {error ? (
          <p class="flash flash-error" role="alert" id="login-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/login" class="login-form">
          <input type="hidden" name="next" value={next} />
          <label for="login-name">Name</label>
          <input
            id="login-name"
            name="name"
            value={name}
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            autofocus={name === ""}
            aria-describedby={error ? "login-error" : undefined}
          />
          <label for="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            autofocus={name !== ""}
          />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </div>
    </Layout>
  );
}
