import type { Migration } from "kysely";
import * as postgresSchema from "./202612020000_postgres_schema.js";
import * as jsonChecks from "./202612020100_json_checks.js";
import * as signInReservations from "./202612080100_sign_in_reservations.js";
import * as changeCounter from "./202612080200_change_counter.js";
import * as contract from "./202612090000_contract.js";
import * as eventsInCommitOrder from "./202612100000_events_in_commit_order.js";
import * as truncateGuards from "./202612100100_truncate_guards.js";
import * as reviews from "./202612110000_reviews.js";
import * as evaluate from "./202612110100_evaluate.js";

/** PostgreSQL's migrations (docs/postgresql.md), by name in the order they apply. */
export const postgresMigrations: Record<string, Migration> = {
  "202612020000_postgres_schema": postgresSchema,
  "202612020100_json_checks": jsonChecks,
  "202612080100_sign_in_reservations": signInReservations,
  "202612080200_change_counter": changeCounter,
  "202612090000_contract": contract,
  "202612100000_events_in_commit_order": eventsInCommitOrder,
  "202612100100_truncate_guards": truncateGuards,
  "202612110000_reviews": reviews,
  "202612110100_evaluate": evaluate,
};
