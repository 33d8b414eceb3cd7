import { type Kysely, sql } from "kysely";

/**
 * Review before PROD: a stage can ask for approvals (0–3) before a version is promoted into it;
 * a promotion into such a stage opens a review, and the last approval needed applies it. The
 * database keeps the rule too: no version enters that stage without an applied review of its
 * content with enough distinct approvers, none of them the requester. Every move of a stage
 * pointer is kept in an append-only audit table (`stage_moves`), filled here from the event log
 * for the moves made before it existed. The event log takes the review events: SQLite cannot
 * change a CHECK in place, so the table is rebuilt (SQLite's documented procedure), its rows,
 * ids, indexes and every trigger that mentions it kept as they were.
 */
const TYPES = `'prompt.created', 'version.created', 'version.edited', 'version.promoted', 'version.deleted',
  'version.made_current', 'version.tested', 'settings.changed', 'review.requested', 'review.approved',
  'review.rejected', 'review.withdrawn', 'review.stale'`;

export async function up(db: Kysely<any>): Promise<void> {
  await rebuildEvents(db);
  await sql
    .raw(
      `ALTER TABLE environments ADD COLUMN approvals integer NOT NULL DEFAULT 0
       CONSTRAINT environments_approvals CHECK (approvals BETWEEN 0 AND 3)`,
    )
    .execute(db);
  for (const statement of [...TABLES, ...TRIGGERS]) await sql.raw(statement).execute(db);
  await backfillMoves(db);
}

