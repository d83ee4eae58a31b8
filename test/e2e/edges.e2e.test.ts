import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { UNREACHABLE_MESSAGE } from "../../client/net/join.ts";
import { TokenService } from "../../server/auth/TokenService.ts";
import { PLAYER_RADIUS, WORLD_HEIGHT, WORLD_WIDTH } from "../../shared/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { TcpProxy } from "../helpers/tcpProxy.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot } from "./browser.ts";

const SECRET = "e2e-edges-secret-0123456789abcdefghij";
/** 16 characters, the longest name: with " (you)" it is wider than the room left of a disc against a wall. */
const LONG_NAME = "Alexandrina Wolf";

/** The rough edges of the browser client (issue 12, "edges"), each as a player meets it. */
describeBrowser("the client's rough edges", () => {
  let ts: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let roomId: string;

  beforeAll(async () => {
    const clientDir = await buildClient();
    // A second identical line is refused ("You already said that"): a refusal any player can cause.
    ts = await startTestServer({
      client: { mode: "static", dir: clientDir },
      auth: { secret: SECRET },
      chat: { repeatLimit: 2 },
    });
    browser = await launchBrowser();
    alice = await joinAs(browser, ts.httpUrl, LONG_NAME);
    roomId = (await snapshot(alice)).roomId ?? "";
    bob = await joinAs(browser, ts.httpUrl, "Bob", roomId);
  }, 60_000);

  afterAll(async () => {
    await alice?.screenshot({ path: path.join(ARTIFACTS, "edges-alice.png") });
    await bob?.screenshot({ path: path.join(ARTIFACTS, "edges-bob.png") });
    await browser?.close();
    await ts?.close();
  });

  const self = async (page: Page) => {
    const me = (await snapshot(page)).players.find((p) => p.self);
    if (me === undefined) throw new Error("no local player");
    return me;
  };

  /** Hold `keys` until the local player's authoritative position is inside `box`, then let it settle. */
  async function walk(page: Page, keys: string[], box: { minX?: number; maxX?: number; minY?: number; maxY?: number }) {
    await page.bringToFront();
    for (const key of keys) await page.keyboard.down(key);
    await page.waitForFunction(
      ({ minX = -Infinity, maxX = Infinity, minY = -Infinity, maxY = Infinity }) => {
        const me = window.__tickwire?.snapshot().players.find((p) => p.self);
        return me !== undefined && me.serverX >= minX && me.serverX <= maxX && me.serverY >= minY && me.serverY <= maxY;
      },
      box,
      { timeout: 40_000 },
    );
    for (const key of keys) await page.keyboard.up(key);
    await page.waitForFunction(() => {
      const me = window.__tickwire?.snapshot().players.find((p) => p.self);
      return me !== undefined && me.x === me.serverX && me.y === me.serverY;
    });
  }

  it("shows the controls on a player's first join only, until they move", async () => {
    const hana = await joinAs(browser, ts.httpUrl, "Hana", roomId);
    const hint = hana.locator("#controls-hint");
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toContain("WASD");
    const before = await self(hana);
    await hana.keyboard.down("KeyS");
    await hana.waitForFunction(
      (y) => (window.__tickwire?.snapshot().players.find((p) => p.self)?.serverY ?? y) !== y,
      before.serverY,
    );
    await hana.keyboard.up("KeyS");
    await hint.waitFor({ state: "hidden" });
    // Next time in this browser: no hint.
    await hana.click("#hud-leave");
    await hana.locator("#start").waitFor({ state: "visible" });
    await hana.locator(`#room-list li[data-room-id="${roomId}"] button`).click();
    await hana.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    expect(await hint.isVisible()).toBe(false);
    await hana.click("#hud-leave");
    await hana.close();
  });

  it("gives the keys back to the game once a chat line is sent", async () => {
    await alice.bringToFront();
    await alice.keyboard.press("Enter");
    await alice.keyboard.type("hello");
    await alice.keyboard.press("Enter");
    await bob.locator("#chat-log li", { hasText: "hello" }).waitFor();
    expect(await alice.evaluate(() => document.activeElement?.id)).not.toBe("chat-input");
    const before = await self(alice);
    const key = before.serverX > WORLD_WIDTH / 2 ? "KeyA" : "KeyD";
    await alice.keyboard.down(key);
    await alice.waitForFunction(
      (x) => Math.abs((window.__tickwire?.snapshot().players.find((p) => p.self)?.serverX ?? x) - x) >= 40,
      before.serverX,
    );
    await alice.keyboard.up(key);
    expect(await alice.inputValue("#chat-input")).toBe("");
  });

  it("keeps a refused line's text in the input", async () => {
    await alice.bringToFront();
    const notice = alice.locator("#chat-notice");
    const tooLong = "x".repeat(300);
    await alice.locator("#chat-input").fill(tooLong);
    await alice.keyboard.press("Enter");
    await notice.waitFor({ state: "visible" });
    expect(await notice.textContent()).toContain("280");
    expect(await alice.inputValue("#chat-input")).toBe(tooLong);

    // Said twice: the second is refused, and is still there to edit.
    for (const attempt of [1, 2]) {
      await alice.locator("#chat-input").fill("same line again");
      await alice.keyboard.press("Enter");
      if (attempt === 1) await bob.locator("#chat-log li", { hasText: "same line again" }).waitFor();
    }
    await alice.waitForFunction(() => document.getElementById("chat-notice")?.textContent === "You already said that.");
    expect(await alice.inputValue("#chat-input")).toBe("same line again");
    await alice.locator("#chat-input").fill("");
    await alice.keyboard.press("Escape"); // back to the game
  });

  it("asks a new player who opens a share link for a name, and remembers it", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const dora = await context.newPage();
    await dora.goto(`${ts.httpUrl}/?room=${roomId}`);
    const invite = dora.locator("#invite");
    await invite.waitFor({ state: "visible" });
    expect(await invite.textContent()).toContain(roomId);
    expect(await dora.evaluate(() => document.activeElement?.id)).toBe("name-input");
    expect((await dora.textContent("#quick-play"))?.trim()).toBe("Join room");
    expect((await snapshot(dora)).screen).toBe("start");
    await dora.fill("#name-input", "Dora");
    await dora.click("#quick-play");
    await dora.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    expect((await snapshot(dora)).roomId).toBe(roomId);
    expect((await self(dora)).name).toBe("Dora");
    await dora.click("#hud-leave");
    await dora.close();

    // The same browser, the same link again: straight in, as Dora.
    const again = await context.newPage();
    await again.goto(`${ts.httpUrl}/?room=${roomId}`);
    await again.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    expect((await self(again)).name).toBe("Dora");
    await again.click("#hud-leave");
    await context.close();
  });

  it("keeps names inside the canvas and shows a player under the chat panel through it", async () => {
    // Alice walks into the bottom-left corner: under the chat panel, her long name against the left edge.
    await walk(alice, ["KeyA", "KeyS"], { maxX: PLAYER_RADIUS, minY: WORLD_HEIGHT - PLAYER_RADIUS });
    // Bob walks to the right wall.
    await walk(bob, ["KeyD"], { minX: WORLD_WIDTH - PLAYER_RADIUS });
    await alice.bringToFront();
    await alice.mouse.move(640, 100); // not hovering the panel
    const frames = (await snapshot(alice)).frames;
    await alice.waitForFunction((f) => (window.__tickwire?.snapshot().frames ?? 0) > f + 1, frames);

    for (const page of [alice, bob]) {
      const width = await page.evaluate(() => document.getElementById("arena")?.clientWidth ?? 0);
      const { drawn, players } = await snapshot(page);
      expect(drawn.map((d) => d.sessionId).sort()).toEqual(players.map((p) => p.sessionId).sort());
      for (const { label } of drawn) {
        expect(label.left).toBeGreaterThanOrEqual(0);
        expect(label.left + label.width).toBeLessThanOrEqual(width);
      }
    }

    // Alice's disc, on screen with the panel over it and without: still her colour, not the panel's grey.
    const aliceId = (await snapshot(alice)).sessionId;
    const disc = (await snapshot(alice)).drawn.find((d) => d.sessionId === aliceId);
    if (disc === undefined) throw new Error("Alice was not drawn");
    const panel = await alice.locator("#chat").boundingBox();
    if (panel === null) throw new Error("no chat panel");
    expect(disc.x).toBeGreaterThan(panel.x);
    expect(disc.y).toBeGreaterThan(panel.y);
    expect(disc.y).toBeLessThan(panel.y + panel.height);
    const withPanel = await chroma(alice, disc.x, disc.y);
    await alice.evaluate(() => document.getElementById("chat")?.style.setProperty("visibility", "hidden"));
    const withoutPanel = await chroma(alice, disc.x, disc.y);
    await alice.evaluate(() => document.getElementById("chat")?.style.removeProperty("visibility"));
    await alice.screenshot({ path: path.join(ARTIFACTS, "edges-under-chat.png") });
    expect(withoutPanel).toBeGreaterThan(60); // a coloured disc
    expect(withPanel).toBeGreaterThanOrEqual(withoutPanel * 0.5);
  }, 90_000);

  it("says in plain words when Quick play cannot reach the server", async () => {
    // The page is served through a relay; closing the relay is the server going away, as far as the page can tell.
    const relay = await TcpProxy.start(ts.port);
    const page = await joinAs(browser, `http://127.0.0.1:${relay.port}`, "Eve");
    await page.click("#hud-leave");
    await page.locator("#start").waitFor({ state: "visible" });
    relay.drop();
    await relay.close();
    const message = page.locator("#start-message");
    // With a guest token kept (straight to matchmaking), then without one (the token request fails first).
    for (const clearStorage of [false, true]) {
      if (clearStorage) await page.evaluate(() => localStorage.clear());
      await page.click("#quick-play");
      await message.waitFor({ state: "visible" });
      expect(await message.textContent()).toBe(UNREACHABLE_MESSAGE);
      await page.evaluate(() => document.getElementById("start-message")?.setAttribute("hidden", ""));
    }
    await page.close();
  });

  it('turns "link copied" back into "share"', async () => {
    await bob.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: ts.httpUrl });
    await bob.bringToFront();
    await bob.click("#hud-share");
    await bob.waitForFunction(() => document.getElementById("hud-share")?.textContent === "link copied");
    await bob.waitForFunction(() => document.getElementById("hud-share")?.textContent === "share");
    expect(await bob.evaluate(() => navigator.clipboard.readText())).toBe(`${ts.httpUrl}/?room=${roomId}`);
  });

  let mo: Page;

  it("keeps the operator token behind an operator toggle", async () => {
    const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 600 });
    const { token } = await tokens.issue({ playerId: "p_mo", name: "Mo", role: "moderator" });
    mo = await joinAs(browser, ts.httpUrl, "ignored", roomId, async (page) => {
      expect(await page.getByText("Operator token").isVisible()).toBe(false);
      expect(await page.locator("#operator-token").isVisible()).toBe(false);
      await page.click("#operator-toggle");
      await page.fill("#operator-token", token);
      await page.locator("#operator-token").dispatchEvent("change");
    });
    expect((await self(mo)).role).toBe("moderator");
    // A saved token shows the section by itself next time the page opens.
    await mo.click("#hud-leave");
    await mo.goto(ts.httpUrl);
    expect(await mo.locator("#operator-token").isVisible()).toBe(true);
    expect(await mo.locator("#operator-token").getAttribute("placeholder")).toBe("saved (moderator)");
    await mo.locator(`#room-list li[data-room-id="${roomId}"] button`).click();
    await mo.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
  });

  it("lists who is in the room from the HUD: name, role badge, connection, own RTT", async () => {
    const carol = await joinAs(browser, ts.httpUrl, "Carol", roomId);
    const carolId = (await snapshot(carol)).sessionId;
    await bob.bringToFront();
    const list = bob.locator("#player-list");
    expect(await list.isVisible()).toBe(false);
    await bob.click("#hud-players");
    await list.waitFor({ state: "visible" });
    const row = (name: string) => bob.locator("#player-list li", { has: bob.locator(".name", { hasText: name }) });
    await row("Carol").waitFor();
    expect(await bob.locator("#player-list li .name").allTextContents()).toEqual(["Bob", LONG_NAME, "Carol", "Mo"]);
    expect(await row("Mo").locator(".badge").textContent()).toBe("mod");
    expect(await row("Carol").locator(".badge").count()).toBe(0);
    expect(await row("Bob").locator(".you").count()).toBe(1);
    await bob.waitForFunction(() => /^\d+ ms$/.test(document.querySelector("#player-list li .rtt")?.textContent ?? ""));
    expect(await row("Carol").locator(".state").textContent()).toBe("connected");

    // Carol's tab closes without leaving: the server holds her seat, the list says so.
    await carol.close();
    await bob.locator(`#player-list li[data-session-id="${carolId}"][data-state="connection lost"]`).waitFor();
    await bob.click("#player-list-close");
    expect(await list.isVisible()).toBe(false);
  });
});

/** The colourfulness (max − min of R, G, B) of the screen around (x, y) in CSS pixels, as the player sees it. */
async function chroma(page: Page, x: number, y: number): Promise<number> {
  const png = await page.screenshot({ clip: { x: x - 2, y: y - 2, width: 4, height: 4 } });
  return page.evaluate(async (base64) => {
    const image = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext("2d");
    if (ctx === null) throw new Error("no 2d context");
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, image.width, image.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
      sum += Math.max(r, g, b) - Math.min(r, g, b);
    }
    return sum / (data.length / 4);
  }, png.toString("base64"));
}
