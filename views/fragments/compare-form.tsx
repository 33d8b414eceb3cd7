import { promptUrl } from "../components.js";

/**
 * Compare `candidate` with the current version of `stage` (docs/evaluate.md#comparisons):
 * disabled, with the reason next to it, when that stage has no current version.
 */
export function CompareForm(props: {
  prompt: string;
  candidate: string;
  stage: string;
  hasCurrent: boolean;
  id: string;
}) {
  const { prompt, candidate, stage, hasCurrent, id } = props;
  const why = hasCurrent ? undefined : `${stage} has no current version to compare with`;
  return (
    <form method="post" action={`${promptUrl(prompt)}/comparisons`} class="inline-form">
      <input type="hidden" name="candidate" value={candidate} />
      <input type="hidden" name="baseline" value={stage} />
      <button type="submit" disabled={!hasCurrent} title={why} aria-describedby={why ? id : undefined}>
        Compare with {stage}
      </button>
      {why ? (
        <span id={id} class="muted small">
          {" "}
          {why}
        </span>
      ) : null}
    </form>
  );
}
