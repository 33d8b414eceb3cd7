import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { Config } from "../domain/content.js";
import { storedContract } from "../domain/contract.js";
import { type Content, hashOf, storedText } from "../domain/prompt-content.js";
import { STAGES, type Stage } from "../domain/stage.js";
import { compareVersions, parseVersion, type VersionNumber } from "../domain/version-number.js";
import { updateEnvironment } from "../store/environments.store.js";
import { appendPastEvent } from "../store/events.store.js";
import { insertPrompt, listPrompts, raiseSeqMark, touchPrompt } from "../store/prompts.store.js";
import { insertRevision } from "../store/revisions.store.js";
import { insertTestCase } from "../store/test-cases.store.js";
import {
  clearCurrent,
  deleteVersion,
  findVersionById,
  insertVersion,
  listVersions,
  setStageAndCurrent,
  updateContent,
} from "../store/versions.store.js";
import type { ContractFields } from "./contract.inputs.js";
import { inTransaction, type Tx } from "./transaction.js";
import {
  DocumentError,
  type DocumentPrompt,
  type DocumentVersion,
  documentContent,
  documentContract,
  type RegistryDocument,
} from "./transfer.schema.js";

export interface ImportSummary {
  prompts: number;
  versions: number;
  events: number;
}

/** Import refuses a database that already holds a registry: it never merges or overwrites. */
export class TargetNotEmpty extends Error {}

/**
 * docs/operations.md: loads a document into a database with no prompts, in one transaction (a refused
 * file writes nothing). It replays the registry through the same store functions the services
 * use, so every rule the database enforces (R4, R12) holds on the way in: versions are created
 * in DEV in number order, every edit stores its revision before the content changes, and
 * stages move forward one step at a time. Every write to a row carries that row's own final
 * time, so the registry reads back exactly as it was exported.
 */
export async function importRegistry(db: Kysely<Database>, doc: RegistryDocument, now: Date): Promise<ImportSummary> {
  const at = now.toISOString();
  return inTransaction(db, async (tx) => {
    const existing = await listPrompts(tx, { limit: 1 });
    if (existing.length > 0) throw new TargetNotEmpty("already has prompts");
    for (const stage of STAGES) {
      const e = doc.environments[stage];
      await updateEnvironment(tx, stage, {
        provider: e.provider,
        base_url: e.baseUrl,
        model: e.model,
        api_key_env: e.apiKeyEnv,
        timeout_ms: e.timeoutMs,
        gate: e.gate ? 1 : 0,
        no_regression: e.gate === "no-regression" ? 1 : 0,
        updated_at: at,
      });
    }
    for (const [index, prompt] of doc.prompts.entries()) await importPrompt(tx, prompt, index, at);
    return {
      prompts: doc.prompts.length,
      versions: doc.prompts.reduce((n, p) => n + p.versions.length, 0),
      events: doc.prompts.reduce((n, p) => n + p.events.length, 0),
    };
  });
}

async function importPrompt(tx: Tx, prompt: DocumentPrompt, index: number, now: string): Promise<void> {
  const { name, description, type } = prompt;
  const promptId = await insertPrompt(tx, { name, description, type }, prompt.createdAt);
  const ids = new Map<DocumentVersion, number>();
  for (const version of prompt.versions) ids.set(version, await insertWithRevisions(tx, promptId, prompt, version));
  await raiseNumberMark(tx, promptId, prompt);
  if (prompt.highestSeq !== undefined) await raiseSeqMark(tx, promptId, prompt.highestSeq);
  await replayStages(tx, promptId, prompt.versions, ids);
  await requireAsDocument(tx, promptId, prompt, index);
  for (const t of prompt.testCases) {
    const content = {
      name: t.name,
      variables: JSON.stringify(t.variables),
      assertions: JSON.stringify(t.assertions),
      echo_output: t.echoOutput ?? null,
    };
    await insertTestCase(tx, promptId, content, now);
  }
  for (const e of prompt.events) await appendPastEvent(tx, { promptId, ...e });
  await touchPrompt(tx, promptId, prompt.updatedAt ?? latestTime(prompt));
}

/** A new DEV version holding revision 1, then every later revision as the edit that made it (R5). */
async function insertWithRevisions(tx: Tx, promptId: number, p: DocumentPrompt, v: DocumentVersion): Promise<number> {
  const [first, ...later] = v.revisions;
  if (!first) throw new Error(`v${v.version} has no revisions`);
  const number = parseVersion(v.version) as VersionNumber;
  const state = (r: DocumentVersion["revisions"][number]) => stored(documentContent(p.type, r), r.config, r);
  const id = await insertVersion(tx, {
    prompt_id: promptId,
    ...number,
    seq: v.seq,
    stage: "DEV",
    ...state(first),
    revision: 1,
    created_from: v.createdFrom,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    edited_at: first.savedAt,
  });
  for (const r of [first, ...later]) {
    const content = state(r);
    await insertRevision(tx, { version_id: id, revision: r.revision, ...content, saved_at: r.savedAt, actor: r.actor });
    if (r === first) continue;
    const { body, config, content_hash, variables, tools, response_format } = content;
    const edit = { body, config, contentHash: content_hash, editedAt: r.savedAt, variables, tools, response_format };
    if (!(await updateContent(tx, id, r.revision - 1, edit, v.updatedAt)))
      throw new Error(`v${v.version} did not take revision ${r.revision}`);
  }
  return id;
}

