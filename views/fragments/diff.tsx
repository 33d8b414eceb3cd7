import type { StructuredPatch } from "diff";
import type { Comparison } from "../../src/services/compare.service.js";

/** One patch as a table of lines: removals and additions coloured and marked with − and +. */
export function PatchTable({ patch, title }: { patch: StructuredPatch; title: string }) {
  return (
    <table class="diff" aria-label={title}>
      <tbody>
        {patch.hunks.map((hunk) => {
          let oldLine = hunk.oldStart;
          let newLine = hunk.newStart;
          return (
            <>
              <tr class="hunk">
                <td colspan={3}>{`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`}</td>
              </tr>
              {hunk.lines
                .filter((line) => !line.startsWith("\\"))
                .map((line) => {
                  const kind = line[0] === "+" ? "add" : line[0] === "-" ? "del" : "ctx";
                  const left = kind === "add" ? "" : String(oldLine++);
                  const right = kind === "del" ? "" : String(newLine++);
                  return (
                    <tr class={`line-${kind}`}>
                      <td class="ln">{left}</td>
                      <td class="ln">{right}</td>
                      <td class="code">
                        <span class="sign" aria-hidden="true">
                          {kind === "add" ? "+" : kind === "del" ? "−" : " "}
                        </span>
                        {kind === "ctx" ? null : (
                          <span class="visually-hidden">{kind === "add" ? "added: " : "removed: "}</span>
                        )}
                        {line.slice(1)}
                      </td>
                    </tr>
                  );
                })}
            </>
          );
        })}
      </tbody>
    </table>
  );
}

export function VariableChanges({ added, removed }: { added: string[]; removed: string[] }) {
  if (added.length === 0 && removed.length === 0) return <p class="muted">Same template variables.</p>;
  return (
    <ul class="var-changes">
      {added.map((n) => (
        <li class="line-add">
          variable added: <code>{`{{${n}}}`}</code> — callers must send it
        </li>
      ))}
      {removed.map((n) => (
        <li class="line-del">
          variable removed: <code>{`{{${n}}}`}</code>
        </li>
      ))}
    </ul>
  );
}

export function DiffView({ comparison }: { comparison: Comparison }) {
  const { patches } = comparison;
  if (!patches) return <p class="flash flash-error">These versions are too large to diff in time.</p>;
  const changed = patches.filter((p) => p.hunks.length > 0);
  if (changed.length === 0) return <p class="muted">The two versions have the same body and config.</p>;
  return (
    <>
      {changed.map((p) => (
        <figure class="diff-block">
          <figcaption>{p.oldFileName?.endsWith("config.json") ? "Config" : "Prompt"}</figcaption>
          <PatchTable patch={p} title={p.oldFileName?.endsWith("config.json") ? "Config diff" : "Prompt diff"} />
        </figure>
      ))}
    </>
  );
}
