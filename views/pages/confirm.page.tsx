import { Layout } from "../layout.js";

export interface ConfirmProps {
  title: string;
  message: string;
  /** The POST the confirming button sends. */
  action: string;
  /** Hidden fields the POST carries (e.g. the stage a promotion expects to reach). */
  fields?: Record<string, string>;
  button: string;
  cancelUrl: string;
  danger?: boolean;
}

/** Without JavaScript, Promote to PROD and Delete ask here before they post. */
export function ConfirmPage({ title, message, action, fields = {}, button, cancelUrl, danger }: ConfirmProps) {
  return (
    <Layout title={title}>
      <section class="confirm" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{title}</h1>
        <p>{message}</p>
        <form method="post" action={action} class="confirm-actions">
          {Object.entries(fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class={danger ? "danger" : "primary"}>
            {button}
          </button>
          <a class="button" href={cancelUrl}>
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}
