import type { Child } from "hono/jsx";
import { Account, useSettingsHome } from "./fragments/account.js";

/** htmx settings: no eval (CSP), our own indicator styles, and 4xx answers swapped so errors show. */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[4]..", swap: true, error: true },
    { code: "...", swap: false, error: true },
  ],
});

export interface FlashMessage {
  /** Done; done, but look (a test that failed, an empty prompt saved); refused. */
  kind: "ok" | "warn" | "error";
  text: string;
}

/**
 * The live region that says what happened. htmx swaps only its content (never the region
 * itself), so that screen readers announce each new message.
 */
export function Flash({ flash, oob }: { flash?: FlashMessage | null | undefined; oob?: boolean }) {
  return (
    <div id="flash" class="flash-area" role="status" aria-live="polite" hx-swap-oob={oob ? "innerHTML" : undefined}>
      {flash ? <p class={`flash flash-${flash.kind}`}>{flash.text}</p> : null}
    </div>
  );
}

export interface LayoutProps {
  title: string;
  flash?: FlashMessage | null | undefined;
  crumbs?: Child;
  /** The sign-in page: no navigation, nothing to go to before signing in. */
  bare?: boolean;
  children?: Child;
}

export function Layout({ title, flash, crumbs, bare, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${title} · Promptrail`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/app.js" defer></script>
        <script src="/static/contract.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/">
            Promptrail
          </a>
          {bare ? null : (
            <>
              <nav aria-label="Main">
                <a href="/prompts">Prompts</a>
                <a href="/reviews?state=open">Reviews</a>
                <a href="/audit">Audit</a>
                <a href={useSettingsHome()}>Settings</a>
              </nav>
              <Account />
            </>
          )}
        </header>
        <main id="main">
          {crumbs ? (
            <nav class="crumbs" aria-label="Breadcrumb">
              {crumbs}
            </nav>
          ) : null}
          <Flash flash={flash} />
          {children}
        </main>
      </body>
    </html>
  );
}
