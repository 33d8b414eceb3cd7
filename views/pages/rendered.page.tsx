import type { ChatMessage } from "../../src/domain/chat.js";
import { promptUrl, StageBadge, versionUrl } from "../components.js";
import { Layout } from "../layout.js";

/** A render's answer as a page (docs/contract.md, "Rendering"): the filled prompt, as the model gets it. */
export function RenderedPage({
  prompt,
  version,
  stage,
  body,
  messages,
}: {
  prompt: string;
  version: string;
  stage: "DEV" | "TST" | "PROD";
  body?: string;
  messages?: ChatMessage[];
}) {
  return (
    <Layout title={`${prompt} v${version}, rendered`}>
      <h1>
        <a href={promptUrl(prompt)}>{prompt}</a> <span aria-hidden="true">›</span>{" "}
        <a href={versionUrl(prompt, version)}>v{version}</a> <StageBadge stage={stage} /> rendered
      </h1>
      {body !== undefined ? <pre class="prompt-body">{body}</pre> : null}
      {messages ? (
        <ol class="rendered-messages">
          {messages.map((m) => (
            <li>
              <span class={`role-pill role-${m.role}`}>{m.role}</span>
              <pre class="prompt-body">{m.content}</pre>
            </li>
          ))}
        </ol>
      ) : null}
    </Layout>
  );
}
