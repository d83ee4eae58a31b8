import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Application } from "express";
import type { Logger } from "../logger.ts";

export type ClientMode = "static" | "vite" | "none";

/** How the game server serves the browser client (SERVE_CLIENT, CLIENT_DIR). */
export interface ClientSettings {
  /** static: serve the Vite build; vite: dev middleware with hot reload; none: API only. */
  mode: ClientMode;
  /** Where the static build lives. */
  dir: string;
}

/**
 * Serve the browser client on the game server's own origin, so the page, the
 * HTTP matchmaking and the WebSocket share one port (and one Origin).
 * - static: the Vite build (`npm run build`), with long caching for hashed assets.
 * - vite: Vite's dev middleware with hot reload (`npm run dev`); imported only
 *   then, so production never loads Vite.
 */
export async function mountClient(
  app: Application,
  { mode, dir: clientDir }: ClientSettings,
  logger: Logger | undefined,
): Promise<() => Promise<void>> {
  if (mode === "none") return async () => {};
  if (mode === "vite") {
    const { createServer } = await import("vite");
    const vite = await createServer({ configFile: path.resolve("vite.config.ts"), server: { middlewareMode: true } });
    app.use(vite.middlewares);
    return () => vite.close();
  }
  const index = path.resolve(clientDir, "index.html");
  if (!existsSync(index)) {
    logger?.warn({ clientDir }, "no client build found: run `npm run build` (the game server still runs)");
  }
  app.use("/assets", express.static(path.resolve(clientDir, "assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.resolve(clientDir), { index: false }));
  app.get("/", (_req, res) => {
    if (existsSync(index)) res.set("cache-control", "no-cache").sendFile(index);
    else res.status(503).type("text/plain").send("Client not built. Run `npm run build`, then reload.\n");
  });
  return async () => {};
}