/**
 * A state as the columns store it; the document was checked whole, so its content is of the
 * prompt's type and its contract (absent in files written before contracts: empty) is one.
 */
function stored(content: Content | null, config: Config, fields: ContractFields = {}) {
  if (!content) throw new Error("a state without the content of its prompt's type got past the schema");
  const contract = documentContract(fields, content);
  if (typeof contract === "string") throw new Error(`a contract got past the schema: ${contract}`);
  const columns = storedContract(contract);
  return {
    body: storedText(content),
    config: JSON.stringify(config),
    content_hash: hashOf(content, config, contract),
    variables: columns.variables,
    tools: columns.tools,
    response_format: columns.responseFormat,
  };
}

/**
 * R8: numbers of deleted versions are never reused. When the highest number ever allocated was
 * deleted, it is allocated and deleted again, as it happened, so the mark stands where it stood.
 */
async function raiseNumberMark(tx: Tx, promptId: number, prompt: DocumentPrompt): Promise<void> {
  const mark = prompt.highestNumber === undefined ? undefined : parseVersion(prompt.highestNumber);
  const newest = prompt.versions.at(-1);
  const highest = newest ? parseVersion(newest.version) : null;
  if (!mark || (highest && compareVersions(mark, highest) <= 0)) return;
  const last = prompt.versions.at(-1);
  const empty: Content =
    prompt.type === "text" ? { type: "text", body: "" } : { type: "chat", messages: [{ role: "user", content: "" }] };
  const id = await insertVersion(tx, {
    prompt_id: promptId,
    ...mark,
    // The deleted highest number took the highest seq (checked by the schema).
    ...(prompt.highestSeq !== undefined && last && prompt.highestSeq > last.seq ? { seq: prompt.highestSeq } : {}),
    stage: "DEV",
    ...stored(empty, {}),
    revision: 1,
    created_from: null,
    created_at: prompt.createdAt,
    updated_at: prompt.createdAt,
    edited_at: prompt.createdAt,
  });
  await deleteVersion(tx, id);
}

/**
 * R7: each TST or PROD version is promoted DEV → TST (→ PROD) in number order, each time made
 * current and the one before it losing the flag, as promotions do; then each stage's flag is
 * moved (R10) to the version the document marks current, or cleared.
 */
async function replayStages(tx: Tx, promptId: number, versions: DocumentVersion[], ids: Map<DocumentVersion, number>) {
  const holder = new Map<Stage, DocumentVersion>();
  const moveFlag = async (stage: Stage, to: DocumentVersion | undefined) => {
    const from = holder.get(stage);
    if (from === to) return;
    if (from) await clearCurrent(tx, promptId, stage, from.updatedAt);
    if (to) {
      const row = await findVersionById(tx, ids.get(to) as number);
      if (row) await setStageAndCurrent(tx, row, stage, to.updatedAt);
    }
    if (to) holder.set(stage, to);
    else holder.delete(stage);
  };
  for (const v of versions) {
    if (v.stage === "DEV") continue;
    await moveFlag("TST", v);
    if (v.stage === "PROD") {
      holder.delete("TST"); // it left TST: that stage has no current version now
      await moveFlag("PROD", v);
    }
  }
  for (const stage of STAGES)
    await moveFlag(
      stage,
      versions.find((v) => v.stage === stage && v.current),
    );
}

/**
 * The prompt as stored must be the prompt as the document says: stage, current flag, source,
 * revision and content of every version. The document was checked whole before; this catches
 * any state the replay could not make as written (a refusal naming the first difference, so
 * nothing is imported differently from the file).
 */
async function requireAsDocument(tx: Tx, promptId: number, prompt: DocumentPrompt, index: number): Promise<void> {
  const stored = new Map((await listVersions(tx, promptId)).map((r) => [`${r.major}.${r.minor}`, r]));
  prompt.versions.forEach((v, i) => {
    const row = stored.get(v.version);
    const got = row && {
      stage: row.stage,
      current: row.is_current === 1,
      createdFrom: row.created_from,
      revision: row.revision,
      contentHash: row.content_hash,
    };
    for (const [field, want] of Object.entries({
      stage: v.stage,
      current: v.current,
      createdFrom: v.createdFrom,
      revision: v.revision,
      contentHash: v.contentHash,
    }))
      if (!got || got[field as keyof typeof got] !== want)
        throw new DocumentError(
          `Not a state Promptrail can make: ${prompt.name} v${v.version} would be imported with ${field} ${JSON.stringify(got?.[field as keyof typeof got] ?? null)}, not ${JSON.stringify(want)} (prompts.${index}.versions.${i}.${field}); nothing was written`,
        );
  });
}

/** A file without `updatedAt` shows the prompt as changed when its newest version was. */
function latestTime(prompt: DocumentPrompt): string {
  return [prompt.createdAt, ...prompt.versions.map((v) => v.updatedAt)].sort().at(-1) as string;
}
