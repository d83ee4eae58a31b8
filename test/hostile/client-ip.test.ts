import { describe, expect } from "vitest";
import { matchmake, WireClient, UpgradeRefused } from "../../colyseus/wireClient.ts";
import { fromIp, hostileCase, useHostileArena } from "./harness.ts";

/**
 * The client IP comes from the socket: with no TRUSTED_PROXIES, an
 * X-Forwarded-For header is ignored, so forging one does not buy a fresh
 * per-IP budget. (With a trusted proxy, the other hostile files depend on
 * the header being honoured: each of their cases attacks from its own.)
 */
const get = useHostileArena({ net: { trustedProxies: [] } });

describe("client IP without trusted proxies", () => {
  hostileCase(
    get,
    "33 WebSockets from 127.0.0.1, each claiming a different X-Forwarded-For",
    "all counted as 127.0.0.1: refused with 429 once 32 are open (the 2 honest players included)",
    async (arena) => {
      const cap = arena.net.maxConnectionsPerIp;
      const sockets: WireClient[] = [];
      let refusedAt: number | undefined;
      for (let i = 0; i < cap && refusedAt === undefined; i++) {
        const socket = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(`198.51.100.${i + 1}`));
        sockets.push(socket);
        try {
          await socket.opened();
        } catch (error) {
          expect(error).toEqual(new UpgradeRefused(429));
          refusedAt = i;
        }
      }
      // The honest players hold two of the 32 slots of 127.0.0.1.
      expect(refusedAt).toBe(cap - 2);
      expect(arena.ts.app.transport.edge.connections.count("127.0.0.1")).toBe(cap);
      for (const socket of sockets) socket.close();
      await Promise.all(sockets.map((s) => s.closed));
    },
  );

  hostileCase(
    get,
    "matchmaking requests claiming X-Forwarded-For 10.9.8.7",
    "charged to 127.0.0.1, not to 10.9.8.7",
    async (arena) => {
      const requests = arena.ts.app.transport.edge.requests;
      const before = requests.tokens("127.0.0.1");
      for (let i = 0; i < 10; i++) {
        await matchmake(arena.ts, "joinById", "no-such-room", { headers: fromIp("10.9.8.7") });
      }
      // Refill (2/s) may give back a token or two while the requests run; ten were taken.
      expect(requests.tokens("127.0.0.1")).toBeLessThan(before - 7);
      expect(requests.tokens("10.9.8.7")).toBe(arena.net.httpBurst);
    },
  );
});
