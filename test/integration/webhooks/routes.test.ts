import { describe, expect, test } from "vitest";
import { deliverySchema, webhookDetailSchema, webhookSchema } from "../../../src/http/json.js";
import { securedApp } from "../../support/accounts.js";
import { receiver } from "../../support/receiver.js";
import { rawSql, rawValue } from "../../support/state.js";
import {
  expectError,
  expectFragment,
  expectKeys,
  expectPage,
  expectSeeOther,
  FORM,
  freshApp,
  type Json,
} from "../http/support/http.js";

const HOOK = "https://hooks.example.com/promptrail";
const WEBHOOK_KEYS = ["id", "url", "types", "stages", "active"];
const DELIVERY_KEYS = [
  "id",
  "type",
  "prompt",
  "version",
  "stage",
  "status",
  "attempts",
  "nextAttemptAt",
  "createdAt",
  "finishedAt",
  "log",
];

/** A form body with repeated fields (checkboxes). */
const formOf = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString();
const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

async function settingsEvents(client: Awaited<ReturnType<typeof freshApp>>) {
  return (
    await client.db.kysely
      .selectFrom("events")
      .select(["actor", "detail"])
      .where("type", "=", "settings.changed")
      .orderBy("id")
      .execute()
  ).map((e) => ({ actor: e.actor, detail: JSON.parse(e.detail) }));
}

describe("who acts on a webhook", () => {
  test("signed in, Test sends the ping as the user, and create, save and delete record the user too", async () => {
    const r = await receiver();
    const client = await securedApp({ webhooks: { allowPrivate: true } });
    const admin = { session: client.who.admin.session };
    const created = await client.as(admin, "POST", "/settings/webhooks", { url: r.url });
    expect(created.status).toBe(201);
    const id = created.body.webhook?.id ?? created.body.id;
    expect((await client.as(admin, "POST", `/settings/webhooks/${id}/test`)).status).toBe(200);
    const [ping] = await r.waitFor(1);
    expect(ping?.body).toMatchObject({ type: "ping", actor: "admin" });
    expect((await client.as(admin, "POST", `/settings/webhooks/${id}/save`, { active: false })).status).toBe(200);
    expect((await client.as(admin, "POST", `/settings/webhooks/${id}/delete`)).status).toBe(200);
    const actors = (await settingsEvents(client)).slice(-3).map((e) => e.actor);
    expect(actors).toEqual(["admin", "admin", "admin"]);
  });
});

