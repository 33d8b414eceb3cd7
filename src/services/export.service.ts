import type { Kysely } from "kysely";
import type { Database, PromptRow, VersionRow } from "../db/schema.js";
import { type Contract, isEmptyContract } from "../domain/contract.js";
import type { Content } from "../domain/prompt-content.js";
import { STAGES } from "../domain/stage.js";
import { formatVersion } from "../domain/version-number.js";
import { listEnvironments } from "../store/environments.store.js";
import { listEvents } from "../store/events.store.js";
import { listPrompts } from "../store/prompts.store.js";
import { listRevisions } from "../store/revisions.store.js";
import { listTestCases } from "../store/test-cases.store.js";
import { findCurrent, listVersions } from "../store/versions.store.js";
import { rowToEnvironment, rowToRevision, rowToVersion } from "./rows.js";
import type { DocumentEvent, DocumentPrompt, DocumentVersion, RegistryDocument } from "./transfer.schema.js";
import { FORMAT, FORMAT_VERSION } from "./transfer.schema.js";

type Db = Kysely<Database>;
const PAGE = 500;

/**
 * docs/operations.md: the whole registry as one document, read in one transaction so that a server
 * writing meanwhile cannot tear it. Everything is listed oldest first (prompts by name), so the
 * same registry always gives the same document but `exportedAt`. Users, sessions, tokens, keys
 * and test runs are not part of it.
 */
export async function exportRegistry(db: Db, exportedAt: Date): Promise<RegistryDocument> {
  return db.transaction().execute(async (tx) => {
    const environments = Object.fromEntries(
      (await listEnvironments(tx)).map((r) => {
        const { approvals: _, ...environment } = rowToEnvironment(r);
        return [r.stage, environment];
      }),
    );
    const prompts: DocumentPrompt[] = [];
    for await (const row of allPrompts(tx)) prompts.push(await exportPrompt(tx, row));
    return {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      exportedAt: exportedAt.toISOString(),
      environments: environments as RegistryDocument["environments"],
      prompts,
    };
  });
}

async function* allPrompts(db: Db): AsyncGenerator<PromptRow> {
  let after: string | undefined;
  for (;;) {
    const page = await listPrompts(db, { after, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)?.name;
  }
}

async function exportPrompt(db: Db, prompt: PromptRow): Promise<DocumentPrompt> {
  const currentIds = new Set<number>();
  for (const stage of STAGES) {
    const row = await findCurrent(db, prompt.id, stage);
    if (row) currentIds.add(row.id);
  }
  const versions: DocumentVersion[] = [];
  for (const row of (await listVersions(db, prompt.id)).reverse()) {
    versions.push(await exportVersion(db, prompt, row, currentIds.has(row.id)));
  }
  return {
    name: prompt.name,
    description: prompt.description,
    type: prompt.type,
    createdAt: prompt.created_at,
    updatedAt: prompt.updated_at,
    highestNumber: formatVersion({ major: prompt.max_major, minor: prompt.max_minor }),
    highestSeq: prompt.max_seq,
    versions,
    testCases: (await listTestCases(db, prompt.id)).map((t) => ({
      name: t.name,
      variables: JSON.parse(t.variables),
      assertions: JSON.parse(t.assertions),
      echoOutput: t.echo_output,
    })),
    events: await allEvents(db, prompt.id),
  };
}

/** `{body}` or `{messages}`: the document names a state's content by the prompt's type. */
const contentFields = (c: Content) => (c.type === "text" ? { body: c.body } : { messages: c.messages });

/** The contract's fields, only when there is a contract: a registry without one exports as it always did. */
const contractFields = (c: Contract) => (isEmptyContract(c) ? {} : { ...c });

async function exportVersion(db: Db, prompt: PromptRow, row: VersionRow, current: boolean): Promise<DocumentVersion> {
  const revisions = (await listRevisions(db, row.id)).reverse().map((stored) => {
    const r = rowToRevision(prompt.type, stored);
    const { revision, config, savedAt, actor } = r;
    return { revision, ...contentFields(r), config, ...contractFields(r.contract), savedAt, actor };
  });
  // The document's own fields, named one by one: the version object grows (ids, actions) without
  // changing the export format.
  const v = rowToVersion(prompt, row);
  return {
    version: v.version,
    seq: v.seq,
    stage: v.stage,
    current,
    ...contentFields(v),
    config: v.config,
    ...contractFields(v.contract),
    revision: v.revision,
    contentHash: v.contentHash,
    createdFrom: v.createdFrom,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    revisions,
  };
}

/** The log in the order it was written (the store pages it newest first). */
async function allEvents(db: Db, promptId: number): Promise<DocumentEvent[]> {
  const events: DocumentEvent[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await listEvents(db, promptId, { before, limit: PAGE });
    for (const e of page) {
      events.push({
        at: e.at,
        actor: e.actor,
        type: e.type as DocumentEvent["type"],
        version: e.version,
        detail: JSON.parse(e.detail),
      });
    }
    if (page.length < PAGE) return events.reverse();
    before = page.at(-1)?.id;
  }
}
