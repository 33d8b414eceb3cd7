import { afterEach, describe, expect, it } from "vitest";
import { createOpenAiProvider } from "../../../src/providers/openai.provider.js";
import { ProviderError } from "../../../src/providers/provider.js";
import { closedPortUrl, completion, fakeOpenAi, sendJson } from "../../support/fake-openai.js";

const KEY = "sk-test-0123456789abcdef-secret";
const env = (name: string) => ({ PROMPTRAIL_TEST_KEY: KEY })[name];

function provider(baseUrl: string, apiKeyEnv: string | null = "PROMPTRAIL_TEST_KEY") {
  return createOpenAiProvider({ baseUrl, apiKeyEnv }, { env });
}

const prompt = "Say hi to Ada";
const request = {
  messages: [{ role: "user" as const, content: prompt }],
  text: prompt,
  model: "m-1",
  timeoutMs: 5000,
};

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as Error).message).not.toContain(KEY);
  return error as ProviderError;
}

const saved = { ...process.env };
afterEach(() => {
  for (const name of ["OPENAI_API_KEY", "OPENAI_CUSTOM_HEADERS", "OPENAI_ORG_ID", "OPENAI_BASE_URL"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("openai provider against a local OpenAI-compatible server", () => {
  it("posts one user message to {baseUrl}/chat/completions with the key as a Bearer token", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("Hi Ada!")));
    const answer = await provider(server.baseUrl).complete({ ...request, temperature: 0.2, maxTokens: 64 });

    expect(answer).toEqual({ output: "Hi Ada!", tokens: { prompt: 7, completion: 3, total: 10 } });
    const [received] = server.requests;
    expect(received?.method).toBe("POST");
    expect(received?.path).toBe("/chat/completions");
    expect(received?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(received?.body).toEqual({
      model: "m-1",
      messages: [{ role: "user", content: "Say hi to Ada" }],
      temperature: 0.2,
      max_tokens: 64,
    });
  });

  it("leaves temperature and max_tokens out when not set, and reports missing usage as null tokens", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("ok", null)));
    const answer = await provider(`${server.baseUrl}/`).complete(request);
    expect(answer.tokens).toBeNull();
    expect(server.requests[0]?.path).toBe("/chat/completions");
    expect(server.requests[0]?.body).toEqual({ model: "m-1", messages: [{ role: "user", content: prompt }] });
  });

  it("sends no other server secret: no OPENAI_* key, custom headers or organization", async () => {
    process.env.OPENAI_API_KEY = "sk-server-own-secret-key";
    process.env.OPENAI_CUSTOM_HEADERS = "X-Leak: server-secret-header";
    process.env.OPENAI_ORG_ID = "org-server-secret";
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("ok")));
    await provider(server.baseUrl, null).complete(request);
    const received = server.requests[0];
    expect(received?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(received?.headers)).not.toMatch(/secret/);
    const names = Object.keys(received?.headers ?? {});
    expect(names.filter((h) => /^(x-|openai-)/.test(h))).toEqual([]);
  });

  it("a missing key variable is a readable error naming the variable, with no call made", async () => {
    const server = await fakeOpenAi();
    const error = await failure(provider(server.baseUrl, "PROMPTRAIL_MISSING_KEY").complete(request));
    expect(error.message).toBe(
      "The environment variable PROMPTRAIL_MISSING_KEY (the API key) is not set on the server",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("a server that never answers hits the timeout", async () => {
    const server = await fakeOpenAi(() => {});
    const started = performance.now();
    const error = await failure(provider(server.baseUrl).complete({ ...request, timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(error.message).toBe(`No answer from ${server.baseUrl}/chat/completions within 300 ms (timed out)`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it("a server that sends headers and then stalls the body also hits the timeout", async () => {
    const server = await fakeOpenAi((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"choices": [');
    });
    const error = await failure(provider(server.baseUrl).complete({ ...request, timeoutMs: 300 }));
    expect(error.message).toContain("within 300 ms (timed out)");
  });

  it("a 500 is an error with the status and the server's message", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 500, { error: { message: "model overloaded" } }));
    const error = await failure(provider(server.baseUrl).complete(request));
    expect(error.message).toBe(`${server.baseUrl}/chat/completions answered HTTP 500: model overloaded`);
    expect(server.requests).toHaveLength(1); // no retries
  });

  it("a 401 that echoes the key back never shows the key", async () => {
    const server = await fakeOpenAi((req, res) =>
      sendJson(res, 401, { error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }),
    );
    const error = await failure(provider(server.baseUrl).complete(request));
    expect(error.message).toContain("answered HTTP 401: Incorrect API key provided: Bearer [redacted]");
  });

  it("a garbage body labelled JSON is an error, not a crash", async () => {
    const server = await fakeOpenAi((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html>definitely not json");
    });
    const error = await failure(provider(server.baseUrl).complete(request));
    expect(error.message).toBe(`The answer from ${server.baseUrl}/chat/completions is not valid JSON`);
  });

  it("a plain-text body or JSON without choices is reported as not a chat completion", async () => {
    const text = await fakeOpenAi((_, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("hello");
    });
    expect((await failure(provider(text.baseUrl).complete(request))).message).toMatch(
      /is not a chat completion: expected a JSON object$/,
    );
    const empty = await fakeOpenAi((_, res) => sendJson(res, 200, { choices: [] }));
    expect((await failure(provider(empty.baseUrl).complete(request))).message).toMatch(/it has no choices$/);
    const noText = await fakeOpenAi((_, res) => sendJson(res, 200, completion(null)));
    expect((await failure(provider(noText.baseUrl).complete(request))).message).toMatch(
      /choices\[0\]\.message\.content is not text$/,
    );
  });

  it("a refused connection is an error naming the URL and the reason", async () => {
    const url = await closedPortUrl();
    const error = await failure(provider(url).complete(request));
    expect(error.message).toBe(`Could not connect to ${url}/chat/completions: connection refused (ECONNREFUSED)`);
  });

  it("a redirect is reported, not followed with the key", async () => {
    const target = await fakeOpenAi();
    const server = await fakeOpenAi((_, res) => {
      res.writeHead(307, { location: `${target.baseUrl}/chat/completions` });
      res.end();
    });
    const error = await failure(provider(server.baseUrl).complete(request));
    expect(error.message).toContain("answered HTTP 307");
    expect(target.requests).toHaveLength(0);
  });

  it("a host name that resolves to a metadata or link-local address is refused before anything is sent", async () => {
    const sent: string[] = [];
    const recording = (async (input: RequestInfo | URL) => {
      sent.push(String(input));
      return new Response("{}");
    }) as typeof fetch;
    for (const address of ["169.254.169.254", "fe80::1", "fd00:ec2::254"]) {
      const resolve = (_host: string, done: (e: Error | null, a: Array<{ address: string; family: number }>) => void) =>
        done(null, [
          { address: "93.184.216.34", family: 4 },
          { address, family: address.includes(":") ? 6 : 4 },
        ]);
      const error = await failure(
        createOpenAiProvider(
          { baseUrl: "http://metadata.example.internal/v1", apiKeyEnv: "PROMPTRAIL_TEST_KEY" },
          { env, fetch: recording, resolve },
        ).complete(request),
      );
      expect(error.message).toMatch(
        new RegExp(`metadata\\.example\\.internal resolves to ${address}, .*never called there`),
      );
    }
    expect(sent).toEqual([]);
  });

  it("an output that contains the key is stored with the key masked", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion(`your key is ${KEY}`)));
    const answer = await provider(server.baseUrl).complete(request);
    expect(answer.output).toBe("your key is [redacted]");
  });

  it("masks the key in the forms a server may echo it: JSON-escaped, URL-encoded, base64, in parts", async () => {
    const key = 'sk-proj/Abc+123=xyz"def'; // characters that JSON and URL encoding change
    const keyEnv = (name: string) => ({ PROMPTRAIL_TEST_KEY: key })[name];
    const forms = [
      JSON.stringify(key).slice(1, -1),
      encodeURIComponent(key),
      Buffer.from(key).toString("base64"),
      `${key.slice(0, 9)}…${key.slice(-9)}`, // the head and tail quoted apart
      key.slice(3, 14),
    ];
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion(forms.join(" | "))));
    const answer = await createOpenAiProvider(
      { baseUrl: server.baseUrl, apiKeyEnv: "PROMPTRAIL_TEST_KEY" },
      { env: keyEnv },
    ).complete(request);
    expect(answer.output).toBe("[redacted] | [redacted] | [redacted] | [redacted]…[redacted] | [redacted]");
    for (const part of [key.slice(0, 8), key.slice(-8), encodeURIComponent(key).slice(0, 12)])
      expect(answer.output).not.toContain(part);
  });

  it("the key goes only to {baseUrl}/chat/completions: a base URL with a query never reaches the server", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("ok")));
    for (const baseUrl of [`${server.baseUrl}/prompts/x/versions/1.2/delete?`, `${server.baseUrl}/v1#`]) {
      const error = await failure(provider(baseUrl).complete(request));
      expect(error.message).toMatch(/base URL is refused: No query \(\?\) or fragment/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("an answer over 2 MiB is the case's error, read no further", async () => {
    const server = await fakeOpenAi((_, res) => sendJson(res, 200, completion("x".repeat(3 * 1024 * 1024))));
    const error = await failure(provider(server.baseUrl).complete(request));
    expect(error.message).toMatch(/over 2 MiB/);
  });
});
