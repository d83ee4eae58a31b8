import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../server/app.ts";
import { defaultConfig } from "../../server/config.ts";

/**
 * Pin for GuardedTransport#listen (colyseus/transport.ts): @colyseus/core's
 * Server#listen attaches its 'error' listener only once listening, so a
 * failed bind would leave the promise pending forever. Through the guarded
 * transport it rejects with the bind error. Were core to fix it upstream,
 * this still passes; were the transport's override lost, it times out.
 */
let taken: Server;
let port: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  port = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

describe("Server#listen on a port in use", () => {
  it("rejects with EADDRINUSE instead of never settling", async () => {
    const app = createApp(defaultConfig({ host: "127.0.0.1", logLevel: "silent", client: { mode: "none" } }));
    try {
      await expect(app.listen(port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE", port });
    } finally {
      await app.close();
    }
  }, 10_000);
});
