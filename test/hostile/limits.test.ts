import { until } from "../helpers/until.ts";
import { describe, expect } from "vitest";
import { TickwireCloseCode } from "../../shared/index.ts";
import { matchmake, WireClient, UpgradeRefused } from "../../colyseus/wireClient.ts";
import { postRaw } from "../helpers/http.ts";
import {
  attackerIp,
  chunkedMatchmake,
  fromIp,
  hostileCase,
  mintToken,
  rawAttacker,
  seatsHeld,
  useHostileArena,
} from "./harness.ts";

/**
 * Per-IP limits (requests, connections), matchmaking body size, slow
 * consumers, and what a kicked or dropped connection is owed.
 */
const get = useHostileArena();

describe("per-IP request budget (HTTP_BURST 60, HTTP_RATE_PER_MIN 120)", () => {
  hostileCase(
    get,
    "70 matchmaking requests from one IP at once, then a real join",
    "the first 60 answered, the rest and the join get 429 with Retry-After and no seat; another IP is unaffected",
    async (arena) => {
      const ip = attackerIp();
      const seatsBefore = await seatsHeld(arena);
      // Without a token: each costs a request and is refused by onAuth (525) before any seat.
      const statuses = await Promise.all(
        Array.from(
          { length: 70 },
          async () => (await matchmake(arena.ts, "joinOrCreate", "arena", { headers: fromIp(ip) })).status,
        ),
      );
      expect(statuses.filter((status) => status !== 429).length).toBeGreaterThanOrEqual(arena.net.httpBurst);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
      // Refill is 2 per second: drain what came back during the burst, then try for a seat.
      for (let i = 0; i < 3; i++) await matchmake(arena.ts, "joinById", "drain", { headers: fromIp(ip) });
      const refused = await matchmake(arena.ts, "joinOrCreate", "arena", {
        token: await mintToken(),
        headers: fromIp(ip),
      });
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ error: "rate_limited" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await seatsHeld(arena)).toBe(seatsBefore);
      // Someone else is not paying for it.
      const other = await fetch(`${arena.ts.httpUrl}/auth/guest`, {
        method: "POST",
        headers: { "content-type": "application/json", ...fromIp(attackerIp()) },
        body: "{}",
      });
      expect(other.status).toBe(200);
    },
  );

  for (const spelling of ["/Auth/guest", "/AUTH/GUEST", "http://x/auth/guest"]) {
    hostileCase(
      get,
      `70 token requests from one IP at once as POST ${spelling}`,
      "the budget applies as to /auth/guest: at most 60 tokens (plus refill), the rest 429",
      async (arena) => {
        const ip = attackerIp();
        const answers = await Promise.all(
          Array.from({ length: 70 }, () => postRaw(arena.ts, spelling, { headers: fromIp(ip) })),
        );
        const statuses = answers.map((answer) => answer.status);
        // Refill is 2 per second; the burst takes well under a second.
        expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(arena.net.httpBurst + 2);
        expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(arena.net.httpBurst);
        expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
        expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
      },
    );
  }

  hostileCase(
    get,
    "61 WebSocket upgrades from one IP, one after another",
    "the 61st refused with HTTP 429",
    async (arena) => {
      const ip = attackerIp();
      for (let i = 0; i < arena.net.httpBurst; i++) {
        const socket = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(ip));
        await socket.opened();
        socket.close();
        await socket.closed;
      }
      const refused = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(ip));
      await expect(refused.opened()).rejects.toEqual(new UpgradeRefused(429));
    },
  );
});

describe("per-IP connections (MAX_CONNECTIONS_PER_IP 32)", () => {
  hostileCase(
    get,
    "33 simultaneous WebSockets from one IP",
    "the 33rd refused with HTTP 429; the slots come back when the sockets close",
    async (arena) => {
      const ip = attackerIp();
      const cap = arena.net.maxConnectionsPerIp;
      // The transport's latency-check path (no room) holds a socket for a second: enough to hold 32 at once.
      const held = Array.from({ length: cap }, () =>
        WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(ip)),
      );
      await Promise.all(held.map((s) => s.opened()));
      expect(arena.ts.app.transport.edge.connections.count(ip)).toBe(cap);
      const extra = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(ip));
      await expect(extra.opened()).rejects.toEqual(new UpgradeRefused(429));
      for (const socket of held) socket.close();
      await Promise.all(held.map((s) => s.closed));
      await until(() => arena.ts.app.transport.edge.connections.count(ip) === 0);
      const again = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, fromIp(ip));
      await again.opened();
      again.close();
    },
  );
});

