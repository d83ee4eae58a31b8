import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DebugSnapshot } from "../../client/debug.ts";
import type { WorldRoom } from "../../server/rooms/WorldRoom.ts";
import { MAX_STEP_DISTANCE, PLAYER_SPEED } from "../../shared/index.ts";
import { joinArena, type GuestPlayer } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ARTIFACTS, buildClient, describeBrowser, launchBrowser, snapshot } from "./browser.ts";

/** The defaults (WORLD_SIZE, VIEW_RADIUS, VIEW_MARGIN): the world a player meets. */
const SIZE = 4000;
const VIEW_RADIUS = 400;
/** The walk: along y = WALK_Y from START_X to END_X, 2,000 units (10 s at PLAYER_SPEED). */
const WALK_Y = 2000;
const START_X = 400;
const END_X = 2400;
/** Near stands 150 below the path: in view from x ≈ 1030 (400 away) until x ≈ 1877 (500 away, the margin). */
const NEAR = { x: 1400, y: WALK_Y + 150 };
/** Far stands in the opposite corner: never within any view radius of the walk. */
const FAR = { x: 3600, y: 400 };

/** One animation frame as the page's debug hook reports it, stamped with the page's clock. */
interface Sample {
  at: number;
  snap: DebugSnapshot;
}

describeBrowser("the open world in a real browser", () => {
  let ts: TestServer;
  let browser: Browser;
  let server: WorldRoom;
  let near: GuestPlayer;
  let far: GuestPlayer;
  let walker: Page;

  beforeAll(async () => {
    const clientDir = await buildClient();
    ts = await startTestServer({ client: { mode: "static", dir: clientDir } });
    browser = await launchBrowser();
    server = await ts.colyseus.createRoom<WorldRoom>("world", {});
    near = await joinArena(ts, server.roomId, { name: "Near" });
    far = await joinArena(ts, server.roomId, { name: "Far" });
    place(near.room.sessionId, NEAR);
    place(far.room.sessionId, FAR);
  }, 60_000);

  afterAll(async () => {
    await near?.room.leave();
    await far?.room.leave();
    await browser?.close();
    await ts?.close();
  });

  function place(sessionId: string, at: { x: number; y: number }): void {
    const player = server.state.players.get(sessionId);
    if (player === undefined) throw new Error(`no player ${sessionId} in the world`);
    Object.assign(player, at);
  }

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (error) => {
      throw new Error(`page error: ${error.message}`);
    });
    return page;
  }

  it("the start screen lists the open world with its population; its button puts the player in it", async () => {
    walker = await newPage();
    await walker.goto(ts.httpUrl);
    await walker.fill("#name-input", "Walker");
    const row = walker.locator('#room-list li[data-kind="world"]');
    await expect.poll(() => row.locator(".id").textContent(), { timeout: 10_000 }).toBe("Open world");
    // Near and Far are in it.
    expect(await row.locator(".count").textContent()).toBe("2/2500");
    await row.locator("button").click();
    await walker.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    const seen = await snapshot(walker);
    expect(seen.roomId).toBe(server.roomId);
    expect(seen.view?.kind).toBe("world");
  });

  it("/?room=world joins the open world, as a share link would", async () => {
    const page = await newPage();
    await page.goto(`${ts.httpUrl}/?room=world`);
    // A browser that has never played is asked for a name first, invited to the open world.
    const invite = page.locator("#invite");
    await invite.waitFor({ state: "visible" });
    expect(await invite.textContent()).toContain("open world");
    await page.fill("#name-input", "Linda");
    await page.click("#quick-play");
    await page.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    const seen = await snapshot(page);
    expect(seen.roomId).toBe(server.roomId);
    expect(seen.view?.kind).toBe("world");
    expect(new URL(page.url()).searchParams.get("room")).toBe(server.roomId);
    // Leave on purpose: a closed page would leave a seat held for reconnection in the world.
    await page.click("#hud-leave");
    await page.waitForFunction(() => window.__tickwire?.snapshot().screen === "start");
    await page.close();
  });

  it("walking across the map: the camera keeps the player on screen, far players are never drawn, nearby ones fade in and out, the minimap follows, no correction beyond one step", async () => {
    const sessionId = (await snapshot(walker)).sessionId ?? "";
    place(sessionId, { x: START_X, y: WALK_Y });
    // The page holds the placed position, predicted and authoritative alike.
    await walker.waitForFunction(
      ({ x, y }) => {
        const me = window.__tickwire?.snapshot().players.find((p) => p.self);
        return me !== undefined && me.serverX === x && me.serverY === y && me.x === x && me.y === y;
      },
      { x: START_X, y: WALK_Y },
    );

    // Record every animation frame's snapshot in the page, from before the key goes down.
    await walker.evaluate(() => {
      const samples: Array<{ at: number; snap: DebugSnapshot }> = [];
      (window as unknown as { __samples: typeof samples }).__samples = samples;
      let last = -1;
      const record = (at: number): void => {
        const snap = window.__tickwire?.snapshot();
        if (snap !== undefined && snap.frames !== last) {
          last = snap.frames;
          samples.push({ at, snap });
        }
        requestAnimationFrame(record);
      };
      requestAnimationFrame(record);
    });
    await walker.keyboard.down("KeyD");
    await walker.waitForFunction(
      (endX) => (window.__tickwire?.snapshot().players.find((p) => p.self)?.serverX ?? 0) >= endX,
      END_X,
      { timeout: 30_000, polling: 100 },
    );
    await walker.keyboard.up("KeyD");
    await walker.waitForFunction(() => {
      const me = window.__tickwire?.snapshot().players.find((p) => p.self);
      return me !== undefined && me.x === me.serverX;
    });
    const samples = await walker.evaluate(
      () => (window as unknown as { __samples: Array<{ at: number; snap: DebugSnapshot }> }).__samples,
    );
    expect(samples.length).toBeGreaterThan(100);

    const nearId = near.room.sessionId;
    const farId = far.room.sessionId;
    const selfOf = (s: Sample) => s.snap.players.find((p) => p.self);
    const drawnOf = (s: Sample, id: string) => s.snap.view?.drawn.find((d) => d.sessionId === id);

    // The player walked the whole way, and every frame drew them inside the canvas.
    const final = selfOf(samples[samples.length - 1] as Sample);
    expect(final?.x).toBeGreaterThanOrEqual(END_X);
    expect(final?.y).toBe(WALK_Y);
    for (const s of samples) {
      const me = drawnOf(s, sessionId);
      const view = s.snap.view;
      expect(view?.kind).toBe("world");
      expect(me, `frame ${s.snap.frames}: the local player is drawn`).toBeDefined();
      if (me === undefined || view === undefined) continue;
      expect(me.x).toBeGreaterThanOrEqual(0);
      expect(me.x).toBeLessThanOrEqual(view.width);
      expect(me.y).toBeGreaterThanOrEqual(0);
      expect(me.y).toBeLessThanOrEqual(view.height);
    }

    // Prediction stays with the server: frame to frame, the local player moves no more than its speed allows over
    // the elapsed time plus one step (a correction would jump), and never off the path.
    let worst = 0;
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [selfOf(samples[i - 1] as Sample), selfOf(samples[i] as Sample)];
      if (a === undefined || b === undefined) continue;
      const elapsed = ((samples[i] as Sample).at - (samples[i - 1] as Sample).at) / 1000;
      const excess = Math.hypot(b.x - a.x, b.y - a.y) - PLAYER_SPEED * elapsed;
      worst = Math.max(worst, excess);
      expect(b.y, `frame ${(samples[i] as Sample).snap.frames}: off the path`).toBe(WALK_Y);
      expect(b.x, "never backwards").toBeGreaterThanOrEqual(a.x - MAX_STEP_DISTANCE);
    }
    expect(worst, "largest jump beyond the speed's reach, in units").toBeLessThanOrEqual(MAX_STEP_DISTANCE);

    // Far was never sent, so never drawn.
    for (const s of samples) {
      expect(s.snap.players.some((p) => p.sessionId === farId)).toBe(false);
      expect(drawnOf(s, farId)).toBeUndefined();
    }

    // Near came into view and left it: drawn fading in, then whole, then fading out after the server stopped
    // sending it, then not drawn at all.
    const nearAlpha = samples.map((s) => ({
      sent: s.snap.players.some((p) => p.sessionId === nearId),
      alpha: drawnOf(s, nearId)?.alpha,
    }));
    const firstDrawn = nearAlpha.findIndex((n) => n.alpha !== undefined);
    expect(firstDrawn, "Near was drawn at some point").toBeGreaterThan(0);
    expect(nearAlpha[firstDrawn]?.alpha).toBeLessThan(1);
    expect(nearAlpha.some((n) => n.alpha === 1)).toBe(true);
    const lastSent = nearAlpha.map((n) => n.sent).lastIndexOf(true);
    expect(lastSent).toBeLessThan(nearAlpha.length - 1);
    // The fade starts at the first frame without it (alpha 1 there) and falls every frame after.
    const fadingOut = nearAlpha.slice(lastSent + 1).flatMap((n) => (n.alpha === undefined ? [] : [n.alpha]));
    expect(fadingOut.length, "Near fades out after leaving the view").toBeGreaterThan(2);
    for (let i = 1; i < fadingOut.length; i++) expect(fadingOut[i]).toBeLessThan(fadingOut[i - 1] ?? 0);
    expect(nearAlpha[nearAlpha.length - 1]?.alpha, "and is gone at the end").toBeUndefined();

    // Entering and leaving a view is not joining or leaving the room: no such chat lines.
    const chat = await walker.locator("#chat-log").textContent();
    expect(chat).not.toMatch(/Near (joined|left)/);

    // The minimap shows the map, the local player, the view radius and exactly the players the server sends.
    for (const s of samples) {
      const minimap = s.snap.view?.minimap;
      const me = selfOf(s);
      expect(minimap).toBeDefined();
      if (minimap === undefined || me === undefined) continue;
      expect(minimap.dots).toBe(s.snap.players.length);
      expect(minimap.viewRadius).toBe(VIEW_RADIUS);
      expect(minimap.mapSize).toEqual({ width: SIZE, height: SIZE });
      expect(minimap.self).toEqual({ x: me.x, y: me.y });
    }
  }, 60_000);

  it("a screenshot of the world: players around, one chatting, the minimap", async () => {
    const sessionId = (await snapshot(walker)).sessionId ?? "";
    const centre = { x: NEAR.x - 180, y: WALK_Y };
    place(sessionId, centre);
    const others = [
      { name: "Ada", x: centre.x - 260, y: centre.y - 120 },
      { name: "Linus", x: centre.x + 90, y: centre.y - 230 },
      { name: "Grace", x: centre.x - 120, y: centre.y + 210 },
    ];
    const guests = await Promise.all(others.map((o) => joinArena(ts, server.roomId, { name: o.name })));
    guests.forEach((guest, i) => place(guest.room.sessionId, others[i] as { x: number; y: number }));
    const ids = [near.room.sessionId, ...guests.map((g) => g.room.sessionId)];
    // Everyone near is drawn whole (faded in).
    await walker.waitForFunction(
      (wanted) =>
        wanted.every((id) => window.__tickwire?.snapshot().view?.drawn.find((d) => d.sessionId === id)?.alpha === 1),
      ids,
    );
    guests[0]?.room.send("chat", { text: "the minimap shows who is near you" });
    await walker.locator("#chat-log li", { hasText: "the minimap shows" }).waitFor();
    await walker.screenshot({ path: path.join(ARTIFACTS, "world.png") });
    await Promise.all(guests.map((g) => g.room.leave()));
  });
});
