// A baseline server for the benchmark: answers GET /prompts/:name/stages/:stage with one fixed
// response — the status, headers and bytes Promptrail sent for the same request — either as a
// bare Hono app (`hono`) or a bare node:http server (`node`), without a request log. The body is
// sent as a string, each server's fastest path (headers and body in one write). Prints
// "listening <port>".
//
//   node bench/bare.mjs hono|node <response.json>     (response: {status, headers, body (base64)})
import { readFileSync } from "node:fs";
import http from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const [kind, file] = process.argv.slice(2);
const answer = JSON.parse(readFileSync(file, "utf8"));
const body = answer.status === 304 ? null : Buffer.from(answer.body, "base64").toString("utf8");
const headers = answer.headers;

if (kind === "node") {
  const server = http.createServer((_req, res) => {
    res.writeHead(answer.status, headers);
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
} else {
  const app = new Hono().get("/prompts/:name/stages/:stage", (c) => c.body(body, answer.status, headers));
  serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => console.log(`listening ${info.port}`));
}
