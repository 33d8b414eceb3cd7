import { button, expect, expectFlash, expectVersion, markWindow, test, versionPath } from "./support/journeys.js";

/**
 * R6 in the browser: two people edit the same draft. The second save is refused as stale, and
 * nothing is lost: the editor stays open with the second person's text, and the text the first
 * person saved is shown beside it.
 */
test("a stale-revision conflict shows both texts and keeps the second user's text in the editor", {
  tag: "@engine",
}, async ({ browser, api }) => {
  const v = await api.createPrompt({ body: "Original text for {{topic}}." });
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  try {
    const [a, b] = await Promise.all([alice.newPage(), bob.newPage()]);
    for (const page of [a, b]) {
      await page.goto(versionPath(v.prompt, "1.0"));
      await button(page, "Edit").click();
      await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue("Original text for {{topic}}.");
    }

    await a.getByLabel("Prompt", { exact: true }).fill("Alice's text for {{topic}}.");
    await button(a, "Save").click();
    await expectFlash(a, "Saved v1.0, revision 2");
    await expectVersion(a, { version: "1.0", stage: "DEV", current: true, revision: 2 });

    const bobsText = "Bob's text for {{topic}},\nwritten at the same time.";
    const sameWindow = await markWindow(b);
    await b.getByLabel("Prompt", { exact: true }).fill(bobsText);
    await button(b, "Save").click();

    // Refused, in place: the reason, Alice's saved text, and Bob's text still in the editor.
    const conflict = b.getByRole("alert");
    await expect(conflict).toContainText("v1.0 was saved as revision 2 while you were editing.");
    await expect(conflict).toContainText("Alice's text for {{topic}}.");
    await expect(b.getByLabel("Prompt", { exact: true })).toHaveValue(bobsText);
    await expectFlash(b, "this edit was based on revision 1");
    await sameWindow();
    expect((await api.version(v.prompt, "1.0")).body).toBe("Alice's text for {{topic}}.");

    // Saving again, now knowingly based on revision 2, replaces it with Bob's text.
    await button(b, "Save").click();
    await expect(b.getByLabel("Prompt", { exact: true })).toBeHidden();
    await expect(b.getByRole("region", { name: "Prompt text" })).toContainText("written at the same time.");
    await expectVersion(b, { version: "1.0", stage: "DEV", current: true, revision: 3 });
    const saved = await api.version(v.prompt, "1.0");
    expect(saved.body).toBe(bobsText);
    expect(saved.revision).toBe(3);

    // Alice's revision is kept as a stored revision (R5: no saved text is ever lost).
    await a.goto(`${versionPath(v.prompt, "1.0")}/revisions`);
    await expect(a.getByRole("region", { name: "Revision 2" })).toContainText("Alice's text for {{topic}}.");
    await expect(a.getByRole("region", { name: "Revision 3" })).toContainText("written at the same time.");
    await expect(a.getByRole("region", { name: "Revision 1" })).toContainText("Original text for {{topic}}.");
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});
