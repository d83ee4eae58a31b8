import { copyFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import type { WorldRoom } from "../../server/rooms/WorldRoom.ts";
import { ARENA_BOUNDS } from "../../shared/index.ts";
import { joinArena, type GuestPlayer } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot } from "./browser.ts";

/** A phone as playwright describes one: portrait, touch, 3 device pixels per CSS pixel. */
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 };
/** UPDATE_SCREENSHOTS=1 also copies the screenshots over the ones under docs/ (README, docs). */
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === "1";

interface Box {
  name: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

describeBrowser("a phone in portrait", () => {
  let ts: TestServer;
  let browser: Browser;
  let arena: ArenaRoom;
  let context: BrowserContext;
  let phone: Page;
  let bob: Page;
  const guests: GuestPlayer[] = [];

  beforeAll(async () => {
    const clientDir = await buildClient();
    ts = await startTestServer({ client: { mode: "static", dir: clientDir } });
    browser = await launchBrowser();
    arena = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    context = await browser.newContext(PHONE);
    phone = await context.newPage();
    phone.on("pageerror", (error) => {
      throw new Error(`page error on the phone: ${error.message}`);
    });
    await phone.goto(`${ts.httpUrl}/?room=${arena.roomId}`);
    await phone.fill("#name-input", "Phoebe");
    await phone.tap("#quick-play");
    await phone.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    bob = await joinAs(browser, ts.httpUrl, "Bob", arena.roomId);
    await phone.waitForFunction(() => window.__tickwire?.snapshot().players.length === 2);
  }, 60_000);

  afterAll(async () => {
    await phone?.screenshot({ path: path.join(ARTIFACTS, "phone-end.png") });
    for (const guest of guests) await guest.room.leave();
    await browser?.close();
    await ts?.close();
  });

  function place(room: ArenaRoom | WorldRoom, sessionId: string, at: { x: number; y: number }): void {
    const player = room.state.players.get(sessionId);
    if (player === undefined) throw new Error(`no player ${sessionId}`);
    Object.assign(player, at);
  }

  it("fills the width: the arena under a one-row HUD, chat and joystick below it, nothing overlapping", async () => {
    const view = (await snapshot(phone)).view;
    if (view === undefined) throw new Error("nothing drawn");
    const play = playArea(view.camera);
    // The arena spans the screen's width (no ~210 px strip boxed in margins).
    expect(play.right - play.left).toBeGreaterThanOrEqual(370);
    const hud = await hudRow(phone);
    // One row: every pill of the HUD on the same line.
    expect(hud.rows, "the HUD fits in one row").toBe(1);
    const chat = await boxOf(phone, "#chat");
    const joystick = await boxOf(phone, "#joystick");
    expectApart([hud.box, chat, joystick, play]);
    for (const box of [hud.box, chat, joystick, play]) expect(inside(box, PHONE.viewport), box.name).toBe(true);
    // The discs are big enough to see (≥ 10 CSS px across).
    for (const drawn of view.drawn) expect(drawn.radius * 2).toBeGreaterThanOrEqual(10);
  });

  it("every button is at least 44×44 CSS px, and no text is cut (the chat placeholder neither)", async () => {
    const small = await phone.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>("#game button, #joystick")]
        .filter((b) => b.offsetParent !== null)
        .map((b) => ({ id: b.id || b.className, ...b.getBoundingClientRect().toJSON() }) as Record<string, number>)
        .filter((b) => (b.width ?? 0) < 44 || (b.height ?? 0) < 44),
    );
    expect(small).toEqual([]);
    const cut = await phone.evaluate(() => {
      const out: string[] = [];
      const input = document.getElementById("chat-input") as HTMLInputElement;
      const style = getComputedStyle(input);
      const context = document.createElement("canvas").getContext("2d");
      if (context === null) throw new Error("no canvas");
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (context.measureText(input.placeholder).width > room) out.push(`placeholder "${input.placeholder}"`);
      if (input.scrollWidth > input.clientWidth) out.push("chat input scrolls");
      for (const pill of document.querySelectorAll<HTMLElement>("#hud .pill"))
        if (pill.offsetParent !== null && pill.scrollWidth > pill.clientWidth) out.push(`HUD ${pill.id}`);
      return out;
    });
    expect(cut).toEqual([]);
  });

  it("the player list and the controls hint open below the HUD row, not over it", async () => {
    const hud = await hudRow(phone);
    const hint = phone.locator("#controls-hint");
    // A first join on this phone shows the hint.
    expect(await hint.isVisible()).toBe(true);
    expectApart([hud.box, await boxOf(phone, "#controls-hint")]);
    await phone.tap("#hud-players");
    await phone.locator("#player-list").waitFor({ state: "visible" });
    expectApart([hud.box, await boxOf(phone, "#player-list")]);
    await phone.tap("#player-list-close");
    await phone.locator("#player-list").waitFor({ state: "hidden" });
  });

