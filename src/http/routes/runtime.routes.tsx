import { createHash } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { DomainError } from "../../domain/errors.js";
import type { Role } from "../../domain/roles.js";
import type { Version } from "../../model/version.model.js";
import type { Services } from "../../services/index.js";
import { admit, credentialOf, roleOf, usable } from "../auth.js";
import { applyBaseHeaders, BASE_HEADERS } from "../headers.js";
import { versionJson } from "../json.js";
import { negotiateRead } from "../negotiate.js";
import { WWW_AUTHENTICATE } from "../on-error.js";
import { requestHeader } from "../request-header.js";
import type { RequestNotes } from "../request-notes.js";
import { renderVersionPage } from "./version-page.js";

export type ReadMode = "json" | "text" | "html";

/**
 * One representation of a version, ready to send: its text and every header, decided once. The
 * body stays a string: node writes a string body together with the headers in one system call,
 * where bytes go out in a second buffer of a vectored write.
 */
export interface Answer {
  /** 200 unless the representation is a refusal. */
  status?: number;
  etag: string;
  body: string;
  ok: Record<string, string>;
  notModified: Record<string, string>;
}

const TYPES = { json: "application/json", text: "text/plain; charset=UTF-8", html: "text/html; charset=UTF-8" };

function answer(text: string, etag: string | null, type: string, extra: Record<string, string> = {}): Answer {
  const common = { ...BASE_HEADERS, ...extra, ...(etag ? { etag } : {}) };
  const ok = { ...common, "content-type": type, "content-length": String(Buffer.byteLength(text)) };
  return { etag: etag ?? "", body: text, ok, notModified: common };
}

/**
 * The answers of a version, made on first use and kept as long as the version is: its text, and
 * its JSON once per role (the `actions` field says what the role may do; "open" in open mode).
 */
interface Answers {
  tag: string;
  text?: Answer;
  json: Partial<Record<Role | "open", Answer>>;
}
/** The answers of each version while it is current and kept by the runtime service. */
function answerCache() {
  const answers = new WeakMap<Version, Answers>();
  return (v: Version, mode: "json" | "text", role: Role | null) => answerOf(answers, v, mode, role);
}

function answerOf(answers: WeakMap<Version, Answers>, v: Version, mode: "json" | "text", role: Role | null): Answer {
  let cached = answers.get(v);
  if (!cached) {
    // The version number too: two versions can share content, revision and a millisecond.
    const tag = `${v.version}.${v.contentHash.slice(0, 24)}.${v.revision}.${Date.parse(v.updatedAt).toString(36)}`;
    cached = { tag, json: {} };
    answers.set(v, cached);
  }
  if (mode === "text" && v.type === "chat") return notAcceptable;
  const fresh = (text: string, etag: string) => answer(text, `"${etag}"`, TYPES[mode], { "cache-control": "no-cache" });
  if (mode === "text") {
    cached.text ??= fresh(v.type === "text" ? v.body : "", `${cached.tag}.text`);
    return cached.text;
  }
  const key = role ?? "open";
  cached.json[key] ??= fresh(JSON.stringify(versionJson(v, role)), `${cached.tag}.json${role ? `-${role}` : ""}`);
  return cached.json[key];
}

/** docs/rules.md, chat prompts: a chat prompt has no one raw text to give; its messages come as JSON. */
const NOT_ACCEPTABLE = new DomainError(
  "not_acceptable",
  "This is a chat prompt: its messages have no plain-text form. Ask for application/json.",
);
const notAcceptable = { ...answer(NOT_ACCEPTABLE.message, null, TYPES.text), status: NOT_ACCEPTABLE.status };

/** What the runtime read answers, shared by its route and its fast path (runtime-fast-path.ts). */
export interface RuntimeAnswers {
  /** How a read with this Accept header is answered. */
  readMode(accept: string | undefined): ReadMode;
  /** The answer for a version in a mode, made once and kept beside the version. */
  answerFor(v: Version, mode: "json" | "text", role: Role | null): Answer;
}

