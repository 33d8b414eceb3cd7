import { describe, expect, test } from "vitest";
import { type SseEvent, sseParser } from "../src/sse.js";

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = sseParser({
    event: (e) => events.push(e),
    comment: (c) => comments.push(c),
    retry: (r) => retries.push(r),
  });
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments, retries, lastEventId: parser.lastEventId };
}

describe("the event-stream parser", () => {
  test("events, comments and retry, with LF, CRLF and CR line ends, split anywhere", () => {
    const text = ": hi\r\nretry: 2000\revent: a\nid: 1\ndata: x\r\n\r\nevent: b\rid: 2\rdata: y\rdata: z\r\r";
    const whole = parse([text]);
    expect(whole.events).toEqual([
      { type: "a", data: "x", id: "1" },
      { type: "b", data: "y\nz", id: "2" },
    ]);
    expect(whole.comments).toEqual(["hi"]);
    expect(whole.retries).toEqual([2000]);
    for (let cut = 1; cut < text.length; cut++)
      expect(parse([text.slice(0, cut), text.slice(cut)]).events, `cut at ${cut}`).toEqual(whole.events);
    expect(parse([...text]).events).toEqual(whole.events); // one character at a time
  });

  test("an event cut off by the end of the stream is not dispatched, and its id does not count", () => {
    const { events, lastEventId } = parse(["id: 1\ndata: a\n\nid: 2\ndata: b\n"]);
    expect(events.map((e) => e.id)).toEqual(["1"]);
    expect(lastEventId).toBe("1");
  });

  test("a field without a value, an unknown field, and data without a space after the colon", () => {
    const { events } = parse(["data\nfoo: bar\ndata:x\n\n"]);
    expect(events).toEqual([{ type: "message", data: "\nx", id: null }]);
  });
});