  it("dragging the on-screen joystick with a finger moves the player", async () => {
    const me = (await snapshot(phone)).players.find((p) => p.self);
    const box = await phone.locator("#joystick").boundingBox();
    if (me === undefined || box === null) throw new Error("no player or joystick");
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const towards = me.x > ARENA_BOUNDS.width / 2 ? -1 : 1;
    const cdp = await context.newCDPSession(phone);
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", points: { x: number; y: number }[]) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });
    await touch("touchStart", [{ x, y }]);
    await touch("touchMove", [{ x: x + (towards * box.width) / 4, y }]);
    await touch("touchMove", [{ x: x + (towards * box.width) / 2, y }]);
    await phone.waitForFunction(
      ({ from, towards }) => {
        const p = window.__tickwire?.snapshot().players.find((q) => q.self);
        return p !== undefined && (p.serverX - from) * towards >= 60;
      },
      { from: me.x, towards },
    );
    await touch("touchEnd", []);
    await cdp.detach();
  });

  it("a line typed on the phone reaches Bob; a screenshot of the phone in the arena", async () => {
    await phone.tap("#chat-input");
    await phone.keyboard.type("hello from a phone");
    await phone.keyboard.press("Enter");
    await bob.locator("#chat-log li", { hasText: "hello from a phone" }).waitFor();
    // A few more players, spread out, and a reply, for the picture.
    const spots = [
      { name: "Ada", x: 300, y: 220 },
      { name: "Linus", x: 1250, y: 300 },
      { name: "Grace", x: 520, y: 680 },
    ];
    for (const spot of spots) guests.push(await joinArena(ts, arena.roomId, { name: spot.name }));
    guests.forEach((guest, i) => place(arena, guest.room.sessionId, spots[i] as { x: number; y: number }));
    place(arena, (await snapshot(phone)).sessionId ?? "", { x: 820, y: 470 });
    place(arena, (await snapshot(bob)).sessionId ?? "", { x: 1100, y: 640 });
    await phone.waitForFunction(() => window.__tickwire?.snapshot().view?.drawn.length === 5);
    guests[0]?.room.send("chat", { text: "welcome, Phoebe!" });
    await phone.locator("#chat-log li", { hasText: "welcome, Phoebe!" }).waitFor();
    const shot = path.join(ARTIFACTS, "screenshot-phone.png");
    await phone.screenshot({ path: shot });
    if (UPDATE_DOCS) await copyFile(shot, path.resolve("docs", "screenshot-phone.png"));
  });

