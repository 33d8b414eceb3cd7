import type { Kysely } from "kysely";

/**
 * A test case may carry the output the `echo` provider answers for it instead of the rendered
 * prompt: a stand-in for a model's answer, so that a stage gated on assertions about model
 * output (a JSON classifier) can pass without a model. NULL: echo answers the rendered prompt.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("test_cases").addColumn("echo_output", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("test_cases").dropColumn("echo_output").execute();
}
