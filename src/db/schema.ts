import type { Generated, Insertable, Selectable } from "kysely";
import type { ReviewState } from "../domain/reviews.js";

/** Table types as SQLite stores them: snake_case, JSON as text, booleans as 0/1. */
export interface PromptsTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  max_major: Generated<number>;
  max_minor: Generated<number>;
  /** The current version of each stage (the truth; versions.is_current mirrors it, by trigger). */
  current_dev: Generated<number | null>;
  current_tst: Generated<number | null>;
  current_prod: Generated<number | null>;
  created_at: string;
  updated_at: string;
  /** When the prompt was archived (hidden from the list); null while in use. */
  archived_at: string | null;
  /** 'text' or 'chat' (docs/rules.md, chat prompts), fixed at creation: what the versions' `body` holds. */
  type: Generated<"text" | "chat">;
  /** High-water mark of `versions.seq`: never reused, even after a delete. */
  max_seq: Generated<number>;
}

export interface VersionsTable {
  id: Generated<number>;
  prompt_id: number;
  major: number;
  minor: number;
  stage: "DEV" | "TST" | "PROD";
  is_current: Generated<number>;
  /** The template text, or for a chat prompt its messages as canonical JSON (docs/rules.md, chat prompts). */
  body: string;
  config: Generated<string>;
  revision: Generated<number>;
  content_hash: string;
  created_from: string | null;
  created_at: string;
  updated_at: string;
  /** When the current revision was saved (docs/ui.md "Edited"); moves only with `revision`. */
  edited_at: string;
  /** 1, 2, 3… in creation order within the prompt (docs/rules.md, chat prompts); Langfuse's `version`. Given by the database when left out. */
  seq: Generated<number>;
  /** The prompt contract (docs/contract.md), canonical JSON: a list, a list, an object or null. */
  variables: Generated<string>;
  tools: Generated<string>;
  response_format: Generated<string | null>;
}

export interface RevisionsTable {
  id: Generated<number>;
  version_id: number;
  revision: number;
  body: string;
  config: string;
  content_hash: string;
  saved_at: string;
  actor: string;
  /** The contract as saved with this revision (see VersionsTable). */
  variables: Generated<string>;
  tools: Generated<string>;
  response_format: Generated<string | null>;
}

export interface EventsTable {
  id: Generated<number>;
  /** Null only for `settings.changed`, which belongs to no prompt. */
  prompt_id: number | null;
  at: string;
  actor: string;
  type: string;
  version: string | null;
  detail: Generated<string>;
}

export interface EnvironmentsTable {
  stage: "DEV" | "TST" | "PROD";
  provider: "echo" | "openai";
  base_url: string;
  model: string;
  api_key_env: string | null;
  timeout_ms: number;
  gate: number;
  /** 1: the no-regression gate (needs `gate` 1 too). */
  no_regression: Generated<number>;
  updated_at: string;
  /** How many people other than the requester approve a promotion into this stage (0–3). */
  approvals: Generated<number>;
}

/** A request to promote a version into a stage that needs approvals (docs/reviews.md). */
export interface ReviewsTable {
  id: Generated<number>;
  prompt_id: number;
  version_id: number;
  from_stage: "DEV" | "TST";
  to_stage: "TST" | "PROD";
  state: Generated<ReviewState>;
  requested_by: string;
  requested_at: string;
  /** The content the review is about: an edit makes the review stale. */
  content_hash: string;
  /** The target stage's current version at request time: a move makes the review stale. */
  base_version_id: number | null;
  needed: number;
  /** When it left `open` (applied, rejected, withdrawn or stale). */
  closed_at: string | null;
}

export interface ReviewVotesTable {
  id: Generated<number>;
  review_id: number;
  voter: string;
  kind: "approve" | "reject";
  at: string;
  comment: Generated<string>;
}

/** The audit: every move of a stage pointer, append-only. */
export interface StageMovesTable {
  id: Generated<number>;
  prompt_id: number;
  at: string;
  stage: "DEV" | "TST" | "PROD";
  from_version: string | null;
  to_version: string | null;
  actor: string;
  review_id: number | null;
}

