import type { FlashMessage } from "../../views/layout.js";
import type { TestRun } from "../model/testing.model.js";

/**
 * What a TEST came to, for the page's message: only a passed run is good news. A failed or erring
 * run is a warning (the request itself worked, nothing was refused) that counts the cases.
 */
export function testRunFlash(run: TestRun, before = `Tested v${run.version}`): FlashMessage {
  const cases = run.results.length;
  const of = (n: number) => (cases === 1 ? "the case" : `${n} of ${cases} cases`);
  if (run.status === "passed")
    return { kind: "ok", text: `${before}: passed (${cases === 1 ? "1 case" : `${cases} cases`})` };
  const failed = run.results.filter((r) => r.status === "failed").length;
  const erred = run.results.filter((r) => r.status === "error").length;
  const parts = [...(failed ? [`${of(failed)} failed`] : []), ...(erred ? [`${of(erred)} could not run`] : [])];
  return { kind: "warn", text: `${before}: ${run.status} — ${parts.join(", ")}` };
}
