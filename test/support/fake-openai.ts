import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { closeAfterTest, stopServer } from "./servers.js";

/** One request as the fake server received it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: unknown;
}

export type Responder = (request: Received, res: ServerResponse) => void | Promise<void>;

export interface FakeOpenAi {
  baseUrl: string;
  requests: Received[];
  /** Most requests in flight at the same moment. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat completion answer as OpenAI-compatible servers send it. */
export function completion(content: unknown, usage: object | null = { prompt_tokens: 7, completion_tokens: 3 }) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "served-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    ...(usage ? { usage: { ...usage, total_tokens: 10 } } : {}),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Echoes the user message back, as a well-behaved model would for an echo prompt. */
export const echoBack: Responder = (request, res) => {
  const messages = (request.body as { messages?: Array<{ content: string }> }).messages ?? [];
  sendJson(res, 200, completion(messages[0]?.content ?? ""));
};

/** A real OpenAI-compatible HTTP server on 127.0.0.1 at a random port, closed after the test. */
export async function fakeOpenAi(respond: Responder = echoBack): Promise<FakeOpenAi> {
  let inFlight = 0;
  const fake: FakeOpenAi = { baseUrl: "", requests: [], maxInFlight: 0, close: () => stopServer(server) };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {}
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, body };
      fake.requests.push(request);
      fake.maxInFlight = Math.max(fake.maxInFlight, ++inFlight);
      res.on("close", () => inFlight--);
      await respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closeAfterTest(server);
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A URL on 127.0.0.1 where nothing listens: a port that was just free, now closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
