import { STAGES, type Stage } from "../src/domain/stage.js";
import { templateParts } from "../src/domain/template.js";

export const versionUrl = (prompt: string, version: string) =>
  `/prompts/${encodeURIComponent(prompt)}/versions/${version}`;
export const promptUrl = (prompt: string) => `/prompts/${encodeURIComponent(prompt)}`;

/** The stage as coloured badge whose text says the stage, so colour never carries meaning alone. */
export function StageBadge({ stage }: { stage: Stage }) {
  return <span class={`badge badge-${stage.toLowerCase()}`}>{stage}</span>;
}

/** A version number as a chip in its stage's colour, or a muted dash when there is none. */
export function VersionChip({ prompt, version, stage }: { prompt: string; version: string | null; stage: Stage }) {
  if (!version)
    return (
      <span class="muted">
        <span aria-hidden="true">—</span>
        <span class="visually-hidden">{`no current ${stage} version`}</span>
      </span>
    );
  return (
    <a class={`chip chip-${stage.toLowerCase()}`} href={versionUrl(prompt, version)}>
      v{version}
    </a>
  );
}

const UNITS: Array<[number, string]> = [
  [60, "s"],
  [60, "min"],
  [24, "h"],
  [30, "d"],
  [12, "mo"],
];

/** "3 min ago" with the exact time on hover. */
export function TimeAgo({ at, now = new Date() }: { at: string; now?: Date }) {
  let value = Math.max(0, (now.getTime() - Date.parse(at)) / 1000);
  let label = "just now";
  if (value >= 5) {
    let unit = "y";
    for (const [size, name] of UNITS) {
      if (value < size) {
        unit = name;
        break;
      }
      value /= size;
    }
    label = `${Math.floor(value)} ${unit} ago`;
  }
  return (
    <time datetime={at} title={new Date(at).toUTCString()}>
      {label}
    </time>
  );
}

export interface RailStop {
  stage: Stage;
  version: string | null;
  since?: string | null;
  /** DEV only: how many drafts exist, current or not. */
  drafts?: number;
}

/**
 * docs/ui.md: how many DEV drafts exist, so that a draft that is not current is never invisible.
 * Nothing when the only draft is the current one (its chip says it all).
 */
export function DraftCount({ prompt, drafts, current }: { prompt: string; drafts: number; current: boolean }) {
  if (drafts <= (current ? 1 : 0)) return null;
  return <a href={`${promptUrl(prompt)}#versions`}>{drafts === 1 ? "1 draft" : `${drafts} drafts`}</a>;
}

/** DEV → TST → PROD, each with its current version; `highlight` marks where a version stands. */
export function StageRail({ prompt, stops, highlight }: { prompt: string; stops: RailStop[]; highlight?: Stage }) {
  return (
    <ol class="rail" aria-label="Stages">
      {STAGES.map((stage) => {
        const stop = stops.find((s) => s.stage === stage);
        return (
          <li class={`rail-stop rail-${stage.toLowerCase()}${highlight === stage ? " rail-here" : ""}`}>
            <StageBadge stage={stage} />
            <span class="rail-version">
              {stop?.version ? (
                <a href={versionUrl(prompt, stop.version)}>v{stop.version}</a>
              ) : (
                <span class="muted">{stop?.drafts ? "none current" : "none"}</span>
              )}
              {stop?.drafts && stop.drafts > (stop.version ? 1 : 0) ? (
                <span class="rail-drafts">
                  {" · "}
                  <DraftCount prompt={prompt} drafts={stop.drafts} current={stop.version !== null} />
                </span>
              ) : null}
            </span>
            {stop?.since ? (
              <span class="rail-since">
                <TimeAgo at={stop.since} />
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** Prompt text in a monospace block with `{{variables}}` picked out. */
export function PromptText({ body, label = "Prompt text" }: { body: string; label?: string }) {
  return (
    <pre class="prompt-text" title={label} dir="auto">
      {templateParts(body).map((part) => (part.variable ? <mark class="var">{part.text}</mark> : part.text))}
    </pre>
  );
}

export function VariableList({ names }: { names: string[] }) {
  if (names.length === 0) return <span class="muted">none</span>;
  return (
    <span>
      {names.map((n) => (
        <code class="var-name">{n}</code>
      ))}
    </span>
  );
}
