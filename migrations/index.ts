import type { Migration } from "kysely";
import * as initialSchema from "./202611262200_initial_schema.js";
import * as testing from "./202611262300_testing.js";
import * as eventsByVersion from "./202612010000_events_by_version.js";
import * as hardening from "./202612010100_hardening.js";
import * as versionEditedAt from "./202612010300_version_edited_at.js";
import * as testCaseEchoOutput from "./202612010310_test_case_echo_output.js";
import * as promptArchivedAt from "./202612010320_prompt_archived_at.js";
import * as settingsEvents from "./202612010400_settings_events.js";
import * as accounts from "./202612010500_accounts.js";
import * as chatAndSeq from "./202612010600_chat_and_seq.js";
import * as webhooks from "./202612010700_webhooks.js";
import * as signInReservations from "./202612080100_sign_in_reservations.js";
import * as contract from "./202612090000_contract.js";
import * as reviews from "./202612110000_reviews.js";
import * as evaluate from "./202612110100_evaluate.js";

/** Every migration, by name in the order they apply. Static, so bundles and vitest see them all. */
export const migrations: Record<string, Migration> = {
  "202611262200_initial_schema": initialSchema,
  "202611262300_testing": testing,
  "202612010000_events_by_version": eventsByVersion,
  "202612010100_hardening": hardening,
  "202612010300_version_edited_at": versionEditedAt,
  "202612010310_test_case_echo_output": testCaseEchoOutput,
  "202612010320_prompt_archived_at": promptArchivedAt,
  "202612010400_settings_events": settingsEvents,
  "202612010500_accounts": accounts,
  "202612010600_chat_and_seq": chatAndSeq,
  "202612010700_webhooks": webhooks,
  "202612080100_sign_in_reservations": signInReservations,
  "202612090000_contract": contract,
  "202612110000_reviews": reviews,
  "202612110100_evaluate": evaluate,
};
