import { describe, expect, test } from "vitest";
import { applyRowOp, createFromForm, messagesOfRows, rowOpOf, rowsOfForm } from "../../../src/http/chat-form.js";

const rows = [
  { role: "system", content: "a" },
  { role: "user", content: "b" },
  { role: "placeholder", content: " history " },
];

describe("the chat editor's form without JavaScript", () => {
  test("rows pair role and content by position; a placeholder row's text is its name", () => {
    expect(rowsOfForm({ role: ["system", "user", "placeholder"], content: ["a", "b", " history "] })).toEqual(rows);
    expect(rowsOfForm({ role: "user", content: "only" })).toEqual([{ role: "user", content: "only" }]);
    expect(messagesOfRows(rows)).toEqual([
      { role: "system", content: "a" },
      { role: "user", content: "b" },
      { type: "placeholder", name: "history" },
    ]);
  });

  test("add, add a placeholder, remove, move up and down; nothing past the ends", () => {
    const op = (text: string) => {
      const parsed = rowOpOf(text);
      if (!parsed) throw new Error(`not an op: ${text}`);
      return applyRowOp(rows, parsed);
    };
    expect(op("add").at(-1)).toEqual({ role: "user", content: "" });
    expect(op("add-placeholder").at(-1)).toEqual({ role: "placeholder", content: "" });
    expect(op("remove:1").map((r) => r.content)).toEqual(["a", " history "]);
    expect(op("up:1").map((r) => r.content)).toEqual(["b", "a", " history "]);
    expect(op("down:0").map((r) => r.content)).toEqual(["b", "a", " history "]);
    expect(op("up:0")).toEqual(rows);
    expect(op("down:2")).toEqual(rows);
    expect(op("remove:9")).toEqual(rows);
    expect(applyRowOp([{ role: "user", content: "x" }], { op: "remove", index: 0 })).toHaveLength(1);
    for (const bad of ["", "drop:1", "up:-1", "up:x", undefined]) expect(rowOpOf(bad)).toBeNull();
  });

  test("the New prompt form's text becomes a chat prompt's system message", () => {
    expect(createFromForm({ name: "c", type: "chat", body: "Be kind." })).toEqual({
      name: "c",
      type: "chat",
      messages: [{ role: "system", content: "Be kind." }],
    });
    expect(createFromForm({ name: "t", body: "x" })).toEqual({ name: "t", body: "x" });
  });
});
