import { createHash, X509Certificate } from "node:crypto";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { certificateDir, type TestCertificate } from "../helpers/certificates.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ARTIFACTS, buildClient, describeBrowser, joinAs, launchBrowser, snapshot } from "./browser.ts";

/**
 * The page and its WebSocket over built-in TLS (TLS_CERT_FILE): Chromium
 * loads https://, joins over wss:// and moves. The throwaway certificate is
 * trusted by its public key alone (`--ignore-certificate-errors-spki-list`),
 * not by ignoring every certificate error: any other certificate still fails.
 */
describeBrowser("a browser over https:// and wss:// with no proxy", () => {
  let certs: Awaited<ReturnType<typeof certificateDir>>;
  let cert: TestCertificate;
  let ts: TestServer;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  const sockets: string[] = [];

  beforeAll(async () => {
    certs = await certificateDir();
    cert = await certs.create("server");
    const clientDir = await buildClient();
    ts = await startTestServer({
      client: { mode: "static", dir: clientDir },
      tls: { certFile: cert.certificate, keyFile: cert.key, redirectPort: undefined },
    });
    baseUrl = `https://localhost:${ts.port}`;
    const spki = new X509Certificate(cert.pem).publicKey.export({ type: "spki", format: "der" });
    const pin = createHash("sha256").update(spki).digest("base64");
    browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pin}`]);
    // Listening from the start screen on, before Quick play opens the room's socket.
    page = await joinAs(browser, baseUrl, "Alice", undefined, (start) => {
      start.on("websocket", (ws) => sockets.push(ws.url()));
      return Promise.resolve();
    });
  }, 60_000);

  afterAll(async () => {
    await page?.screenshot({ path: path.join(ARTIFACTS, "tls-alice.png") });
    await browser?.close();
    await ts?.close();
    await certs?.remove();
  });

  it("loads the page over https and joins over wss", async () => {
    expect(page.url()).toMatch(new RegExp(`^https://localhost:${ts.port}/`));
    const state = await snapshot(page);
    expect(state.connection).toBe("connected");
    expect(state.players.find((p) => p.self)?.name).toBe("Alice");
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of sockets) expect(url).toMatch(new RegExp(`^wss://localhost:${ts.port}/`));
  });

  it("holding a key moves the player's avatar on the server", async () => {
    const me = (await snapshot(page)).players.find((p) => p.self);
    if (me === undefined) throw new Error("no self");
    const key = me.serverX > 800 ? "KeyA" : "KeyD";
    const sign = key === "KeyA" ? -1 : 1;
    await page.bringToFront();
    await page.keyboard.down(key);
    await page.waitForFunction(
      ({ from, sign }) => {
        const self = window.__tickwire?.snapshot().players.find((p) => p.self);
        return self !== undefined && (self.serverX - from) * sign >= 100;
      },
      { from: me.serverX, sign },
    );
    await page.keyboard.up(key);
  });
});
