import type { Context } from "hono";
import { DomainError, type ErrorCode } from "../domain/errors.js";
import { negotiate } from "./negotiate.js";

/**
 * Every form route's shape: do the action; if the service refuses it with one of `codes` (the
 * refusals a person fixes in the form, e.g. validation_failed, name_taken, stale_revision) and
 * the caller is a browser, answer `rerender(error)` — the form again, with the submitted values,
 * the messages and the error's status. JSON callers and every other error go to onError.
 */
export async function withFormErrors(
  c: Context,
  codes: readonly ErrorCode[],
  act: () => Promise<Response>,
  rerender: (error: DomainError) => Response | Promise<Response>,
): Promise<Response> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof DomainError) || !codes.includes(error.code) || negotiate(c) === "json") throw error;
    return rerender(error);
  }
}
