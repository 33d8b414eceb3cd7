/** The closed set of error codes of docs/api.md, each with its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  name_taken: 409,
  version_immutable: 409,
  invalid_transition: 409,
  delete_forbidden: 409,
  stale_revision: 409,
  tests_required: 409,
  payload_too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
/** The statuses a refusal can have: 400, 401, 403, 404, 405, 406, 409, 413, 422 or 429. */
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An issue whose path is a list of keys, where a key may hold dots: a render's `["variables", name]`. */
export interface KeyedIssue {
  path: string[];
  message: string;
}

/** A refused request: a code from docs/api.md, a message a person can read, optional field issues. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    /** For rate_limited: seconds until a new attempt may succeed (the `Retry-After` header). */
    readonly retryAfter?: number,
    /** Issues keyed by a list of keys; answered as `issues` in place of the plain ones. */
    readonly keyedIssues?: KeyedIssue[],
  ) {
    super(message);
    this.name = "DomainError";
  }

  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }

  toJSON() {
    const issues: Array<ErrorIssue | KeyedIssue> | undefined = this.keyedIssues ?? this.issues;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(issues ? { issues } : {}),
      },
    };
  }
}
