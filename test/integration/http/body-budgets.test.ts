import { describe, expect, test } from "vitest";
import { MAX_FORM_FIELDS, MAX_JSON_VALUES } from "../../../src/http/body-budget.js";
import { MAX_SIGN_IN_BYTES } from "../../../src/http/guards.js";
import { securedApp } from "../../support/accounts.js";
import { expectError, FORM, freshApp, JSON_HEADERS } from "./support/http.js";

/**
 * Body budgets (docs/limits.md): a body is counted before any parser runs on it, so no request
 * keeps the event loop busy parsing. Each refusal is a 4xx that changes nothing.
 */
const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join("&");
const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as never };
}

describe("the routes open to anyone take small bodies only", () => {
  test(`POST /login over ${MAX_SIGN_IN_BYTES} bytes is 413, with or without Content-Length, signed out`, async () => {
    const client = await securedApp();
    const big = JSON.stringify({ name: "admin", password: "x".repeat(MAX_SIGN_IN_BYTES) });
    const sized = await client.request("/login", { method: "POST", headers: JSON_HEADERS, body: big });
    expectError(await answer(sized), 413, "payload_too_large");
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await client.request("/login", {
      method: "POST",
      headers: JSON_HEADERS,
      body: stream,
      duplex: "half",
    } as RequestInit);
    expectError(await answer(chunked), 413, "payload_too_large");
    const form = await client.request("/login", {
      method: "POST",
      headers: { "content-type": FORM, accept: "application/json" },
      body: fields(300_000),
    });
    expectError(await answer(form), 413, "payload_too_large");
    // A sign-in of ordinary size still works.
    const ok = await client.request("/login", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ name: "admin", password: "correct horse battery staple" }),
    });
    expect(ok.status).toBe(200);
  });
});

describe("every parser has a budget before it runs", () => {
  test(`a form of more than ${MAX_FORM_FIELDS} fields is 413, urlencoded or multipart; ${MAX_FORM_FIELDS} pass`, async () => {
    const client = await freshApp();
    const before = await client.dump();
    const post = (body: string, type = FORM) =>
      client.request("/prompts", {
        method: "POST",
        headers: { "content-type": type, accept: "application/json" },
        body,
      });
    expectError(await answer(await post(fields(MAX_FORM_FIELDS + 1))), 413, "payload_too_large");
    const res = await answer(await post(fields(MAX_FORM_FIELDS)));
    expect(res.status).toBe(422); // read and checked: no name, no body
    const boundary = "b0undary";
    const parts = (n: number) =>
      `${Array.from({ length: n }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${i}\r\n`).join("")}--${boundary}--\r\n`;
    const multipart = `multipart/form-data; boundary=${boundary}`;
    expectError(await answer(await post(parts(MAX_FORM_FIELDS + 1), multipart)), 413, "payload_too_large");
    expect((await post(parts(3), multipart)).status).toBe(422);
    expect(await client.dump()).toEqual(before);
  });

  test(`a JSON body of more than ${MAX_JSON_VALUES} values is 413; a form's JSON field is 422 on that field`, async () => {
    const client = await freshApp();
    await client.create("p");
    const before = await client.dump();
    const json = await client.request("/prompts/p/versions/1.0/save", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ body: "x", config: wide(MAX_JSON_VALUES) }),
    });
    const refused = await answer(json);
    expectError(refused, 413, "payload_too_large");
    expect((refused.body as { error: { message: string } }).error.message).toMatch(/more than 20,000 values/);
    const messages = await client.api("POST", "/prompts", {
      name: "m",
      type: "chat",
      messages: Array.from({ length: 30_000 }, () => ({ role: "user", content: "x" })),
    });
    expectError(messages, 413, "payload_too_large");
    const form = await client.request("/prompts/p/versions/1.0/save", {
      method: "POST",
      headers: { "content-type": FORM, accept: "application/json" },
      body: new URLSearchParams({ body: "x", config: JSON.stringify(wide(MAX_JSON_VALUES)) }).toString(),
    });
    const field = await answer(form);
    expectError(field, 422, "validation_failed");
    expect((field.body as { error: { issues: Array<{ path: string }> } }).error.issues[0]?.path).toBe("config");
    expect(await client.dump()).toEqual(before);
    // Within the budget a wide config is read and checked as before (here: over 64 KiB).
    const fits = await client.api("POST", "/prompts/p/versions/1.0/save", { body: "x", config: wide(10_000) });
    expectError(fits, 422, "validation_failed");
  });

  test("commas and brackets inside strings are text, not values", async () => {
    const client = await freshApp();
    const body = `${'[a, "b"], {c}, '.repeat(30_000)}{{x}}`;
    expect((await client.api("POST", "/prompts", { name: "commas", body })).status).toBe(201);
  });
});
