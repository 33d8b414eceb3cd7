import type { StructuredPatch } from "diff";
import type { Comparison } from "../../src/model/compare.model.js";

/**
 * What a patch is about, from its file names (src/services/compare.service.ts): "Prompt",
 * "Config", or for a chat prompt "Message 3 · user", said to be added or removed when it is.
 */
export function patchTitle(patch: StructuredPatch): string {
  const gone = (name: string | undefined) => name === undefined || name === "/dev/null";
  const name = gone(patch.newFileName) ? patch.oldFileName : patch.newFileName;
  if (name?.endsWith("/config.json")) return "Config";
  const message = /\/messages\/(\d+) \((\w+)\)$/.exec(name ?? "");
  if (!message) return "Prompt";
  const status = gone(patch.oldFileName) ? " — added" : gone(patch.newFileName) ? " — removed" : "";
  return `Message ${message[1]} · ${message[2]}${status}`;
}

/** One patch as a table of lines: removals and additions coloured and marked with − and +. */
export function PatchTable({ patch, title }: { patch: StructuredPatch; title: string }) {
  return (
    <table class="diff diff-unified" aria-label={title}>
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

type Cell = { n: number; text: string } | null;

/** A hunk as rows of (old line, new line): context on both sides, a removal run beside the additions that replace it. */
function splitRows(hunk: StructuredPatch["hunks"][number]): Array<{ left: Cell; right: Cell }> {
  const rows: Array<{ left: Cell; right: Cell }> = [];
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  let dels: Cell[] = [];
  let adds: Cell[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++)
      rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  for (const line of hunk.lines) {
    if (line.startsWith("\\")) continue;
    const text = line.slice(1);
    if (line[0] === "-") dels.push({ n: oldLine++, text });
    else if (line[0] === "+") adds.push({ n: newLine++, text });
    else {
      flush();
      rows.push({ left: { n: oldLine++, text }, right: { n: newLine++, text } });
    }
  }
  flush();
  return rows;
}

/** The same patch side by side, old on the left and new on the right, for wide screens. */
export function SplitTable({ patch, title }: { patch: StructuredPatch; title: string }) {
  return (
    <table class="diff diff-split" aria-label={title}>
      <tbody>
        {patch.hunks.map((hunk) => (
          <>
            <tr class="hunk">
              <td colspan={4}>{`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`}</td>
            </tr>
            {splitRows(hunk).map(({ left, right }) => {
              const same = left && right && left.text === right.text;
              return (
                <tr class={same ? "line-ctx" : "line-change"}>
                  {left ? (
                    <>
                      <td class="ln">{String(left.n)}</td>
                      <td class={same ? "code" : "code cell-del"}>
                        {same ? null : <span class="visually-hidden">removed: </span>}
                        {left.text}
                      </td>
                    </>
                  ) : (
                    <td class="empty" colspan={2} />
                  )}
                  {right ? (
                    <>
                      <td class="ln">{String(right.n)}</td>
                      <td class={same ? "code" : "code cell-add"}>
                        {same ? null : <span class="visually-hidden">added: </span>}
                        {right.text}
                      </td>
                    </>
                  ) : (
                    <td class="empty" colspan={2} />
                  )}
                </tr>
              );
            })}
          </>
        ))}
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

/** Unified everywhere; `split` adds the side-by-side table, which wide screens show instead. */
export function DiffView({ comparison, split = false }: { comparison: Comparison; split?: boolean }) {
  const { patches } = comparison;
  if (!patches) return <p class="flash flash-error">These versions are too large to diff in time.</p>;
  const changed = patches.filter((p) => p.hunks.length > 0);
  if (changed.length === 0)
    return (
      <p class="muted">
        The two versions have the same {comparison.to.type === "chat" ? "messages" : "body"} and config.
      </p>
    );
  return (
    <>
      {changed.map((p) => {
        const title = patchTitle(p);
        return (
          <figure class={split ? "diff-block has-split" : "diff-block"}>
            <figcaption>{title}</figcaption>
            <PatchTable patch={p} title={`${title} diff`} />
            {split ? <SplitTable patch={p} title={`${title} diff, side by side`} /> : null}
          </figure>
        );
      })}
    </>
  );
}
