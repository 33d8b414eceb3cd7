import type { ErrorIssue } from "../../src/domain/errors.js";
import { STAGES, type Stage } from "../../src/domain/stage.js";
import type { Environment, Environments } from "../../src/model/testing.model.js";
import { StageBadge } from "../components.js";
import { SettingsFrame } from "../fragments/settings-tabs.js";
import type { FlashMessage } from "../layout.js";

/** A refused settings form: which stage, what was typed, and why. */
export interface SettingsDraft {
  stage: Stage;
  values: Record<string, string>;
  issues: ErrorIssue[];
}

function StageForm({
  stage,
  env,
  testedOn,
  draft,
}: {
  stage: Stage;
  env: Environment;
  /** The provider of the stage before this one, where the tests its gate reads are run. */
  testedOn: Environment["provider"] | null;
  draft?: SettingsDraft | undefined;
}) {
  const id = (field: string) => `${stage.toLowerCase()}-${field}`;
  const value = (field: string, current: string) => (draft ? (draft.values[field] ?? "") : current);
  const issue = (field: string) => draft?.issues.find((i) => i.path === field)?.message;
  const field = (name: string, label: string, current: string, extra: Record<string, unknown> = {}) => (
    <>
      <label for={id(name)}>{label}</label>
      <input
        id={id(name)}
        name={name}
        value={value(name, current)}
        aria-invalid={issue(name) ? "true" : undefined}
        {...extra}
      />
      {issue(name) ? <p class="field-error">{issue(name)}</p> : null}
    </>
  );
  const provider = draft ? draft.values.provider : env.provider;
  const gate = draft ? draft.values.gate === "true" || draft.values.gate === "no-regression" : env.gate !== false;
  const noRegression = draft ? draft.values.gate === "no-regression" : env.gate === "no-regression";
  return (
    <form
      method="post"
      action={`/settings/environments/${stage}`}
      class={`env-form env-${stage.toLowerCase()}`}
      aria-labelledby={id("title")}
    >
      <h2 id={id("title")} class="sub">
        <StageBadge stage={stage} /> environment
      </h2>
      <label for={id("provider")}>Provider</label>
      <select id={id("provider")} name="provider" aria-describedby={id("provider-hint")}>
        <option value="echo" selected={provider === "echo"}>
          echo — no model
        </option>
        <option value="openai" selected={provider === "openai"}>
          openai — Chat Completions
        </option>
      </select>
      <p id={id("provider-hint")} class="muted small">
        <strong>echo</strong> calls no model: each case's output is its rendered prompt, or the test case's echo output.{" "}
        <strong>openai</strong> calls <code>{"{baseUrl}"}/chat/completions</code> (OpenAI, Ollama, vLLM, LM Studio…).
      </p>
      {field("baseUrl", "Base URL", env.baseUrl, { placeholder: "https://api.openai.com/v1" })}
      {field("model", "Default model", env.model)}
      {field("apiKeyEnv", "API key variable", env.apiKeyEnv ?? "", { placeholder: "PROMPTRAIL_OPENAI_API_KEY" })}
      <p class="muted small">
        The NAME of a server environment variable starting with PROMPTRAIL_. The key itself is never stored or shown.
      </p>
      {field("timeoutMs", "Timeout (ms)", String(env.timeoutMs), { inputmode: "numeric" })}
      {stage === "DEV" ? (
        <p class="muted small">No gate: nothing is promoted into DEV.</p>
      ) : (
        <>
          <input type="hidden" name="gate" value="false" />
          <label class="check">
            <input type="checkbox" name="gate" value="true" checked={gate} /> Gate: promoting into {stage} needs a
            passing test
          </label>
          <input type="hidden" name="noRegression" value="false" />
          <label class="check">
            <input type="checkbox" name="noRegression" value="true" checked={noRegression} /> No regression: and a
            comparison with the current {stage} version with nothing broken
          </label>
          {testedOn === "echo" ? (
            <p class="note small">
              The gate reads tests run in {stage === "TST" ? "DEV" : "TST"}, which uses echo: no model answers there, so
              assertions about a model's answer (json, equals…) pass only with a test case's echo output.
            </p>
          ) : null}
          <label for={id("approvals")}>Approvals</label>
          <select id={id("approvals")} name="approvals" aria-describedby={id("approvals-hint")}>
            {[0, 1, 2, 3].map((n) => (
              <option value={String(n)} selected={String(n) === value("approvals", String(env.approvals))}>
                {n === 0
                  ? "0 — promote at once"
                  : `${n} — ${n} other ${n === 1 ? "person approves" : "people approve"}`}
              </option>
            ))}
          </select>
          {issue("approvals") ? <p class="field-error">{issue("approvals")}</p> : null}
          <p id={id("approvals-hint")} class="muted small">
            Above 0, promoting into {stage} opens a review: releasers or admins other than the person who asked approve
            it (<a href="/reviews">reviews</a>). Needs accounts.
          </p>
        </>
      )}
      <button type="submit" class="primary">
        Save {stage}
      </button>
    </form>
  );
}

export function SettingsPage({
  environments,
  draft,
  flash,
}: {
  environments: Environments;
  draft?: SettingsDraft | undefined;
  flash?: FlashMessage | null;
}) {
  return (
    <SettingsFrame current="environments" title="Stage environments" flash={flash}>
      <p class="muted">
        TEST runs a version against the environment of the stage it is in. Fresh installs use echo everywhere, with no
        gates.
      </p>
      <div class="env-grid">
        {STAGES.map((stage) => (
          <StageForm
            stage={stage}
            env={environments[stage]}
            testedOn={stage === "DEV" ? null : environments[stage === "TST" ? "DEV" : "TST"].provider}
            draft={draft?.stage === stage ? draft : undefined}
          />
        ))}
      </div>
    </SettingsFrame>
  );
}
