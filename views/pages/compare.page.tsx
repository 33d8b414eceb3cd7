import type { Comparison } from "../../src/model/compare.model.js";
import { promptUrl, StageBadge, versionUrl } from "../components.js";
import { ContractChanges } from "../fragments/contract-changes.js";
import { DiffView } from "../fragments/diff.js";
import { PromptTabs } from "../fragments/prompt-tabs.js";
import { Layout } from "../layout.js";

function Picker({
  name,
  label,
  versions,
  selected,
}: {
  name: string;
  label: string;
  versions: string[];
  selected: string;
}) {
  return (
    <label>
      {label}{" "}
      <select name={name}>
        {versions.map((v) => (
          <option value={v} selected={v === selected}>
            v{v}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ComparePage({
  prompt,
  versions,
  comparison,
}: {
  prompt: string;
  versions: string[];
  comparison: Comparison;
}) {
  const { from, to } = comparison;
  return (
    <Layout title={`${prompt}: v${from.version} → v${to.version}`}>
      <header class="prompt-head">
        <h1>
          <a href={promptUrl(prompt)}>{prompt}</a> <span aria-hidden="true">›</span> Compare
        </h1>
        <PromptTabs prompt={prompt} current="compare" />
      </header>
      <form method="get" action={`${promptUrl(prompt)}/compare`} class="compare-pick">
        <Picker name="from" label="From" versions={versions} selected={from.version} />
        <span aria-hidden="true">→</span>
        <Picker name="to" label="To" versions={versions} selected={to.version} />
        <button type="submit">Compare</button>
      </form>
      <p>
        <a href={versionUrl(prompt, from.version)}>v{from.version}</a> <StageBadge stage={from.stage} /> →{" "}
        <a href={versionUrl(prompt, to.version)}>v{to.version}</a> <StageBadge stage={to.stage} />
      </p>
      <ContractChanges changes={comparison.contract} />
      <DiffView comparison={comparison} split />
    </Layout>
  );
}
