import { DomainError, type ErrorCode } from "../domain/errors.js";
import { DatabaseRefusal } from "../store/refusals.js";

/**
 * What each rule of the database means to a caller, by the rule's name: the trigger, the CHECK
 * constraint, or a UNIQUE constraint's columns. Code checks these rules first; the database is
 * the last line (R12), and when it is the one to notice, the caller still gets the right code.
 * Triggers that share one RAISE text (the two of the event log, say) share one meaning too.
 */
const RULES: Record<string, { code: ErrorCode; message?: string }> = {
  "prompts.name": { code: "name_taken", message: "A prompt with that name already exists" },
  "test_cases.prompt_id, test_cases.name": { code: "name_taken", message: "A test case with that name already exists" },
  versions_prod_immutable: { code: "version_immutable", message: "Cannot edit production versions" },
  prompts_insert_name_fresh: { code: "name_taken", message: "A prompt with that name already exists" },
  test_cases_insert_name_fresh: { code: "name_taken", message: "A test case with that name already exists" },
  // The same RAISE text: SQLite names the first trigger raising it, PostgreSQL the one that did.
  test_cases_update_name_free: { code: "name_taken", message: "A test case with that name already exists" },
  revisions_insert_not_prod: { code: "version_immutable", message: "Cannot edit production versions" },
  versions_delete_dev_only: { code: "delete_forbidden" },
  prompts_never_deleted: { code: "delete_forbidden" },
  test_runs_delete_only_pruned: { code: "delete_forbidden" },
  environments_base_url: { code: "validation_failed" },
  environments_api_key_env: { code: "validation_failed" },
  "versions.prompt_id, versions.stage": {
    code: "invalid_transition",
    message: "That stage already has a current version",
  },
  prompts_name_format: { code: "validation_failed", message: "Not a prompt name" },
  prompts_description_size: { code: "validation_failed", message: "The description is over 2,000 characters" },
  versions_body_size: { code: "validation_failed", message: "The prompt is over 1,000,000 bytes" },
  versions_config: { code: "validation_failed", message: "The config is not a JSON object of at most 64 KiB" },
  // The prompt contract (docs/contract.md): immutable in PROD, well-formed everywhere.
  versions_prod_contract: { code: "version_immutable", message: "Cannot edit production versions" },
  versions_insert_contract: { code: "validation_failed" },
  versions_update_contract: { code: "validation_failed" },
  revisions_insert_contract: { code: "validation_failed" },
  versions_variables: { code: "validation_failed", message: "The variables are not a JSON list within 256 KiB" },
  versions_tools: { code: "validation_failed", message: "The tools are not a JSON list of at most 128 within 512 KiB" },
  // Review before PROD (docs/reviews.md): the two-person rule, kept by the database too.
  versions_approved_promotion: {
    code: "invalid_transition",
    message: "A promotion into this stage needs an applied review with its approvals",
  },
  environments_approvals_secured: { code: "validation_failed", message: "Approvals need accounts: add users first" },
  review_votes_not_requester: { code: "forbidden", message: "Nobody reviews their own request" },
  review_votes_role: { code: "forbidden", message: "Reviewers are active releasers or admins" },
  review_votes_insert_fresh: { code: "forbidden", message: "Each reviewer votes once" },
  review_votes_open: { code: "invalid_transition", message: "Only an open review takes votes" },
  reviews_closed_stay_closed: { code: "invalid_transition", message: "A closed review stays closed" },
  versions_response_format: {
    code: "validation_failed",
    message: "The response format is not a JSON object of a known type",
  },
};

/** A refusal by the database as the DomainError a caller understands; null for anything else. */
export function domainErrorOf(error: unknown): DomainError | null {
  if (!(error instanceof DatabaseRefusal)) return null;
  const known = RULES[error.rule];
  if (known) return new DomainError(known.code, known.message ?? error.message);
  return new DomainError("invalid_transition", `Refused by the database: ${error.message}`);
}