async function rebuildEvents(db: Kysely<any>): Promise<void> {
  const { rows: kept } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master
    WHERE type = 'trigger' AND (tbl_name = 'events' OR sql LIKE '%FROM events%') ORDER BY name`.execute(db);
  const { rows: names } = await sql<{ name: string }>`SELECT name FROM sqlite_master
    WHERE type = 'trigger' AND tbl_name <> 'events' AND sql LIKE '%FROM events%'`.execute(db);
  await sql
    .raw(
      `CREATE TABLE events_rebuilt (
        id integer PRIMARY KEY AUTOINCREMENT,
        prompt_id integer REFERENCES prompts (id),
        at text NOT NULL,
        actor text NOT NULL,
        type text NOT NULL,
        version text,
        detail text NOT NULL DEFAULT '{}',
        CONSTRAINT events_type CHECK (type IN (${TYPES})),
        CONSTRAINT events_prompt CHECK ((prompt_id IS NULL) = (type = 'settings.changed'))
      )`,
    )
    .execute(db);
  await sql`INSERT INTO events_rebuilt (id, prompt_id, at, actor, type, version, detail)
    SELECT id, prompt_id, at, actor, type, version, detail FROM events ORDER BY id`.execute(db);
  // Triggers of other tables that read events would make the rename fail: dropped, made again below.
  for (const { name } of names) await sql.raw(`DROP TRIGGER ${name}`).execute(db);
  await sql`DROP TABLE events`.execute(db);
  await sql`ALTER TABLE events_rebuilt RENAME TO events`.execute(db);
  await sql`CREATE INDEX events_by_prompt ON events (prompt_id, id)`.execute(db);
  await sql`CREATE INDEX events_by_version ON events (prompt_id, version, id)`.execute(db);
  for (const trigger of kept) await sql.raw(trigger.sql).execute(db);
}

const STAGE = (column: string) => `${column} IN ('DEV', 'TST', 'PROD')`;

const TABLES = [
  `CREATE TABLE reviews (
    id integer PRIMARY KEY AUTOINCREMENT,
    prompt_id integer NOT NULL REFERENCES prompts (id),
    version_id integer NOT NULL REFERENCES versions (id),
    from_stage text NOT NULL,
    to_stage text NOT NULL,
    state text NOT NULL DEFAULT 'open',
    requested_by text NOT NULL,
    requested_at text NOT NULL,
    content_hash text NOT NULL,
    base_version_id integer REFERENCES versions (id),
    needed integer NOT NULL,
    closed_at text,
    CONSTRAINT reviews_state CHECK (state IN ('open', 'applied', 'rejected', 'withdrawn', 'stale')),
    CONSTRAINT reviews_stages CHECK ((from_stage = 'DEV' AND to_stage = 'TST') OR (from_stage = 'TST' AND to_stage = 'PROD')),
    CONSTRAINT reviews_needed CHECK (needed BETWEEN 1 AND 3),
    CONSTRAINT reviews_closed CHECK ((state = 'open') = (closed_at IS NULL))
  )`,
  // One open review per version and target stage.
  "CREATE UNIQUE INDEX reviews_one_open ON reviews (version_id, to_stage) WHERE state = 'open'",
  "CREATE INDEX reviews_by_state ON reviews (state, id)",
  "CREATE INDEX reviews_by_version ON reviews (version_id, id)",
  `CREATE TABLE review_votes (
    id integer PRIMARY KEY AUTOINCREMENT,
    review_id integer NOT NULL REFERENCES reviews (id),
    voter text NOT NULL,
    kind text NOT NULL,
    at text NOT NULL,
    comment text NOT NULL DEFAULT '',
    CONSTRAINT review_votes_kind CHECK (kind IN ('approve', 'reject')),
    CONSTRAINT review_votes_comment CHECK (length(comment) <= 2000),
    UNIQUE (review_id, voter)
  )`,
  `CREATE TABLE stage_moves (
    id integer PRIMARY KEY AUTOINCREMENT,
    prompt_id integer NOT NULL REFERENCES prompts (id),
    at text NOT NULL,
    stage text NOT NULL,
    from_version text,
    to_version text,
    actor text NOT NULL,
    review_id integer,
    CONSTRAINT stage_moves_stage CHECK (${STAGE("stage")}),
    CONSTRAINT stage_moves_change CHECK (from_version IS NOT to_version)
  )`,
  "CREATE INDEX stage_moves_by_prompt ON stage_moves (prompt_id, id)",
  "CREATE INDEX stage_moves_by_stage ON stage_moves (stage, id)",
];

/** Approvers that count: distinct voters who approved, other than the requester. */
const APPROVERS = (review: string) => `(SELECT count(DISTINCT v.voter) FROM review_votes v
  WHERE v.review_id = ${review}.id AND v.kind = 'approve' AND v.voter <> ${review}.requested_by)`;

const refuse = (message: string) => `BEGIN SELECT RAISE(ABORT, '${message.replaceAll("'", "''")}'); END`;

const TRIGGERS = [
  `CREATE TRIGGER environments_approvals_secured BEFORE UPDATE OF approvals ON environments
   WHEN NEW.approvals > 0 AND NOT EXISTS (SELECT 1 FROM users WHERE disabled = 0)
   ${refuse("approvals need accounts: add a user first")}`,
  // The rule itself: entering a stage that needs N approvals takes an applied review of this
  // content with N approvers other than the requester.
  `CREATE TRIGGER versions_approved_promotion BEFORE UPDATE OF stage ON versions
   WHEN ((OLD.stage = 'DEV' AND NEW.stage = 'TST') OR (OLD.stage = 'TST' AND NEW.stage = 'PROD'))
     AND (SELECT approvals FROM environments WHERE stage = NEW.stage) > 0
     AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.version_id = NEW.id AND r.to_stage = NEW.stage
       AND r.state = 'applied' AND r.content_hash = OLD.content_hash
       AND ${APPROVERS("r")} >= (SELECT approvals FROM environments WHERE stage = NEW.stage))
   ${refuse("a promotion into this stage needs an applied review with its approvals")}`,
  // A draft's reviews go with it (also with foreign keys off); no other version is ever deleted.
  `CREATE TRIGGER versions_delete_reviews BEFORE DELETE ON versions WHEN OLD.stage = 'DEV'
   BEGIN
     DELETE FROM review_votes WHERE review_id IN (SELECT id FROM reviews WHERE version_id = OLD.id);
     DELETE FROM reviews WHERE version_id = OLD.id;
   END`,
  `CREATE TRIGGER reviews_insert_open BEFORE INSERT ON reviews
   WHEN NEW.state IS NOT 'open' OR NEW.closed_at IS NOT NULL OR EXISTS (SELECT 1 FROM reviews WHERE id = NEW.id)
     OR NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = NEW.version_id AND v.prompt_id = NEW.prompt_id
       AND v.stage = NEW.from_stage)
   ${refuse("a review starts open, for a version in the stage it leaves")}`,
  `CREATE TRIGGER reviews_keep_request BEFORE UPDATE ON reviews
   WHEN NEW.id IS NOT OLD.id OR NEW.prompt_id IS NOT OLD.prompt_id OR NEW.version_id IS NOT OLD.version_id
     OR NEW.from_stage IS NOT OLD.from_stage OR NEW.to_stage IS NOT OLD.to_stage
     OR NEW.requested_by IS NOT OLD.requested_by OR NEW.requested_at IS NOT OLD.requested_at
     OR NEW.content_hash IS NOT OLD.content_hash OR NEW.base_version_id IS NOT OLD.base_version_id
     OR NEW.needed IS NOT OLD.needed
   ${refuse("a review keeps what was asked")}`,
  `CREATE TRIGGER reviews_closed_stay_closed BEFORE UPDATE OF state, closed_at ON reviews
   WHEN OLD.state <> 'open'
   ${refuse("a closed review stays closed")}`,
  `CREATE TRIGGER reviews_applied_approved BEFORE UPDATE OF state ON reviews
   WHEN NEW.state = 'applied' AND ${APPROVERS("NEW")} < NEW.needed
   ${refuse("a review is applied only with its approvals")}`,
  `CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
   WHEN EXISTS (SELECT 1 FROM versions WHERE id = OLD.version_id AND stage <> 'DEV')
   ${refuse("reviews are kept")}`,
  // Created in reverse name order: SQLite fires the newest first, PostgreSQL by name, so both name the same rule.
  `CREATE TRIGGER review_votes_role BEFORE INSERT ON review_votes
   WHEN NOT EXISTS (SELECT 1 FROM users WHERE name = NEW.voter AND disabled = 0 AND role IN ('releaser', 'admin'))
   ${refuse("reviewers are active releasers or admins")}`,
  `CREATE TRIGGER review_votes_not_requester BEFORE INSERT ON review_votes
   WHEN EXISTS (SELECT 1 FROM reviews WHERE id = NEW.review_id AND requested_by = NEW.voter)
   ${refuse("nobody reviews their own request")}`,
  `CREATE TRIGGER review_votes_open BEFORE INSERT ON review_votes
   WHEN NOT EXISTS (SELECT 1 FROM reviews WHERE id = NEW.review_id AND state = 'open')
   ${refuse("only an open review takes votes")}`,
  `CREATE TRIGGER review_votes_insert_fresh BEFORE INSERT ON review_votes
   WHEN EXISTS (SELECT 1 FROM review_votes WHERE id = NEW.id OR (review_id = NEW.review_id AND voter = NEW.voter))
   ${refuse("each reviewer votes once")}`,
  `CREATE TRIGGER review_votes_no_update BEFORE UPDATE ON review_votes
   ${refuse("review votes are never changed")}`,
  `CREATE TRIGGER review_votes_no_delete BEFORE DELETE ON review_votes
   WHEN EXISTS (SELECT 1 FROM reviews r JOIN versions v ON v.id = r.version_id WHERE r.id = OLD.review_id AND v.stage <> 'DEV')
   ${refuse("review votes are never changed")}`,
  `CREATE TRIGGER stage_moves_insert_fresh BEFORE INSERT ON stage_moves
   WHEN EXISTS (SELECT 1 FROM stage_moves WHERE id = NEW.id)
   ${refuse("the audit log is append-only")}`,
  `CREATE TRIGGER stage_moves_no_update BEFORE UPDATE ON stage_moves ${refuse("the audit log is append-only")}`,
  `CREATE TRIGGER stage_moves_no_delete BEFORE DELETE ON stage_moves ${refuse("the audit log is append-only")}`,
];

/** The moves the event log already holds: creations (DEV), promotions and Make Current. */
async function backfillMoves(db: Kysely<any>): Promise<void> {
  await sql`INSERT INTO stage_moves (prompt_id, at, stage, from_version, to_version, actor)
    SELECT prompt_id, at, stage, replaced, version, actor FROM (
      SELECT id, prompt_id, at, 'DEV' AS stage, NULL AS replaced, version, actor FROM events
        WHERE type = 'prompt.created'
      UNION ALL
      SELECT id, prompt_id, at, json_extract(detail, '$.to'), json_extract(detail, '$.replaced'), version, actor
        FROM events WHERE type = 'version.promoted' AND json_extract(detail, '$.to') IN ('TST', 'PROD')
      UNION ALL
      SELECT id, prompt_id, at, json_extract(detail, '$.stage'), json_extract(detail, '$.replaced'), version, actor
        FROM events WHERE type = 'version.made_current' AND json_extract(detail, '$.stage') IN ('DEV', 'TST', 'PROD')
    ) WHERE replaced IS NOT version ORDER BY id`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("202612110000_reviews cannot be undone: reviews and the audit are history");
}
