/**
 * Why a call failed. `not_found`, `unauthorized`, `forbidden`, `bad_request`… are the server's
 * own refusals (its `error.code`); `unavailable` means the server could not answer (down, slow,
 * 5xx, not a Promptrail answer) and neither the last good copy nor the bundle had the prompt;
 * `bundle_refused` is a fallback bundle that failed its checks; `validation_failed` is a render
 * whose variables do not fit the prompt's contract (`issues` says which).
 */
export class PromptrailError extends Error {
  override readonly name = "PromptrailError";
  constructor(
    readonly code: string,
    message: string,
    readonly details: {
      status?: number;
      issues?: Array<{ path: Array<string | number>; message: string }>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get issues(): Array<{ path: Array<string | number>; message: string }> | undefined {
    return this.details.issues;
  }
}
