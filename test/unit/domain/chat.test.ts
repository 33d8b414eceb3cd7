import { describe, expect, test } from "vitest";
import {
  type ChatItem,
  chatVariables,
  messagesText,
  parseStoredMessages,
  placeholderMessages,
  renderChat,
  transcript,
} from "../../../src/domain/chat.js";
import { contentVariableChanges, hashOf } from "../../../src/domain/prompt-content.js";

const items: ChatItem[] = [
  { role: "system", content: "You help with {{topic}}." },
  { type: "placeholder", name: "history" },
  { role: "user", content: "{{question}} about {{ topic }}" },
];

describe("chat messages (docs/rules.md, chat prompts)", () => {
  test("stored as canonical JSON, read back only when canonical and well-formed", () => {
    const text = messagesText(items);
    expect(text).toBe(
      '[{"content":"You help with {{topic}}.","role":"system"},{"name":"history","type":"placeholder"},{"content":"{{question}} about {{ topic }}","role":"user"}]',
    );
    expect(parseStoredMessages(text)).toEqual(items);
    for (const bad of ["[]", '[{"role":"user","content":"x"}]', '[{"content":1,"role":"user"}]', "{}", "x"])
      expect(parseStoredMessages(bad)).toBeNull();
  });

  test("variables: the contents' in order of first use, then the placeholders'", () => {
    expect(chatVariables(items)).toEqual(["topic", "history", "question"]);
  });

  test("rendering fills templates and placeholders; a placeholder's messages are inserted as they are", () => {
    const history = JSON.stringify([
      { role: "user", content: "Hi {{topic}}" },
      { role: "assistant", content: "Hello" },
    ]);
    const rendered = renderChat(items, { topic: "tax", question: "Why", history });
    expect(rendered).toEqual({
      ok: true,
      messages: [
        { role: "system", content: "You help with tax." },
        { role: "user", content: "Hi {{topic}}" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Why about tax" },
      ],
    });
    expect(renderChat(items, { topic: "tax", question: "q", history: "[]" })).toMatchObject({ ok: true });
  });

  test("a missing variable or placeholder, a bad placeholder value, too many bytes: errors, not crashes", () => {
    expect(renderChat(items, { topic: "t" })).toEqual({ ok: false, missing: ["history", "question"] });
    for (const value of ["nope", "{}", '[{"role":"bot","content":"x"}]', '[{"type":"placeholder","name":"x"}]'])
      expect(renderChat(items, { topic: "t", question: "q", history: value })).toEqual({
        ok: false,
        missing: [],
        badPlaceholder: "history",
      });
    const big = renderChat(items, { topic: "x".repeat(600_000), question: "q", history: "[]" });
    expect(big).toMatchObject({ ok: false, tooLarge: expect.any(Number) });
    expect(placeholderMessages("[]")).toEqual([]);
  });

  test("echo's transcript: one `role: content` block per message", () => {
    expect(
      transcript([
        { role: "system", content: "Be brief." },
        { role: "user", content: "two\nlines" },
      ]),
    ).toBe("system: Be brief.\nuser: two\nlines");
  });

  test("the hash is over {config, messages} for chat, {body, config} for text", () => {
    const chat = hashOf({ type: "chat", messages: items }, { temperature: 0 });
    expect(chat).toMatch(/^[0-9a-f]{64}$/);
    expect(chat).not.toBe(hashOf({ type: "text", body: messagesText(items) }, { temperature: 0 }));
    expect(
      contentVariableChanges({ type: "chat", messages: items }, { type: "chat", messages: [items[0] as ChatItem] }),
    ).toEqual({ added: [], removed: ["history", "question"] });
  });
});
