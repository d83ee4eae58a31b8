import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";
import { describe, expect, it } from "vitest";
import type { DebugSnapshot } from "../../client/debug.ts";

/** Debian's Chromium, driven by playwright-core (no browser downloads here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM_PATH);
/** Where screenshots go; git-ignored, kept by CI as artifacts. */
export const ARTIFACTS = path.resolve("test-results", "e2e");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const required = process.env.CI === "true";

/**
 * A browser test suite: runs when a Chromium is present; otherwise says
 * clearly that it is skipped, except under CI=true where a missing browser
 * is a failure.
 */
export function describeBrowser(name: string, suite: () => void): void {
  if (chromiumAvailable) {
    describe(name, suite);
    return;
  }
  const message = `no Chromium at ${CHROMIUM_PATH}: ${required ? "CI requires the browser tests" : "SKIPPING the browser tests (apt-get install -y chromium)"}`;
  console.warn(`\n*** ${message} ***\n`);
  if (required) {
    describe(name, () => {
      it("needs a Chromium", () => {
        expect.fail(`Chromium is missing at ${CHROMIUM_PATH}; .ci/run installs it with apt`);
      });
    });
  } else {
    describe.skip(name, suite);
  }
}

/** `extraArgs` after the defaults (test/e2e/tls.e2e.test.ts pins its self-signed certificate this way). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...FLAGS, ...extraArgs] });
}

/** Build the client once into a fresh directory for this test file's server. */
export async function buildClient(): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), "tickwire-client-"));
  await build({ configFile: path.resolve("vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
  await mkdir(ARTIFACTS, { recursive: true });
  return outDir;
}

/** The page's read-only debug hook (client/debug.ts). */
export function snapshot(page: Page): Promise<DebugSnapshot> {
  return page.evaluate(() => {
    const hook = window.__tickwire;
    if (hook === undefined) throw new Error("debug hook missing");
    return hook.snapshot();
  });
}

/**
 * Walk `walker` right (or left, whichever has room) until `watcher` has seen
 * them cover `distance`; then wait until the walker's prediction and the
 * server agree and the watcher has that same position. Returns it.
 */
export async function walkUntilSeen(walker: Page, watcher: Page, distance: number): Promise<{ x: number; y: number }> {
  const walkerId = (await snapshot(walker)).sessionId;
  const start = (await snapshot(watcher)).players.find((p) => p.sessionId === walkerId);
  if (start === undefined) throw new Error("the watcher does not see the walker");
  const key = start.serverX > 800 ? "KeyA" : "KeyD";
  await walker.bringToFront();
  await walker.keyboard.down(key);
  await watcher.waitForFunction(
    ({ id, from, distance }) => {
      const p = window.__tickwire?.snapshot().players.find((q) => q.sessionId === id);
      return p !== undefined && Math.abs(p.serverX - from) >= distance;
    },
    { id: walkerId, from: start.serverX, distance },
  );
  await walker.keyboard.up(key);
  await walker.waitForFunction(() => {
    const me = window.__tickwire?.snapshot().players.find((p) => p.self);
    return me !== undefined && me.x === me.serverX;
  });
  const me = (await snapshot(walker)).players.find((p) => p.self);
  await watcher.waitForFunction(
    ({ id, x }) => window.__tickwire?.snapshot().players.find((q) => q.sessionId === id)?.serverX === x,
    { id: walkerId, x: me?.serverX },
  );
  return { x: me?.serverX ?? Number.NaN, y: me?.serverY ?? Number.NaN };
}

/**
 * Open the start screen in a fresh browser context (its own storage), enter a
 * name, and play: quick play, or the listed room `roomId`. `prepare` runs on
 * the start screen first (e.g. to paste an operator token).
 */
export async function joinAs(
  browser: Browser,
  baseUrl: string,
  name: string,
  roomId?: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on("pageerror", (error) => {
    throw new Error(`page error in ${name}'s page: ${error.message}`);
  });
  await page.goto(baseUrl);
  await prepare?.(page);
  await page.fill("#name-input", name);
  if (roomId === undefined) {
    await page.click("#quick-play");
  } else {
    await page.locator(`#room-list li[data-room-id="${roomId}"] button`).click();
  }
  await page.waitForFunction(() => window.__tickwire?.snapshot().connection === "connected");
  return page;
}
