import { promptUrl, versionUrl } from "../components.js";
import { Layout } from "../layout.js";

export interface ConfirmProps {
  /** The prompt (and version) the action is about, named in the breadcrumbs. */
  prompt: string;
  version?: string;
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
export function ConfirmPage(props: ConfirmProps) {
  const { prompt, version, title, message, action, fields = {}, button, cancelUrl, danger } = props;
  const crumbs = (
    <>
      <a href={promptUrl(prompt)}>{prompt}</a>
      {version ? (
        <>
          {" "}
          <span aria-hidden="true">›</span> <a href={versionUrl(prompt, version)}>v{version}</a>
        </>
      ) : null}
    </>
  );
  return (
    <Layout title={`${prompt}: ${title}`} crumbs={crumbs}>
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
