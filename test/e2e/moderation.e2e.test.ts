import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TokenService } from "../../server/auth/TokenService.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot } from "./browser.ts";

const SECRET = "e2e-moderation-secret-0123456789abcdef";

describeBrowser("whispers and system lines in a real browser", () => {
  let ts: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let mo: Page;

  beforeAll(async () => {
    const clientDir = await buildClient();
    ts = await startTestServer({ client: { mode: "static", dir: clientDir }, auth: { secret: SECRET } });
    browser = await launchBrowser();
    alice = await joinAs(browser, ts.httpUrl, "Alice");
    const roomId = (await snapshot(alice)).roomId ?? "";
    bob = await joinAs(browser, ts.httpUrl, "Bob", roomId);
    // A moderator pastes an operator token (as minted by `npm run token`) on the start screen.
    const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 600 });
    const { token } = await tokens.issue({ playerId: "p_mo", name: "Mo", role: "moderator" });
    mo = await joinAs(browser, ts.httpUrl, "ignored", roomId, async (page) => {
      await page.click("#operator-toggle");
      await page.fill("#operator-token", token);
      await page.locator("#operator-token").dispatchEvent("change");
    });
  }, 60_000);

  afterAll(async () => {
    await bob?.screenshot({ path: path.join(ARTIFACTS, "moderation-bob.png") });
    await browser?.close();
    await ts?.close();
  });

  it("the operator token makes the player a moderator named by the token", async () => {
    const me = (await snapshot(mo)).players.find((p) => p.self);
    expect(me?.name).toBe("Mo");
  });

  it("renders a chat line, a whisper and a system line distinctly", async () => {
    await alice.bringToFront();
    await alice.locator("#chat-input").fill("hello everyone");
    await alice.keyboard.press("Enter");
    await alice.locator("#chat-input").fill("/w Bob psst, just you");
    await alice.keyboard.press("Enter");
    await mo.bringToFront();
    await mo.locator("#chat-input").fill("/mute Alice 1");
    await mo.keyboard.press("Enter");

    const said = bob.locator("#chat-log li", { hasText: "hello everyone" });
    const whispered = bob.locator("#chat-log li", { hasText: "psst, just you" });
    const notice = bob.locator("#chat-log li", { hasText: "Mo muted Alice" });
    await Promise.all([said.waitFor(), whispered.waitFor(), notice.waitFor()]);

    expect(await said.getAttribute("data-kind")).toBe("chat");
    expect(await whispered.getAttribute("data-kind")).toBe("whisper");
    expect(await notice.getAttribute("data-kind")).toBe("system");
    expect(await whispered.locator(".tag").textContent()).toBe("whispers");
    // Distinct on screen, not just in the DOM: three different colours.
    const colour = (line: typeof said) =>
      line.evaluate((el) => getComputedStyle(el.querySelector(".text") ?? el).color);
    const colours = new Set([await colour(said), await colour(whispered), await colour(notice)]);
    expect(colours.size).toBe(3);
    // The sender sees it as "to Bob"; Mo, who was not part of it, never sees it.
    expect(await alice.locator("#chat-log li", { hasText: "psst" }).locator(".tag").textContent()).toBe("to Bob");
    await mo.locator("#chat-log li", { hasText: "Mo muted Alice" }).waitFor();
    expect(await mo.locator("#chat-log li", { hasText: "psst" }).count()).toBe(0);
  });

  it("marks a moderator's lines with a badge a look-alike name cannot fake", async () => {
    await mo.bringToFront();
    await mo.locator("#chat-input").fill("hello from the mods");
    await mo.keyboard.press("Enter");
    const line = bob.locator("#chat-log li", { hasText: "hello from the mods" });
    await line.waitFor();
    expect(await line.locator(".badge").textContent()).toBe("mod");
    expect(await bob.locator("#chat-log li", { hasText: "hello everyone" }).locator(".badge").count()).toBe(0);
  });

  it("shows the muted player why her line was refused", async () => {
    await alice.bringToFront();
    await alice.locator("#chat-input").fill("let me speak");
    await alice.keyboard.press("Enter");
    const notice = alice.locator("#chat-notice");
    await notice.waitFor({ state: "visible" });
    // A one-minute mute: "1 min" while at least 59.5 s remain (formatDuration
    // rounds to the second), then "59 s", "58 s"…; which one depends on how
    // soon after the mute this line arrives.
    expect(await notice.textContent()).toMatch(/^You are muted for (1 min|[1-5]?\d s) more\.$/);
  });

  it("lists the commands on /help without sending anything", async () => {
    await bob.bringToFront();
    await bob.locator("#chat-input").fill("/help");
    await bob.keyboard.press("Enter");
    const help = bob.locator("#chat-log li.help");
    await help.waitFor();
    for (const usage of ["/w <name> <text>", "/mute <name> [minutes]", "/unmute <name>", "/kick <name> [reason]"]) {
      expect(await help.textContent()).toContain(usage);
    }
    expect(await bob.locator("#chat-notice").isVisible()).toBe(false);
  });
});
