import { describe, expect, test } from "vitest";
import { sharedQuery } from "../../../src/store/changes.store.js";

/**
 * A query that reads the counter when it is sent (as the database does: its snapshot) and whose
 * answers the test releases one by one; `sent` counts queries sent.
 */
function controlled() {
  const pending: Array<() => void> = [];
  let counter = 0;
  const query = () =>
    new Promise<number>((resolve) => {
      const seen = counter;
      pending.push(() => resolve(seen));
    });
  return {
    query,
    get sent() {
      return pending.length;
    },
    /** The database commits a change. */
    change: () => {
      counter += 1;
    },
    /** Query number `index` answers. */
    answer: async (index: number) => {
      pending[index]?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe("the change counter's shared query", () => {
  test("reads that arrive while a query is in flight wait for the next one, which serves them all", async () => {
    const db = controlled();
    const changes = sharedQuery(db.query);
    const first = changes.read();
    expect(db.sent).toBe(1);
    db.change(); // committed after the first query was sent, before the reads below arrived
    const waiting = [changes.read(), changes.read(), changes.read()];
    expect(db.sent).toBe(1); // nothing more is sent while one is in flight
    await db.answer(0);
    expect(await first).toBe(0);
    expect(db.sent).toBe(2); // one next query, sent after they arrived
    await db.answer(1);
    expect(await Promise.all(waiting)).toEqual([1, 1, 1]); // they see the change
  });

  test("with nothing in flight, a read sends its own query at once", async () => {
    const db = controlled();
    const changes = sharedQuery(db.query);
    const read = changes.read();
    await db.answer(0);
    expect(await read).toBe(0);
    db.change();
    const again = changes.read();
    expect(db.sent).toBe(2);
    await db.answer(1);
    expect(await again).toBe(1);
  });

  test("a failed query fails its readers only; the next read sends a new one", async () => {
    let fail = true;
    const changes = sharedQuery(async () => {
      if (fail) throw new Error("connection lost");
      return 7;
    });
    await expect(changes.read()).rejects.toThrow("connection lost");
    fail = false;
    expect(await changes.read()).toBe(7);
  });
});