const answersOfServices = new WeakMap<Services, RuntimeAnswers>();

/** The one set of runtime answers over `services`: the route and the fast path keep the same bytes. */
export function runtimeAnswersOf(services: Services): RuntimeAnswers {
  let answers = answersOfServices.get(services);
  if (!answers) {
    answers = { readMode: readModes(), answerFor: answerCache() };
    answersOfServices.set(services, answers);
  }
  return answers;
}

/** True when If-None-Match names `etag` (or is `*`), compared weakly, as RFC 9110 asks of If-None-Match. */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch === etag) return true;
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** Accept headers repeat: applications send the same one on every read. */
function readModes() {
  const modes = new Map<string | undefined, ReadMode>();
  return (accept: string | undefined): ReadMode => {
    let mode = modes.get(accept);
    if (mode === undefined) {
      mode = negotiateRead(accept);
      if (modes.size >= 256) modes.clear();
      modes.set(accept, mode);
    }
    return mode;
  };
}

const HEALTH = {
  json: answer('{"ok":true}', null, TYPES.json),
  text: answer("ok", null, TYPES.text),
  html: answer('<!doctype html><html lang="en"><title>Promptrail</title><p>ok</p></html>', null, TYPES.html),
};

const send = (a: Answer, status = 200) => new Response(a.body, { status, headers: a.ok });

/**
 * The runtime read and /healthz: the requests applications make at volume. They are mounted
 * before any middleware that sets headers and answer with precomputed text and constant header
 * objects (the base headers included), so the Node adapter writes them without building a
 * Headers object. The runtime service keeps freshness exact and checks who asks.
 */
export function createRuntimeRoutes(services: Services, notes: RequestNotes) {
  const { runtime } = services;
  const { answerFor, readMode: modeOf } = runtimeAnswersOf(services);
  const readMode = (c: Context) => modeOf(requestHeader(c, "accept"));

  function refuse(mode: ReadMode, error: unknown): Response {
    // A refusal speaks the read's own language: JSON by default, plain text when asked.
    if (!(error instanceof DomainError) || mode === "html") throw error;
    const text = mode === "text" ? error.message : JSON.stringify(error.toJSON());
    const extra: Record<string, string> = error.code === "unauthorized" ? { "www-authenticate": WWW_AUTHENTICATE } : {};
    return send(answer(text, null, TYPES[mode], extra), error.status);
  }

  function respond(c: Context, mode: ReadMode, version: Version): Response | Promise<Response> {
    if (mode === "html") return htmlRead(c, version);
    const a = answerFor(version, mode, roleOf(c));
    if (a.etag && matches(requestHeader(c, "if-none-match"), a.etag))
      return new Response(null, { status: 304, headers: a.notModified });
    return send(a, a.status);
  }

  /**
   * The page shows more than the version (the other stages' current versions, "3 min ago"), so
   * its strong ETag is taken from the bytes sent: any change on the page is a new tag.
   */
  async function htmlRead(c: Context, version: Version): Promise<Response> {
    applyBaseHeaders(c);
    const res = await renderVersionPage(c, services, version.prompt, version);
    const html = await res.text();
    const etag = `"${createHash("sha256").update(html).digest("base64url").slice(0, 32)}.html"`;
    c.header("Cache-Control", "no-cache");
    c.header("ETag", etag);
    if (matches(requestHeader(c, "if-none-match"), etag)) return c.body(null, 304);
    return c.html(html, res.status as 200);
  }

  return new Hono()
    .get("/healthz", async (c) => {
      await runtime.check();
      return send(HEALTH[readMode(c)]);
    })
    .get("/prompts/:name/stages/:stage", async (c) => {
      const mode = readMode(c);
      try {
        const credential = credentialOf(c);
        const read = await runtime.read(usable(credential), c.req.param("name"), c.req.param("stage"));
        admit(c, notes, read.who, credential);
        return await respond(c, mode, read.version());
      } catch (error) {
        return refuse(mode, error);
      }
    });
}
