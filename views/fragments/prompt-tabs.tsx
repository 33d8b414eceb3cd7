import { promptUrl } from "../components.js";

export type PromptTab = "versions" | "test-cases" | "compare" | "comparisons" | "history";

const TABS: Array<[PromptTab, string, string]> = [
  ["versions", "", "Versions"],
  ["test-cases", "/test-cases", "Test cases"],
  ["compare", "/compare", "Compare"],
  ["comparisons", "/comparisons", "Comparisons"],
  ["history", "/history", "History"],
];

/** A prompt's tabs, the same on each of its pages, the current one marked. */
export function PromptTabs({ prompt, current }: { prompt: string; current: PromptTab }) {
  const base = promptUrl(prompt);
  return (
    <nav class="tabs" aria-label="Prompt">
      {TABS.map(([tab, path, label]) => (
        <a href={`${base}${path}`} aria-current={tab === current ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}
