import { type Kysely, sql } from "kysely";

/**
 * Evaluating a change (docs/evaluate.md):
 *
 * - `comparisons`: a candidate version against a baseline over every test case, as two linked
 *   test runs. A comparison names two different versions of its own prompt; once finished it
 *   is never changed; it goes with either version when a draft is deleted (R9).
 * - `environments.no_regression`: the no-regression gate. Added as a column, not by rebuilding
 *   the table, so columns other migrations add to environments are kept; it needs `gate` on
 *   (it is a kind of gate: a comparison that broke nothing instead of a run that passed all).
 * - A prompt holds at most 1,000 test cases (datasets are imported in bulk).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const refuse = (message: string) => `BEGIN SELECT RAISE(ABORT, '${message}'); END`;

/** Refusal texts, word for word as the PostgreSQL triggers raise them. */
export const M = {
  samePrompt: "a comparison compares two versions of its own prompt",
  finished: "a finished comparison is never changed",
  subject: "a comparison keeps what it compares",
  tooManyCases: "a prompt holds at most 1,000 test cases",
};

const STATEMENTS = [
  `ALTER TABLE environments ADD COLUMN no_regression INTEGER NOT NULL DEFAULT 0
     CONSTRAINT environments_no_regression CHECK (no_regression IN (0, 1) AND (no_regression = 0 OR gate = 1))`,
  `CREATE TABLE comparisons (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     prompt_id INTEGER NOT NULL,
     stage TEXT NOT NULL CONSTRAINT comparisons_stage CHECK (stage IN ('DEV', 'TST', 'PROD')),
     candidate_id INTEGER NOT NULL,
     candidate_version TEXT NOT NULL,
     candidate_hash TEXT NOT NULL,
     baseline_id INTEGER NOT NULL,
     baseline_version TEXT NOT NULL,
     baseline_hash TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'running',
     total INTEGER NOT NULL,
     progress INTEGER NOT NULL DEFAULT 0,
     candidate_run_id INTEGER,
     baseline_run_id INTEGER,
     fixed INTEGER,
     broke INTEGER,
     same INTEGER,
     cases TEXT,
     summary TEXT,
     error TEXT,
     actor TEXT NOT NULL,
     started_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     finished_at TEXT,
     CONSTRAINT comparisons_status CHECK (status IN ('running', 'done', 'error')),
     CONSTRAINT comparisons_not_itself CHECK (candidate_id <> baseline_id),
     CONSTRAINT comparisons_counts CHECK (total BETWEEN 0 AND 2000 AND progress BETWEEN 0 AND total),
     CONSTRAINT comparisons_outcome CHECK ((status = 'done') = (cases IS NOT NULL AND summary IS NOT NULL
       AND fixed IS NOT NULL AND broke IS NOT NULL AND same IS NOT NULL
       AND candidate_run_id IS NOT NULL AND baseline_run_id IS NOT NULL)
       AND (status = 'error') = (error IS NOT NULL)),
     CONSTRAINT comparisons_cases CHECK (cases IS NULL OR (json_valid(cases) AND json_type(cases) = 'array')),
     CONSTRAINT comparisons_summary CHECK (summary IS NULL OR (json_valid(summary) AND json_type(summary) = 'object'))
   )`,
  "CREATE INDEX comparisons_by_prompt ON comparisons (prompt_id, id)",
  "CREATE INDEX comparisons_by_candidate ON comparisons (candidate_id, id)",
  `CREATE TRIGGER comparisons_same_prompt BEFORE INSERT ON comparisons
   WHEN NOT EXISTS (SELECT 1 FROM versions WHERE id = NEW.candidate_id AND prompt_id = NEW.prompt_id)
     OR NOT EXISTS (SELECT 1 FROM versions WHERE id = NEW.baseline_id AND prompt_id = NEW.prompt_id)
   ${refuse(M.samePrompt)}`,
  `CREATE TRIGGER comparisons_finished_kept BEFORE UPDATE ON comparisons
   WHEN OLD.status <> 'running' ${refuse(M.finished)}`,
  `CREATE TRIGGER comparisons_keep_subject BEFORE UPDATE OF id, prompt_id, stage, candidate_id, candidate_version,
     candidate_hash, baseline_id, baseline_version, baseline_hash, total, actor, started_at ON comparisons
   WHEN NEW.id IS NOT OLD.id OR NEW.prompt_id IS NOT OLD.prompt_id OR NEW.stage IS NOT OLD.stage
     OR NEW.candidate_id IS NOT OLD.candidate_id OR NEW.candidate_version IS NOT OLD.candidate_version
     OR NEW.candidate_hash IS NOT OLD.candidate_hash OR NEW.baseline_id IS NOT OLD.baseline_id
     OR NEW.baseline_version IS NOT OLD.baseline_version OR NEW.baseline_hash IS NOT OLD.baseline_hash
     OR NEW.total IS NOT OLD.total OR NEW.actor IS NOT OLD.actor OR NEW.started_at IS NOT OLD.started_at
   ${refuse(M.subject)}`,
  `CREATE TRIGGER comparisons_go_with_version AFTER DELETE ON versions
   BEGIN
     DELETE FROM comparisons WHERE candidate_id = OLD.id OR baseline_id = OLD.id;
   END`,
  `CREATE TRIGGER test_cases_at_most_1000 BEFORE INSERT ON test_cases
   WHEN (SELECT count(*) FROM test_cases WHERE prompt_id = NEW.prompt_id) >= 1000
   ${refuse(M.tooManyCases)}`,
];
