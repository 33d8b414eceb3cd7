import { Layout } from "../layout.js";

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Not allowed right now",
  413: "Too large",
  422: "Check your input",
  500: "Server error",
};

export function ErrorPage({
  status,
  code,
  message,
  back,
}: {
  status: number;
  code: string;
  message: string;
  /** Where to go from here, nearest first (the version the refused action was about). */
  back: Array<{ href: string; label: string }>;
}) {
  return (
    <Layout title={TITLES[status] ?? "Error"}>
      <section class="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{TITLES[status] ?? "Error"}</h1>
        <p class="flash flash-error" role="alert">
          {message}
        </p>
        <p class="muted">
          {status} · <code>{code}</code>
        </p>
        <nav class="way-back" aria-label="Where to go from here">
          {back.map((link, i) => (
            <>
              {i > 0 ? <span aria-hidden="true"> · </span> : null}
              <a href={link.href}>{link.label}</a>
            </>
          ))}
        </nav>
      </section>
    </Layout>
  );
}
