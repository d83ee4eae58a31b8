import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot } from "./browser.ts";

describeBrowser("two players in a real browser", () => {
  let ts: TestServer;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let roomId: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    const clientDir = await buildClient();
    ts = await startTestServer({ client: { mode: "static", dir: clientDir } });
    browser = await launchBrowser();
    alice = await joinAs(browser, ts.httpUrl, "Alice");
    roomId = (await snapshot(alice)).roomId ?? "";
    bob = await joinAs(browser, ts.httpUrl, "Bob", roomId);
    for (const page of [alice, bob])
      page.on("dialog", (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    // Bob sees both players before anything else happens.
    await bob.waitForFunction(() => window.__tickwire?.snapshot().players.length === 2);
  }, 60_000);

  afterAll(async () => {
    await alice?.screenshot({ path: path.join(ARTIFACTS, "alice.png") });
    await bob?.screenshot({ path: path.join(ARTIFACTS, "bob.png") });
    await browser?.close();
    await ts?.close();
  });

  it("both pages are in the same room, each highlighting itself", async () => {
    const [a, b] = [await snapshot(alice), await snapshot(bob)];
    expect(b.roomId).toBe(a.roomId);
    expect(a.players.find((p) => p.self)?.name).toBe("Alice");
    expect(b.players.find((p) => p.self)?.name).toBe("Bob");
    expect(b.players.find((p) => !p.self)?.name).toBe("Alice");
  });

  it("holding a key in Alice's page moves Alice in Bob's view", async () => {
    const aliceId = (await snapshot(alice)).sessionId;
    const before = (await snapshot(bob)).players.find((p) => p.sessionId === aliceId);
    if (before === undefined) throw new Error("Bob does not see Alice");
    const key = before.x > 800 ? "KeyA" : "KeyD";
    const sign = key === "KeyA" ? -1 : 1;
    await alice.bringToFront();
    await alice.keyboard.down(key);
    // Wait until Bob's interpolated view of Alice has moved 120 units, then release.
    await bob.waitForFunction(
      ({ id, from, sign }) => {
        const p = window.__tickwire?.snapshot().players.find((q) => q.sessionId === id);
        return p !== undefined && (p.x - from) * sign >= 120;
      },
      { id: aliceId, from: before.x, sign },
    );
    await alice.keyboard.up(key);
    // After the movement stops, Alice's prediction settles on the server's position once every input she sent has
    // been applied (her reconciler has nothing pending); that is the final position.
    await alice.waitForFunction(() => {
      const me = window.__tickwire?.snapshot().players.find((p) => p.self);
      return me !== undefined && Math.abs(me.x - me.serverX) < 0.01;
    });
    const finalX = (await snapshot(alice)).players.find((p) => p.self)?.serverX;
    // Bob's view settles on that same authoritative position. (Waiting for Bob's x to equal his serverX alone could
    // match mid-movement, between two patches, on a loaded machine: seen once as 1354 against Alice's final 1374.)
    await bob.waitForFunction(
      ({ id, finalX }) => {
        const p = window.__tickwire?.snapshot().players.find((q) => q.sessionId === id);
        return p !== undefined && p.serverX === finalX && p.x === p.serverX;
      },
      { id: aliceId, finalX },
    );
    const seenByBob = (await snapshot(bob)).players.find((p) => p.sessionId === aliceId);
    const seenByAlice = (await snapshot(alice)).players.find((p) => p.self);
    expect(((seenByBob?.x ?? 0) - before.x) * sign).toBeGreaterThanOrEqual(120);
    expect(seenByBob?.y).toBe(before.y);
    expect(seenByAlice?.serverX).toBe(seenByBob?.serverX);
  });

  it("a chat line typed by Alice appears in Bob's chat as literal text, creating no element", async () => {
    const hostile = "<img src=x onerror=alert(1)>";
    await alice.bringToFront();
    await alice.keyboard.press("Enter"); // focuses the chat input
    await alice.keyboard.type(hostile);
    await alice.keyboard.press("Enter");
    const line = bob.locator("#chat-log li", { hasText: hostile });
    await line.waitFor();
    expect(await line.locator(".name").textContent()).toBe("Alice");
    expect(await line.locator(".text").textContent()).toBe(hostile);
    expect(await bob.locator("#chat-log img").count()).toBe(0);
    expect(await alice.locator("#chat-log img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("typing in chat does not move the player", async () => {
    const before = (await snapshot(alice)).players.find((p) => p.self);
    await alice.bringToFront();
    await alice.locator("#chat-input").focus();
    await alice.keyboard.type("wasd dddd");
    await alice.keyboard.press("Enter");
    await bob.locator("#chat-log li", { hasText: "wasd dddd" }).waitFor();
    const after = (await snapshot(alice)).players.find((p) => p.self);
    expect({ x: after?.serverX, y: after?.serverY }).toEqual({ x: before?.serverX, y: before?.serverY });
  });

  it("shows join notices and the connection state in the HUD", async () => {
    expect(await alice.locator("#chat-log li.system", { hasText: "Bob joined." }).count()).toBe(1);
    expect(await bob.locator("#hud-connection").textContent()).toBe("connected");
    await bob.waitForFunction(() => /RTT \d+ ms/.test(document.getElementById("hud-rtt")?.textContent ?? ""));
    expect(await bob.locator("#hud-players").textContent()).toBe("2 players");
  });

  it("shows a rejected line's reason under the input, to the sender only", async () => {
    await alice.bringToFront();
    await alice.locator("#chat-input").fill("x".repeat(300));
    await alice.keyboard.press("Enter");
    const notice = alice.locator("#chat-notice");
    await notice.waitFor({ state: "visible" });
    expect(await notice.textContent()).toContain("280");
    expect(await bob.locator("#chat-notice").isVisible()).toBe(false);
  });

  it("gives a late joiner the chat history and tells the others", async () => {
    const carol = await joinAs(browser, ts.httpUrl, "Carol", roomId);
    await carol.locator("#chat-log li", { hasText: "<img src=x onerror=alert(1)>" }).waitFor();
    await alice.locator("#chat-log li.system", { hasText: "Carol joined." }).waitFor();
    await carol.click("#hud-leave");
    await carol.locator("#start").waitFor({ state: "visible" });
    expect(await carol.locator("#start-message").isVisible()).toBe(false); // leaving on purpose is not an error
    await alice.locator("#chat-log li.system", { hasText: "Carol left." }).waitFor();
    await carol.close();
  });

  it("works on a phone-sized touch screen with the on-screen joystick", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const phone = await context.newPage();
    await phone.goto(`${ts.httpUrl}/?room=${roomId}`);
    // A new player on a share link is asked for a name first.
    await phone.fill("#name-input", "Phoebe");
    await phone.click("#quick-play");
    await phone.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    const joystick = phone.locator("#joystick");
    expect(await joystick.isVisible()).toBe(true);
    const me = (await snapshot(phone)).players.find((p) => p.self);
    const box = await joystick.boundingBox();
    if (me === undefined || box === null) throw new Error("no player or joystick");
    const centreX = box.x + box.width / 2;
    const centreY = box.y + box.height / 2;
    const towards = me.y > 450 ? -1 : 1;
    await phone.mouse.move(centreX, centreY);
    await phone.mouse.down();
    await phone.mouse.move(centreX, centreY + (towards * box.height) / 2);
    await phone.waitForFunction(
      ({ from, towards }) => {
        const p = window.__tickwire?.snapshot().players.find((q) => q.self);
        return p !== undefined && (p.serverY - from) * towards >= 40;
      },
      { from: me.y, towards },
    );
    await phone.mouse.up();
    await phone.screenshot({ path: path.join(ARTIFACTS, "phone.png") });
    await context.close();
  });
});
