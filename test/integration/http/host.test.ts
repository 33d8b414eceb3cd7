import { describe, expect, test } from "vitest";
import { isOwnHost } from "../../../src/http/guards.js";
import { expectError, FORM, freshApp } from "./support/http.js";

/**
 * SPEC §7, DNS rebinding (issue 8, item 4): a page on evil.example whose name is switched to
 * 127.0.0.1 reaches the server with `Host: evil.example:4401` and a same-origin Origin of its
 * own. Every request whose Host is not this server's is refused 403 and changes nothing.
 */
const rebinding = { host: "evil.example:4401", origin: "http://evil.example:4401", "sec-fetch-site": "same-origin" };

describe("Host check", () => {
  test("a rebound POST is refused and deletes nothing; a rebound GET reads nothing", async () => {
    const client = await freshApp();
    await client.ladder("p");
    const before = await client.dump();
    const del = await client.request("http://evil.example:4401/prompts/p/versions/1.3/delete", {
      method: "POST",
      headers: { ...rebinding, "content-type": FORM, accept: "application/json" },
      body: "",
    });
    expectError({ status: del.status, body: await del.json() }, 403, "forbidden");
    // The Host header alone (a request line in origin form reaching 127.0.0.1) is enough.
    const settings = await client.request("/settings/environments", {
      headers: { ...rebinding, accept: "application/json" },
    });
    const body = await settings.json();
    expectError({ status: settings.status, body }, 403, "forbidden");
    expect(JSON.stringify(body)).not.toContain("baseUrl");
    for (const path of ["/healthz", "/static/app.css", "/prompts/p/stages/prod", "/"]) {
      expect((await client.request(path, { headers: { host: "evil.example" } })).status, path).toBe(403);
    }
    expect(await client.dump()).toEqual(before);
  });

  test("open mode answers the loopback names and addresses, with any port", async () => {
    const client = await freshApp();
    for (const host of ["localhost", "localhost:3000", "127.0.0.1", "127.0.0.1:8080", "[::1]", "[::1]:4401"]) {
      const res = await client.request(`http://${host}/healthz`, { headers: { host } });
      expect(res.status, host).toBe(200);
    }
    for (const host of [
      "evil.example",
      "localhost.evil.example",
      "127.0.0.2",
      "0.0.0.0",
      "10.0.0.1:3000",
      "",
      "a b",
      "localhost@evil",
    ]) {
      expect((await client.request("/healthz", { headers: { host } })).status, host).toBe(403);
    }
  });

  test("with PROMPTRAIL_PUBLIC_URL only its host passes (its port, if any)", async () => {
    const client = await freshApp({ publicUrl: "https://prompts.example.com" });
    const ask = (host: string) => client.request(`http://${host}/healthz`, { headers: { host } });
    expect((await ask("prompts.example.com")).status).toBe(200);
    expect((await ask("prompts.example.com:443")).status).toBe(200);
    for (const host of ["prompts.example.com:8443", "localhost", "127.0.0.1:3000", "evil.example"])
      expect((await ask(host)).status, host).toBe(403);
    expect(isOwnHost("PROMPTS.example.com", new URL("https://prompts.example.com"))).toBe(true);
  });
});