export interface TestCasesTable {
  id: Generated<number>;
  prompt_id: number;
  name: string;
  variables: string;
  assertions: string;
  /** What the echo provider answers for this case; null: the rendered prompt. */
  echo_output: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdhocVariablesTable {
  prompt_id: number;
  variables: string;
  updated_at: string;
}

export interface TestRunsTable {
  id: Generated<number>;
  version_id: number;
  revision: number;
  content_hash: string;
  stage: "DEV" | "TST" | "PROD";
  provider: "echo" | "openai";
  model: string;
  status: "passed" | "failed" | "error";
  started_at: string;
  duration_ms: number;
  results: string;
}

/** A candidate version against a baseline over every test case (docs/evaluate.md). */
export interface ComparisonsTable {
  id: Generated<number>;
  prompt_id: number;
  stage: "DEV" | "TST" | "PROD";
  candidate_id: number;
  candidate_version: string;
  candidate_hash: string;
  baseline_id: number;
  baseline_version: string;
  baseline_hash: string;
  status: "running" | "done" | "error";
  total: number;
  progress: Generated<number>;
  candidate_run_id: number | null;
  baseline_run_id: number | null;
  fixed: number | null;
  broke: number | null;
  same: number | null;
  /** JSON: the compared cases, without their outputs (those stay in the two runs). */
  cases: string | null;
  /** JSON: passes, latency and tokens of each side. */
  summary: string | null;
  error: string | null;
  actor: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface WebhooksTable {
  id: Generated<number>;
  url: string;
  /** The signing secret, kept as it is (an HMAC needs it); shown once, never logged or exported. */
  secret: string;
  /** JSON arrays; empty means every event type, every stage. */
  types: string;
  stages: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** The outbox (docs/webhooks.md): written in the change's own transaction, sent by the server's worker. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  /** What receivers see and dedupe by (Promptrail-Delivery, the body's `id`). */
  uuid: string;
  webhook_id: number;
  /** Null for a test delivery (`ping`). */
  event_id: number | null;
  type: string;
  body: string;
  status: DeliveryStatus;
  /** Attempts since it was queued or redelivered. */
  attempts: number;
  next_attempt_at: string;
  lease_token: string | null;
  lease_until: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: string;
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  /** The first 1 KiB of the answer. */
  response: string | null;
}

export type RoleName = "viewer" | "editor" | "releaser" | "admin";

/** docs/accounts.md: people who sign in. Disabled, never deleted; the password only as a scrypt hash. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: RoleName;
  disabled: Generated<number>;
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
}

/** A signed-in browser: the sha256 hex of its cookie, never the cookie itself. */
export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  secret_hash: string;
  created_at: string;
  last_used_at: string;
}

/** An API token: the sha256 hex of its secret, never the secret itself. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  label: string;
  secret_hash: string;
  read_only: Generated<number>;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One failed sign-in, for the limit (kept 15 minutes). */
export interface SignInFailuresTable {
  id: Generated<number>;
  name: string;
  address: string;
  at: string;
  /** 1 once a successful sign-in of `name` forgave it: it still counts for `address`. */
  name_forgiven: Generated<number>;
}

export interface Database {
  prompts: PromptsTable;
  versions: VersionsTable;
  revisions: RevisionsTable;
  events: EventsTable;
  environments: EnvironmentsTable;
  test_cases: TestCasesTable;
  adhoc_variables: AdhocVariablesTable;
  test_runs: TestRunsTable;
  comparisons: ComparisonsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_failures: SignInFailuresTable;
  reviews: ReviewsTable;
  review_votes: ReviewVotesTable;
  stage_moves: StageMovesTable;
}

export type PromptRow = Selectable<PromptsTable>;
export type VersionRow = Selectable<VersionsTable>;
export type NewVersionRow = Insertable<VersionsTable>;
export type RevisionRow = Selectable<RevisionsTable>;
export type EventRow = Selectable<EventsTable>;
export type EnvironmentRow = Selectable<EnvironmentsTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type ReviewVoteRow = Selectable<ReviewVotesTable>;
export type StageMoveRow = Selectable<StageMovesTable>;
export type TestCaseRow = Selectable<TestCasesTable>;
export type TestRunRow = Selectable<TestRunsTable>;
export type ComparisonRow = Selectable<ComparisonsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