describe("matchmaking body (MATCHMAKE_MAX_BODY_BYTES 4096)", () => {
  hostileCase(get, "a 5000-byte matchmaking body", "413, no seat", async (arena) => {
    const seatsBefore = await seatsHeld(arena);
    const answer = await matchmake(arena.ts, "joinOrCreate", "arena", {
      token: await mintToken(),
      headers: fromIp(attackerIp()),
      body: JSON.stringify({ pad: "x".repeat(5000) }),
    });
    expect(answer.status).toBe(413);
    expect(await seatsHeld(arena)).toBe(seatsBefore);
  });

  hostileCase(get, "a chunked matchmaking body with no Content-Length", "411, no seat", async (arena) => {
    const seatsBefore = await seatsHeld(arena);
    const status = await chunkedMatchmake(arena);
    expect(status).toBe(411);
    expect(await seatsHeld(arena)).toBe(seatsBefore);
  });
});

describe("slow consumer (MAX_BUFFERED_BYTES 1 MiB)", () => {
  hostileCase(
    get,
    "a client that stops reading while the room has 8 MiB to send it",
    "cut off once its queue passes 1 MiB (peer sees 1006); its queue never grows past cap + one message",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const server = arena.room.clients.get(mallory.seat?.sessionId ?? "");
      if (server === undefined) throw new Error("Mallory is not in the room");
      // Stop reading: the kernel buffers fill (about 4 MiB on loopback, measured), then ws's queue grows.
      const socket = (mallory.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const line = {
        kind: "say",
        id: 0,
        from: "flood",
        name: "flood",
        text: "x".repeat(64 * 1024),
        at: Date.now(),
      } as const;
      const cutOff = () => arena.logs.find((l) => l.msg === "slow consumer cut off");
      for (let i = 0; i < 128 && cutOff() === undefined; i++) {
        server.send("chat", line);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const cut = cutOff();
      expect(cut).toBeDefined();
      expect(cut?.buffered).toBeGreaterThan(arena.net.maxBufferedBytes);
      expect(cut?.buffered).toBeLessThanOrEqual(arena.net.maxBufferedBytes + 64 * 1024 + 64);
      // Terminated, not kicked: the seat is held as for any dropped connection.
      await until(() => arena.room.state.players.get(server.sessionId)?.connected === false);
      socket.resume();
      expect((await mallory.closed).code).toBe(1006);
    },
  );
});

describe("what a closed connection is owed (RECONNECT_GRACE_S 20)", () => {
  hostileCase(
    get,
    "a client kicked for an unknown message type, then reconnecting with its token",
    "removed from state at once, reconnection refused",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const sessionId = mallory.seat?.sessionId ?? "";
      mallory.sendMessage("teleport", { x: 0 });
      expect((await mallory.closed).code).toBe(TickwireCloseCode.UnknownMessage);
      await until(() => !arena.room.state.players.has(sessionId));
      await expect(WireClient.reconnect(arena.ts, mallory, fromIp(attackerIp()))).rejects.toThrow(/refused/);
    },
  );

  hostileCase(
    get,
    "a client whose TCP connection is destroyed, then reconnecting with its token",
    "kept in state as disconnected, then restored as connected, same session",
    async (arena) => {
      const ip = attackerIp();
      const alice = await rawAttacker(arena, ip);
      const sessionId = alice.seat?.sessionId ?? "";
      alice.cut();
      await until(() => arena.room.state.players.get(sessionId)?.connected === false);
      const back = await WireClient.reconnect(arena.ts, alice, fromIp(ip));
      await until(() => arena.room.state.players.get(sessionId)?.connected === true);
      expect(back.seat?.sessionId).toBe(sessionId);
      back.close();
    },
  );
});