  it("the chat collapses to one line with a toggle, and stays collapsed on the next join", async () => {
    const toggle = phone.locator("#chat-toggle");
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await phone.tap("#chat-toggle");
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await phone.locator("#chat-log").isVisible()).toBe(false);
    const chat = await boxOf(phone, "#chat");
    // One line: the input row only (a 44 px target plus its border).
    expect(chat.bottom - chat.top).toBeLessThanOrEqual(52);
    // Remembered: leave, come back, still one line.
    await phone.tap("#hud-leave");
    await phone.locator("#start").waitFor({ state: "visible" });
    await phone.locator(`#room-list li[data-room-id="${arena.roomId}"] button`).tap();
    await phone.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await phone.locator("#chat-log").isVisible()).toBe(false);
    // And the collapsed line still sends.
    await phone.tap("#chat-input");
    await phone.keyboard.type("still here");
    await phone.keyboard.press("Enter");
    await bob.locator("#chat-log li", { hasText: "still here" }).waitFor();
    await phone.tap("#chat-toggle");
    expect(await phone.locator("#chat-log").isVisible()).toBe(true);
  });

  it("in the open world: HUD row, chat, joystick and minimap stay apart", async () => {
    const world = await ts.colyseus.createRoom<WorldRoom>("world", {});
    const page = await context.newPage();
    await page.goto(`${ts.httpUrl}/?room=${world.roomId}`);
    // The name is remembered from the first join on this phone: the link joins at once.
    await page.waitForFunction(() => window.__tickwire?.snapshot().view?.kind === "world");
    const hud = await hudRow(page);
    expect(hud.rows).toBe(1);
    const boxes = [hud.box, await boxOf(page, "#chat"), await boxOf(page, "#joystick"), await boxOf(page, "#minimap")];
    expectApart(boxes);
    for (const box of boxes) expect(inside(box, PHONE.viewport), box.name).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "phone-world.png") });
    await page.close();
  });

  it("in landscape: the arena beside the joystick, the HUD one row, touch-sized buttons", async () => {
    const landscape = await browser.newContext({ ...PHONE, viewport: { width: 844, height: 390 } });
    const page = await landscape.newPage();
    await page.goto(`${ts.httpUrl}/?room=${arena.roomId}`);
    await page.fill("#name-input", "Lana");
    await page.tap("#quick-play");
    await page.waitForFunction(() => window.__tickwire?.snapshot().view?.layout === "aside");
    const view = (await snapshot(page)).view;
    if (view === undefined) throw new Error("nothing drawn");
    const hud = await hudRow(page);
    expect(hud.rows).toBe(1);
    expectApart([hud.box, await boxOf(page, "#joystick"), playArea(view.camera)]);
    const small = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>("#hud button, #chat button")]
          .map((b) => b.getBoundingClientRect())
          .filter((b) => b.width < 44 || b.height < 44).length,
    );
    expect(small).toBe(0);
    await landscape.close();
  });

  it("the README's screenshot: five players in the arena at 1280×800, chatting", async () => {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const room = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const alice = await desktop.newPage();
    await alice.goto(ts.httpUrl);
    await alice.fill("#name-input", "Alice");
    await alice.locator(`#room-list li[data-room-id="${room.roomId}"] button`).click();
    await alice.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    await alice.click("#controls-hint-close");
    const bobby = await joinAs(browser, ts.httpUrl, "Bob", room.roomId);
    const spots = [
      { name: "Dana", x: 270, y: 280 },
      { name: "Chen", x: 930, y: 210 },
      { name: "Émile", x: 900, y: 360 },
    ];
    const extra: GuestPlayer[] = [];
    for (const spot of spots) extra.push(await joinArena(ts, room.roomId, { name: spot.name }));
    extra.forEach((guest, i) => place(room, guest.room.sessionId, spots[i] as { x: number; y: number }));
    place(room, (await snapshot(bobby)).sessionId ?? "", { x: 700, y: 500 });
    place(room, (await snapshot(alice)).sessionId ?? "", { x: 1080, y: 570 });
    await bobby.locator("#chat-input").fill("gg, nice dodge");
    await bobby.keyboard.press("Enter");
    extra[0]?.room.send("chat", { text: "rematch?" });
    await alice.locator("#chat-log li", { hasText: "rematch?" }).waitFor();
    await alice.locator("#chat-input").fill("<b>not bold</b> — chat is plain text");
    await alice.keyboard.press("Enter");
    await alice.locator("#chat-log li", { hasText: "not bold" }).waitFor();
    await alice.waitForFunction(() => window.__tickwire?.snapshot().view?.drawn.length === 5);
    await alice.waitForFunction(() => /RTT \d+ ms/.test(document.getElementById("hud-rtt")?.textContent ?? ""));
    const shot = path.join(ARTIFACTS, "screenshot.png");
    await alice.screenshot({ path: shot });
    if (UPDATE_DOCS) await copyFile(shot, path.resolve("docs", "screenshot.png"));
    for (const guest of extra) await guest.room.leave();
    await desktop.close();
    await bobby.close();
  });
});

/** The arena's play area on the screen, from the camera the last frame used. */
function playArea(camera: { scale: number; offsetX: number; offsetY: number }): Box {
  return {
    name: "arena",
    left: camera.offsetX,
    top: camera.offsetY,
    right: camera.offsetX + ARENA_BOUNDS.width * camera.scale,
    bottom: camera.offsetY + ARENA_BOUNDS.height * camera.scale,
  };
}

async function boxOf(page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`${selector} is not shown`);
  return { name: selector, left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height };
}

/** The HUD's visible pills: the box around them and how many rows they take. */
async function hudRow(page: Page): Promise<{ box: Box; rows: number }> {
  const pills = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("#hud > *")]
      .filter((p) => p.offsetParent !== null)
      .map((p) => p.getBoundingClientRect().toJSON() as { left: number; top: number; right: number; bottom: number }),
  );
  if (pills.length === 0) throw new Error("no HUD");
  const box = {
    name: "HUD row",
    left: Math.min(...pills.map((p) => p.left)),
    top: Math.min(...pills.map((p) => p.top)),
    right: Math.max(...pills.map((p) => p.right)),
    bottom: Math.max(...pills.map((p) => p.bottom)),
  };
  // A pill starts a new row when it begins below the previous row's bottom (pills of one row differ in height).
  let rows = 0;
  let rowBottom = -Infinity;
  for (const pill of [...pills].sort((a, b) => a.top - b.top)) {
    if (pill.top >= rowBottom - 1) rows++;
    rowBottom = rows > 0 && pill.top >= rowBottom - 1 ? pill.bottom : Math.max(rowBottom, pill.bottom);
  }
  return { box, rows };
}

/** Boxes that touch do not overlap; nor do they for a rounding error (the camera's offsets are fractional). */
function overlaps(a: Box, b: Box): boolean {
  const e = 0.5;
  return a.left < b.right - e && b.left < a.right - e && a.top < b.bottom - e && b.top < a.bottom - e;
}

function inside(box: Box, screen: { width: number; height: number }): boolean {
  return box.left >= 0 && box.top >= 0 && box.right <= screen.width && box.bottom <= screen.height;
}

function expectApart(boxes: Box[]): void {
  const clashes: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i] as Box, boxes[j] as Box];
      if (overlaps(a, b)) clashes.push(`${a.name} × ${b.name}`);
    }
  expect(clashes).toEqual([]);
}
