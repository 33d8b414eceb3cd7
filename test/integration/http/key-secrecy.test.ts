import { afterEach, describe, expect, it, vi } from "vitest";
import { completion, fakeOpenAi, sendJson } from "../../support/fake-openai.js";
import { freshApp, HX } from "./support/http.js";

const KEY_ENV = "PROMPTRAIL_SECRECY_TEST_KEY";
const KEY = "sk-live-9d1e6b2f7a4c8e03-never-shown";

afterEach(() => {
  delete process.env[KEY_ENV];
  vi.restoreAllMocks();
});

describe("an API key never appears in a page, a JSON answer or a log line (docs/rules.md, TEST)", () => {
  it("through settings, a TEST whose server echoes the key, and every page that shows the run", async () => {
    process.env[KEY_ENV] = KEY;
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "));
      });
    }
    const server = await fakeOpenAi((request, res) => {
      const prompt = (request.body as { messages: Array<{ content: string }> }).messages[0]?.content ?? "";
      const auth = String(request.headers.authorization);
      if (prompt.includes("fail")) return sendJson(res, 401, { error: { message: `rejected ${auth}` } });
      if (prompt.includes("crash")) return sendJson(res, 500, { error: { message: `down, ${auth}` } });
      sendJson(res, 200, completion(`your header was ${auth}`));
    });
    const { app, api } = await freshApp();
    const settings = { provider: "openai", baseUrl: server.baseUrl, apiKeyEnv: KEY_ENV, model: "m" };
    expect((await api("POST", "/settings/environments/DEV", settings)).status).toBe(200);
    await api("POST", "/prompts", { name: "p", body: "say {{what}}" });
    for (const what of ["ok", "fail", "crash"]) {
      await api("POST", "/prompts/p/test-cases", { name: what, variables: { what } });
    }
    const run = await api("POST", "/prompts/p/versions/1.0/test", {});
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${KEY}`));
    expect(run.body.results.map((r: { status: string }) => r.status).sort()).toEqual(["error", "error", "passed"]);

    const answers = [JSON.stringify(run.body)];
    const htmxRun = await app.request("/prompts/p/versions/1.0/test", { method: "POST", headers: HX });
    answers.push(await htmxRun.text());
    for (const path of [
      "/prompts/p/versions/1.0",
      "/prompts/p/versions/1.0/tests",
      "/prompts/p/history",
      "/prompts/p/test-cases",
      "/settings/environments",
      "/prompts/p/stages/DEV",
    ]) {
      for (const accept of ["text/html", "application/json"]) {
        const res = await app.request(path, { headers: { accept } });
        expect(res.status, `${path} ${accept}`).toBe(200);
        answers.push(await res.text());
      }
    }
    const everything = [...answers, ...logged].join("\n");
    expect(everything).toContain(KEY_ENV); // the NAME is shown, as it should be
    expect(everything).toContain("[redacted]"); // the echoed key was there, and was hidden
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(8, 24));
  });
});
