import type { ContractChange } from "../../src/domain/contract-diff.js";

/**
 * The breaking-change report where two versions meet (compare, the promotion preview): breaking
 * changes first, each with a "breaks callers" tag and the sentence saying why; compatible ones muted.
 */
export function ContractChanges({ changes }: { changes: ContractChange[] }) {
  if (changes.length === 0) return <p class="muted contract-same">Same contract: no change for callers.</p>;
  const breaking = changes.filter((c) => c.breaking).length;
  return (
    <section class="contract-changes" aria-label="Contract changes">
      <h3>
        Contract changes{" "}
        <span class="muted">
          {breaking > 0 ? `${breaking} of ${changes.length} break callers` : "none breaks callers"}
        </span>
      </h3>
      <ul>
        {changes.map((c) => (
          <li class={c.breaking ? "change-breaking" : "change-compatible"}>
            {c.breaking ? <span class="tag tag-breaking">breaks callers</span> : null} <Words text={c.message} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A message's `names` as code. */
function Words({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>;
}
