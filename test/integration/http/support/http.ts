import { expect } from "vitest";
import { createApp } from "../../../../src/app.js";
import type { ConnectOptions } from "../../../../src/db/connect.js";
import { errorSchema, versionSchema } from "../../../../src/http/json.js";
import type { RequestNotes } from "../../../../src/http/request-notes.js";
import type { WebhookSettings } from "../../../../src/services/deliveries.service.js";
import { createServices } from "../../../../src/services/index.js";
import { freshDb } from "../../../support/db.js";
import { dumpAll } from "../../../support/state.js";

/** A parsed JSON answer; `any` on purpose: every test checks the shape it relies on. */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked by the assertions that read them
export type Json = any;
export type Fields = Record<string, string>;

export const JSON_HEADERS = { accept: "application/json", "content-type": "application/json" };
export const FORM = "application/x-www-form-urlencoded";
export const HX = { "hx-request": "true" };

/** A fresh migrated database and the whole app over it, with one-line request helpers. */
export async function freshApp(
  options: ConnectOptions & {
    publicUrl?: string;
    fetch?: typeof fetch;
    webhooks?: Partial<WebhookSettings>;
    trustProxy?: boolean;
    notes?: RequestNotes;
  } = {},
) {
  const { publicUrl, fetch, webhooks, trustProxy, notes, ...connectOptions } = options;
  const db = await freshDb(connectOptions);
  const services = createServices({ db, ...(fetch && { fetch }), webhooks });
  const app = createApp({
    db,
    services,
    ...(publicUrl !== undefined && { publicUrl }),
    ...(trustProxy !== undefined && { trustProxy }),
    ...(notes && { notes }),
  });
  const request = (path: string, init: RequestInit = {}) => app.request(path, init);

  /** A JSON call as curl or a program makes it; answers status, headers and the parsed body. */
  async function api(method: string, path: string, body?: unknown) {
    const res = await request(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : JSON_HEADERS,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  }

  /** A plain HTML form post (no JavaScript): urlencoded fields, the browser's default Accept. */
  const form = (path: string, fields: Fields = {}, headers: Record<string, string> = {}) =>
    request(path, {
      method: "POST",
      headers: { "content-type": FORM, accept: "text/html,application/xhtml+xml,*/*;q=0.8", ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  /** What htmx sends: HX-Request, form fields for a POST. */
  const htmx = (path: string, fields?: Fields, method = fields ? "POST" : "GET") =>
    request(path, {
      method,
      headers: { ...HX, ...(fields ? { "content-type": FORM } : {}) },
      ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
    });

  /** A browser navigation: a full page is expected. */
  const page = (path: string) => request(path, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });

  async function create(name: string, body = "Hello {{name}}", extra: Record<string, unknown> = {}) {
    const res = await api("POST", "/prompts", { name, body, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** A version action over JSON that must succeed. */
  async function act(name: string, v: string, action: string, body: unknown = {}) {
    const res = await api("POST", `/prompts/${name}/versions/${v}/${action}`, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  }

  /**
   * 1.0 PROD current · 1.1 TST current · 1.2 DEV current · 1.3 DEV not current: one version
   * in every position of the button table but the non-current TST/PROD ones.
   */
  async function ladder(name: string, body = "Hello {{name}}") {
    await create(name, body);
    await act(name, "1.0", "promote");
    await act(name, "1.0", "promote", { to: "PROD" });
    await act(name, "1.0", "new");
    await act(name, "1.1", "promote");
    await act(name, "1.1", "new");
    await act(name, "1.2", "make-current");
    await act(name, "1.2", "new");
  }

  return { db, services, app, request, api, form, htmx, page, create, act, ladder, dump: () => dumpAll(db) };
}

export type Client = Awaited<ReturnType<typeof freshApp>>;

export const VERSION_KEYS = [
  "prompt",
  "version",
  "seq",
  "type",
  "stage",
  "current",
  "body",
  "config",
  "variables",
  "tools",
  "responseFormat",
  "revision",
  "contentHash",
  "createdFrom",
  "createdAt",
  "updatedAt",
  "actions",
];
export const ACTION_KEYS = ["edit", "test", "promote", "createNew", "delete", "makeCurrent"];

const sorted = (keys: string[]) => [...keys].sort();

/** Exactly the keys given, no more, no fewer. */
export function expectKeys(value: unknown, keys: string[]): void {
  expect(value).toBeTypeOf("object");
  expect(sorted(Object.keys(value as object))).toEqual(sorted(keys));
}

/** A docs/api.md version object: the exported schema, the exact key set, and the fields given. */
export function expectVersion(value: Json, fields: Record<string, unknown> = {}): void {
  expect(versionSchema.safeParse(value).error).toBeUndefined();
  // docs/rules.md, chat prompts: a chat prompt's version carries messages where a text prompt's carries body.
  expectKeys(value, value.type === "chat" ? VERSION_KEYS.map((k) => (k === "body" ? "messages" : k)) : VERSION_KEYS);
  expectKeys(value.actions, ACTION_KEYS);
  expect(value.version).toMatch(/^\d+\.\d+$/);
  expect(Date.parse(value.createdAt)).not.toBeNaN();
  expect(Date.parse(value.updatedAt)).not.toBeNaN();
  expect(value).toMatchObject(fields);
}

/** A docs/api.md error answer: the status, `{error:{code,message}}` and nothing else. */
export function expectError(res: { status: number; body: Json }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(errorSchema.safeParse(res.body).error).toBeUndefined();
  expectKeys(res.body, ["error"]);
  expectKeys(res.body.error, res.body.error.issues ? ["code", "message", "issues"] : ["code", "message"]);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

/** A full HTML page: doctype, an <html> element, served as HTML. */
export async function expectPage(res: Response, status = 200): Promise<string> {
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(html).toMatch(/^<!doctype html>/i);
  expect(html).toMatch(/<html[\s>]/);
  expect(html).toMatch(/<\/html>\s*$/);
  return html;
}

/** An htmx fragment: no document around it, and its root element is the region `id`. */
export async function expectFragment(res: Response, id: string, status = 200): Promise<string> {
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(html).not.toMatch(/<!doctype/i);
  expect(html).not.toMatch(/<html[\s>]/);
  expect(html).not.toMatch(/<body[\s>]/);
  expect(html.trimStart()).toMatch(new RegExp(`^<[a-z]+ id="${id}"`));
  return html;
}

/** A form POST's answer: 303 to the page to show next. */
export function expectSeeOther(res: Response, location: string | RegExp): void {
  expect(res.status).toBe(303);
  const at = res.headers.get("location") ?? "";
  if (typeof location === "string") expect(at).toBe(location);
  else expect(at).toMatch(location);
}
