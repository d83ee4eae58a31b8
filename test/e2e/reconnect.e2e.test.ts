import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { TcpProxy } from "../helpers/tcpProxy.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot, walkUntilSeen } from "./browser.ts";

/**
 * Alice plays through a TCP proxy that can cut her connection the way a
 * network does (no close frame, no FIN to the server); Bob plays direct.
 * The server notices through its heartbeat (300 ms here, so in about a second).
 */
describeBrowser("losing the connection in a real browser", () => {
  let ts: TestServer;
  let proxy: TcpProxy;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let roomId: string;

  beforeAll(async () => {
    const clientDir = await buildClient();
    ts = await startTestServer({
      client: { mode: "static", dir: clientDir },
      net: { heartbeatIntervalMs: 300, heartbeatMaxMissed: 2 },
      arena: { reconnectGraceSeconds: 3 },
    });
    proxy = await TcpProxy.start(ts.port);
    browser = await launchBrowser();
    alice = await joinAs(browser, `http://127.0.0.1:${proxy.port}`, "Alice");
    roomId = (await snapshot(alice)).roomId ?? "";
    bob = await joinAs(browser, ts.httpUrl, "Bob", roomId);
  }, 60_000);

  let serverClosed = false;

  afterAll(async () => {
    await alice?.screenshot({ path: path.join(ARTIFACTS, "reconnect-alice.png") });
    await browser?.close();
    await proxy?.close();
    if (!serverClosed) await ts?.close();
  });

  /** Walk Alice right (or left) until Bob has seen her cover `distance`; returns her settled position. */
  const walk = (distance: number): Promise<{ x: number; y: number }> => walkUntilSeen(alice, bob, distance);

  it("a cut connection comes back as the same player, at the same place, with the chat it missed", async () => {
    // Walking takes over a second: the SDK only reconnects rooms it has been in for a while (minUptime).
    const before = await walk(250);
    const { sessionId } = await snapshot(alice);

    // The network goes down and stays down until the server has noticed (its heartbeat) and Bob has
    // seen it; a reconnection faster than that would be invisible to Bob, which is fine, but untestable.
    proxy.refuse(true);
    proxy.sever();
    // Polled on a timer, not per animation frame: the state may last well under a second.
    await alice.waitForFunction(() => window.__tickwire?.snapshot().connection === "reconnecting", null, {
      polling: 20,
    });
    // Bob sees Alice held in place as disconnected, and says something she is not there to receive.
    await bob.waitForFunction(
      (id) => window.__tickwire?.snapshot().players.find((p) => p.sessionId === id)?.connected === false,
      sessionId,
    );
    await bob.locator("#chat-log li.system", { hasText: "Alice lost their connection." }).waitFor();
    await bob.bringToFront();
    await bob.locator("#chat-input").fill("said while you were away");
    await bob.keyboard.press("Enter");
    await bob.locator("#chat-log li", { hasText: "said while you were away" }).waitFor();
    proxy.refuse(false);

    await alice.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
    const after = await snapshot(alice);
    expect(after.sessionId).toBe(sessionId);
    const me = after.players.find((p) => p.self);
    expect({ x: me?.serverX, y: me?.serverY }).toEqual(before);
    await alice.locator("#chat-log li", { hasText: "said while you were away" }).waitFor();
    await bob.locator("#chat-log li.system", { hasText: "Alice is back." }).waitFor();
    // The debug snapshot is what the last animation frame drew: it may trail the chat notice by a frame.
    await bob.waitForFunction(
      (id) => window.__tickwire?.snapshot().players.find((p) => p.sessionId === id)?.connected === true,
      sessionId,
    );
  });

  it("a player who cannot get back in returns to the start screen with a clear message", async () => {
    await walk(250); // be in the room long enough to be reconnectable again
    const { sessionId } = await snapshot(alice);
    proxy.refuse(true);
    proxy.sever();
    // The server gives up on her after the grace period (3 s here)…
    await bob.waitForFunction(
      (id) => !(window.__tickwire?.snapshot().players.some((p) => p.sessionId === id) ?? true),
      sessionId,
      { timeout: 15_000 },
    );
    // …so when her network is back, the reconnection is refused and the client says so.
    proxy.refuse(false);
    await alice.locator("#start").waitFor({ state: "visible", timeout: 15_000 });
    expect(await alice.locator("#start-message").textContent()).toMatch(/lost the connection/i);
  }, 40_000);

  it("a server shutdown is announced and leads back to the start screen with the reason", async () => {
    serverClosed = true;
    await ts.close();
    await bob.locator("#start").waitFor({ state: "visible" });
    expect(await bob.locator("#start-message").textContent()).toMatch(/restarting/i);
  });
});
