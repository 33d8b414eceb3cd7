import { expect, test } from "./support/fixtures.js";

/**
 * A browser's own EventSource follows GET /changes (docs/applications.md, "The change stream"):
 * the stream passes the Content-Security-Policy of the page that opens it, and a change made
 * meanwhile arrives as an event of its type whose lastEventId is its seq.
 */
test("EventSource in Chromium receives each change as an event of its type, with id = seq", { tag: "@engine" }, async ({
  page,
  api,
}) => {
  await page.goto("/");
  await page.evaluate(() => {
    const seen: Array<{ type: string; id: string; data: unknown }> = [];
    (window as unknown as { seen: typeof seen }).seen = seen;
    const source = new EventSource("/changes");
    for (const type of ["prompt.created", "version.created", "version.promoted"])
      source.addEventListener(type, (e) => {
        const message = e as MessageEvent<string>;
        seen.push({ type, id: message.lastEventId, data: JSON.parse(message.data) });
      });
    return new Promise<void>((resolve) => source.addEventListener("open", () => resolve()));
  });
  const created = await api.createPrompt({ body: "Hello {{who}}" });
  await api.promote(created);
  const seen = () =>
    page.evaluate(
      () =>
        (window as unknown as { seen: Array<{ type: string; id: string; data: { prompt: string; seq: number } }> })
          .seen,
    );
  await expect
    .poll(async () => (await seen()).filter((e) => e.data.prompt === created.prompt).map((e) => e.type))
    .toEqual(["prompt.created", "version.created", "version.promoted"]);
  for (const e of await seen()) expect(e.id).toBe(String(e.data.seq));
});
