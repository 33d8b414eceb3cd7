import { connect } from "node:net";
import { serve } from "@hono/node-server";
import { expect, test, vi } from "vitest";
import { createApp } from "../../../src/app.js";
import type { RequestNotes } from "../../../src/http/request-notes.js";
import { freshDb } from "../../support/db.js";
import { rawValue } from "../../support/state.js";

test("an aborted upload logs one line, not a stack, and stores nothing", async () => {
  const db = await freshDb();
  const lines: string[] = [];
  const notes: RequestNotes = {
    identified() {},
    failed: (request, message, error) =>
      void lines.push(`${request.method} ${request.path}: ${message}${error ? " (with a stack)" : ""}`),
  };
  const server = serve({ fetch: createApp({ db, notes }).fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  const socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    `POST /prompts HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"p","body":"`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  await vi.waitFor(() => expect(lines.length).toBeGreaterThan(0));
  await new Promise((resolve) => setTimeout(resolve, 100));
  server.close();
  expect(lines).toEqual(["POST /prompts: the client went away before its request arrived whole"]);
  expect(await rawValue(db, "SELECT count(*) FROM prompts")).toBe(0);
});