describe("webhooks over JSON (docs/webhooks.md)", () => {
  test("create answers 201 with the webhook and its secret, once; nothing else ever shows the secret", async () => {
    const client = await freshApp();
    const created = await client.api("POST", "/settings/webhooks", {
      url: HOOK,
      types: ["version.promoted", "version.made_current", "version.promoted"],
      stages: ["prod"],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/settings/webhooks/${created.body.id}`);
    expectKeys(created.body, [...WEBHOOK_KEYS, "secret"]);
    expect(created.body).toMatchObject({
      url: HOOK,
      types: ["version.promoted", "version.made_current"],
      stages: ["PROD"],
      active: true,
    });
    const { secret } = created.body as { secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);

    const list = await client.api("GET", "/settings/webhooks");
    expectKeys(list.body, ["webhooks"]);
    expect(list.body.webhooks).toHaveLength(1);
    expectKeys(list.body.webhooks[0], WEBHOOK_KEYS);
    expect(webhookSchema.safeParse(list.body.webhooks[0]).error).toBeUndefined();
    const detail = await client.api("GET", `/settings/webhooks/${created.body.id}`);
    expect(webhookDetailSchema.safeParse(detail.body).error).toBeUndefined();
    expectKeys(detail.body, [...WEBHOOK_KEYS, "deliveries", "next"]);
    const saved = await client.api("POST", `/settings/webhooks/${created.body.id}/save`, { active: false });
    expect(saved.status).toBe(200);
    expectKeys(saved.body, WEBHOOK_KEYS);
    for (const path of ["/settings/webhooks", `/settings/webhooks/${created.body.id}`]) {
      const html = await (await client.page(path)).text();
      expect(html).toContain(HOOK);
      expect(html).not.toContain(secret);
      expect(JSON.stringify((await client.api("GET", path)).body)).not.toContain(secret);
    }
    // Every change is a settings.changed event (docs/accounts.md), never with the secret.
    await client.api("POST", `/settings/webhooks/${created.body.id}/delete`);
    const events = await settingsEvents(client);
    expect(events.map((e) => e.detail.action)).toEqual(["created", "saved", "deleted"]);
    expect(events[1]?.detail).toEqual({
      webhook: created.body.id,
      action: "saved",
      old: { url: HOOK, types: ["version.promoted", "version.made_current"], stages: ["PROD"], active: true },
      new: { url: HOOK, types: ["version.promoted", "version.made_current"], stages: ["PROD"], active: false },
    });
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  test("save changes only what it is given; delete answers {deleted} and takes the deliveries with it", async () => {
    const client = await freshApp();
    const { body } = await client.api("POST", "/settings/webhooks", { url: HOOK, types: ["prompt.created"] });
    await client.create("p");
    const saved = await client.api("POST", `/settings/webhooks/${body.id}/save`, { url: `${HOOK}/v2` });
    expect(saved.body).toEqual({ ...body, url: `${HOOK}/v2`, secret: undefined });
    const deleted = await client.api("POST", `/settings/webhooks/${body.id}/delete`);
    expect(deleted).toMatchObject({ status: 200, body: { deleted: body.id } });
    expect(await rawValue(client.db, "SELECT count(*) AS n FROM webhook_deliveries")).toBe(0);
    expectError(await client.api("GET", `/settings/webhooks/${body.id}`), 404, "not_found");
  });

  test("bad input is a 4xx with a code, and changes nothing", async () => {
    const client = await freshApp();
    const { body: hook } = await client.api("POST", "/settings/webhooks", { url: HOOK });
    const before = await client.dump();
    const cases: Array<[string, unknown, number, string, string?]> = [
      ["/settings/webhooks", {}, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "ftp://x.example" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "https://user:pw@x.example/" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "https://x.example/#frag" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: `https://x.example/${"a".repeat(2001)}` }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "http://10.0.0.7/hook" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "http://[::ffff:127.0.0.1]/hook" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: "http://169.254.169.254/" }, 422, "validation_failed", "url"],
      ["/settings/webhooks", { url: HOOK, types: ["settings.changed"] }, 422, "validation_failed", "types.0"],
      ["/settings/webhooks", { url: HOOK, types: "version.promoted" }, 422, "validation_failed", "types"],
      ["/settings/webhooks", { url: HOOK, stages: ["QA"] }, 422, "validation_failed", "stages.0"],
      ["/settings/webhooks", { url: HOOK, active: "yes" }, 422, "validation_failed", "active"],
      [`/settings/webhooks/${hook.id}/save`, { url: "nope" }, 422, "validation_failed", "url"],
      [`/settings/webhooks/${hook.id}/save`, { url: "https://x.example/\ud800" }, 422, "validation_failed"],
      ["/settings/webhooks/999/save", { active: false }, 404, "not_found"],
      ["/settings/webhooks/abc/save", { active: false }, 404, "not_found"],
      ["/settings/webhooks/999/delete", {}, 404, "not_found"],
      ["/settings/webhooks/0/test", {}, 404, "not_found"],
      [`/settings/webhooks/${hook.id}/deliveries/nope/redeliver`, {}, 404, "not_found"],
    ];
    for (const [path, input, status, code, field] of cases) {
      const res = await client.api("POST", path, input);
      expectError(res, status, code);
      if (field)
        expect(
          res.body.error.issues?.map((i: Json) => i.path),
          JSON.stringify(input),
        ).toContain(field);
    }
    const broken = await client.request("/settings/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expectError(await client.api("GET", "/settings/webhooks/1?cursor=x"), 422, "validation_failed");
    expect(await client.dump()).toEqual(before);
  });

  test("at most 50 webhooks", async () => {
    const client = await freshApp();
    for (let i = 0; i < 50; i++)
      expect((await client.api("POST", "/settings/webhooks", { url: `${HOOK}/${i}` })).status).toBe(201);
    expectError(await client.api("POST", "/settings/webhooks", { url: HOOK }), 422, "validation_failed");
  });

  test("Test answers the ping delivery with its attempt; the log pages newest first; Redeliver queues it again", async () => {
    const r = await receiver((_hit, res) => {
      res.writeHead(202, { "content-type": "text/plain" });
      res.end("queued on our side");
    });
    const client = await freshApp({ webhooks: { allowPrivate: true } });
    const { body: hook } = await client.api("POST", "/settings/webhooks", { url: r.url });
    const first = await client.api("POST", `/settings/webhooks/${hook.id}/test`);
    expect(first.status).toBe(200);
    expect(deliverySchema.safeParse(first.body).error).toBeUndefined();
    expectKeys(first.body, DELIVERY_KEYS);
    expect(first.body).toMatchObject({ type: "ping", status: "delivered", attempts: 1, nextAttemptAt: null });
    expect(first.body.log).toEqual([
      {
        at: expect.any(String),
        status: 202,
        durationMs: expect.any(Number),
        error: null,
        response: "queued on our side",
      },
    ]);
    const second = await client.api("POST", `/settings/webhooks/${hook.id}/test`);
    const page1 = await client.api("GET", `/settings/webhooks/${hook.id}?limit=1`);
    expect(page1.body.deliveries.map((d: Json) => d.id)).toEqual([second.body.id]);
    expect(page1.body.next).toMatch(new RegExp(`^/settings/webhooks/${hook.id}\\?limit=1&cursor=\\d+$`));
    const page2 = await client.api("GET", page1.body.next);
    expect(page2.body.deliveries.map((d: Json) => d.id)).toEqual([first.body.id]);
    expect(page2.body.next).toBeNull();
    const again = await client.api("POST", `/settings/webhooks/${hook.id}/deliveries/${first.body.id}/redeliver`);
    expect(again.body).toMatchObject({ id: first.body.id, status: "pending", attempts: 0 });
    expect(again.body.log).toHaveLength(1);
  });
});

describe("the Webhooks page, with and without JavaScript", () => {
  test("the page lists webhooks and has the form; a form creates one, whose page then shows its secret once", async () => {
    const client = await freshApp();
    const empty = await expectPage(await client.page("/settings/webhooks"));
    expect(empty).toContain("No webhooks yet");
    expect(empty).toMatch(/<form method="post" action="\/settings\/webhooks"/);
    for (const type of ["version.promoted", "version.made_current"]) expect(empty).toContain(`value="${type}"`);
    const res = await client.request("/settings/webhooks", {
      method: "POST",
      headers: { "content-type": FORM, accept: HTML },
      body: formOf([
        ["url", HOOK],
        ["types", "version.promoted"],
        ["types", "version.made_current"],
        ["stages", "PROD"],
        ["active", "true"],
      ]),
    });
    // 303 to the new webhook's page, which shows the secret once: a cookie for that page only.
    expectSeeOther(res, "/settings/webhooks/1");
    const cookies = res.headers.getSetCookie();
    const carried = cookies.find((c) => c.startsWith("promptrail_webhook_secret="));
    expect(carried).toMatch(/Path=\/settings\/webhooks\/1;.*HttpOnly.*SameSite=Strict/i);
    expect(carried).toMatch(/Max-Age=60/);
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");
    const shown = await client.request("/settings/webhooks/1", { headers: { accept: HTML, cookie } });
    const html = await expectPage(shown);
    const secret = /whsec_[A-Za-z0-9_-]{32}/.exec(html)?.[0];
    expect(secret).toBeDefined();
    expect(html).toContain("it will not be shown again");
    expect(html).toContain("Webhook added");
    // Read once: the answer deletes the cookie, and the page without it shows no secret.
    expect(shown.headers.getSetCookie().some((c) => /^promptrail_webhook_secret=;.*Max-Age=0/i.test(c))).toBe(true);
    expect(await (await client.page("/settings/webhooks/1")).text()).not.toContain("whsec_");
    // A forged cookie on another webhook's page shows nothing it does not hold.
    const other = await client.request("/settings/webhooks/1", {
      headers: { accept: HTML, cookie: "promptrail_webhook_secret=<script>" },
    });
    expect(await other.text()).not.toContain("&lt;script&gt;");
    const { body } = await client.api("GET", "/settings/webhooks");
    expect(body.webhooks[0]).toMatchObject({ types: ["version.promoted", "version.made_current"], stages: ["PROD"] });
    const list = await expectPage(await client.page("/settings/webhooks"));
    expect(list).toContain(HOOK);
    expect(list).not.toContain(secret);
  });

  test("a refused form comes back 422 with what was typed and the reason at its field", async () => {
    const client = await freshApp();
    const res = await client.request("/settings/webhooks", {
      method: "POST",
      headers: { "content-type": FORM, accept: HTML },
      body: formOf([
        ["url", "http://192.168.1.20/hook"],
        ["types", "version.promoted"],
      ]),
    });
    const html = await expectPage(res, 422);
    expect(html).toContain('value="http://192.168.1.20/hook"');
    expect(html).toMatch(/value="version.promoted" checked/);
    expect(html).toContain("PROMPTRAIL_WEBHOOK_PRIVATE=1");
    expect(html).toContain('aria-invalid="true"');
  });

  test("a form save with no box checked means every type and stage, and a paused webhook; 303 back", async () => {
    const client = await freshApp();
    const { body: hook } = await client.api("POST", "/settings/webhooks", { url: HOOK, types: ["version.edited"] });
    const res = await client.request(`/settings/webhooks/${hook.id}/save`, {
      method: "POST",
      headers: { "content-type": FORM, accept: HTML },
      body: formOf([["url", `${HOOK}/2`]]),
    });
    expectSeeOther(res, `/settings/webhooks/${hook.id}`);
    const { body } = await client.api("GET", "/settings/webhooks");
    expect(body.webhooks[0]).toEqual({ id: hook.id, url: `${HOOK}/2`, types: [], stages: [], active: false });
  });

  test("delete asks first without JavaScript; the form and htmx both end on the list", async () => {
    const client = await freshApp();
    const a = (await client.api("POST", "/settings/webhooks", { url: HOOK })).body;
    const b = (await client.api("POST", "/settings/webhooks", { url: `${HOOK}/b` })).body;
    const confirm = await expectPage(await client.page(`/settings/webhooks/${a.id}/delete`));
    expect(confirm).toContain("Delete this webhook?");
    expect(confirm).toContain(`action="/settings/webhooks/${a.id}/delete"`);
    expectSeeOther(await client.form(`/settings/webhooks/${a.id}/delete`), "/settings/webhooks");
    const htmx = await client.htmx(`/settings/webhooks/${b.id}/delete`, {});
    expect(htmx.headers.get("hx-redirect")).toBe("/settings/webhooks");
    expect((await client.api("GET", "/settings/webhooks")).body.webhooks).toEqual([]);
  });

  test("Test over htmx swaps the delivery log and says what happened; as a form it goes back to the webhook", async () => {
    const client = await freshApp(); // loopback not allowed: the ping is refused, and says why
    const hook = (await client.api("POST", "/settings/webhooks", { url: HOOK })).body;
    await rawSql(client.db, "UPDATE webhooks SET url = 'http://127.0.0.1:9/hook'");
    const res = await client.htmx(`/settings/webhooks/${hook.id}/test`, {});
    const html = await expectFragment(res, "deliveries");
    expect(html).toContain("Failed");
    expect(html).toMatch(/id="flash"[^>]*hx-swap-oob/);
    expect(html).toContain("Test not delivered: Refused: 127.0.0.1 is a loopback address");
    const form = await client.form(`/settings/webhooks/${hook.id}/test`);
    expectSeeOther(form, `/settings/webhooks/${hook.id}`);
    expect(decodeURIComponent(decodeURIComponent(form.headers.get("set-cookie") ?? ""))).toContain(
      "Test not delivered",
    );
    const page = await expectPage(await client.page(`/settings/webhooks/${hook.id}`));
    expect(page).toContain("Redeliver");
    const fragment = await expectFragment(await client.htmx(`/settings/webhooks/${hook.id}`), "deliveries");
    expect(fragment.match(/<li class="delivery/g)).toHaveLength(2);
  });
});
