import { createHash } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import type { Db } from "../../db/connect.js";
import type { VersionRow } from "../../db/schema.js";
import { DomainError } from "../../domain/errors.js";
import { parseStage } from "../../domain/stage.js";
import type { Services } from "../../services/index.js";
import { rowToVersion } from "../../services/model.js";
import { createCurrentReader } from "../../store/runtime.store.js";
import { healthSchema, versionJson } from "../json.js";
import { negotiateRead } from "../negotiate.js";
import { renderVersionPage } from "./version-page.js";

/** Serialized JSON per version state, so repeated reads of an unchanged version skip the work. */
const MAX_CACHED = 512;

/** True when If-None-Match names `etag` (or is `*`), compared weakly as RFC 9110 §13.1.2 requires. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

export function createRuntimeRoutes(services: Services, db: Db) {
  const reader = createCurrentReader(db.reader());
  const cache = new Map<string, string>();

  function jsonOf(name: string, row: VersionRow): string {
    const key = `${row.id}:${row.revision}:${row.updated_at}`;
    let text = cache.get(key);
    if (text === undefined) {
      text = JSON.stringify(versionJson(rowToVersion(name, row)));
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(key, text);
    }
    return text;
  }

  function currentRow(name: string, stageParam: string): VersionRow {
    const stage = parseStage(stageParam);
    if (!stage) throw new DomainError("not_found", `"${stageParam}" is not a stage: use DEV, TST or PROD`);
    const row = reader.current(name, stage);
    if (row) return row;
    if (!reader.promptExists(name)) throw new DomainError("not_found", `No prompt named "${name}"`);
    throw new DomainError("not_found", `${name} has no current ${stage} version`);
  }

  /**
   * The page shows more than the version (the other stages' current versions, "3 min ago"), so
   * its strong ETag is taken from the bytes sent: any change on the page is a new tag.
   */
  async function htmlRead(c: Context, name: string, version: string): Promise<Response> {
    const res = await renderVersionPage(c, services, name, version);
    const html = await res.text();
    const etag = `"${createHash("sha256").update(html).digest("base64url").slice(0, 32)}.html"`;
    c.header("ETag", etag);
    if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304);
    return c.html(html, res.status as 200);
  }

  return new Hono()
    .get("/healthz", (c) => {
      db.reader().prepare("SELECT 1").get();
      const mode = negotiateRead(c);
      if (mode === "text") return c.text("ok");
      if (mode === "html") return c.html('<!doctype html><html lang="en"><title>Promptrail</title><p>ok</p></html>');
      return c.json(healthSchema.parse({ ok: true }));
    })
    .get("/prompts/:name/stages/:stage", async (c: Context) => {
      const name = c.req.param("name") as string;
      const mode = negotiateRead(c);
      let row: VersionRow;
      try {
        row = currentRow(name, c.req.param("stage") as string);
      } catch (error) {
        // A refusal speaks the read's own language: JSON by default, plain text when asked.
        if (!(error instanceof DomainError) || mode === "html") throw error;
        if (mode === "text") return c.text(error.message, error.status as 404);
        return c.json(error.toJSON(), error.status as 404);
      }
      c.header("Cache-Control", "no-cache");
      if (mode === "html") return htmlRead(c, name, `${row.major}.${row.minor}`);
      // The version number too: two versions can share content, revision and a millisecond.
      const etag = `"${row.major}.${row.minor}.${row.content_hash.slice(0, 24)}.${row.revision}.${Date.parse(row.updated_at).toString(36)}.${mode}"`;
      c.header("ETag", etag);
      if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304);
      if (mode === "text") return c.text(row.body);
      c.header("Content-Type", "application/json");
      return c.body(jsonOf(name, row));
    });
}
