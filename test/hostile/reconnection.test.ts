import { Client } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect } from "vitest";
import type { TickwireServer } from "../../server/app.ts";
import type { ChatLine } from "../../shared/index.ts";
import { guestToken, joinWith, untilPatched, type ArenaSdkRoom, type Inbox } from "../helpers/clients.ts";
import { joinAsRole } from "../helpers/operators.ts";
import { TcpProxy } from "../helpers/tcpProxy.ts";
import { until } from "../helpers/until.ts";
import { HEARTBEAT, SECRET, hostileCase, startHostileArena, type HostileArena } from "./harness.ts";

/**
 * Faults that must lose nothing. Alice plays through a TCP proxy that can
 * cut her connection the way a network does (her side drops, the server's
 * side goes silent without a FIN); Bob watches from a direct connection.
 * Both use the real SDK, including its automatic reconnection.
 *
 * RECONNECT_GRACE_S is 4 here (default 20) so the expiry case is quick; the
 * heartbeat is 300 ms × 2 missed, so the server notices a cut within ~0.9 s.
 */
const GRACE_S = 4;
let arena: HostileArena;
let proxy: TcpProxy;
const get = () => arena;

beforeAll(async () => {
  arena = await startHostileArena({ arena: { reconnectGraceSeconds: GRACE_S } });
  proxy = await TcpProxy.start(arena.ts.port);
});
afterEach(async () => {
  // A room whose connection is gone has already left (or is retrying): leave() would wait forever.
  for (const room of joined.splice(0)) {
    room.reconnection.enabled = false;
    if (room.connection.isOpen) await room.leave();
  }
});
afterAll(async () => {
  await proxy.close();
  await arena.close();
});

const joined: ArenaSdkRoom[] = [];

/** An SDK player; through the proxy if `viaProxy`. */
async function player(name: string, viaProxy: boolean): Promise<{ room: ArenaSdkRoom; inbox: Inbox }> {
  const identity = await guestToken(arena.ts, name);
  const port = viaProxy ? proxy.port : arena.ts.port;
  const client = new Client<TickwireServer>(`ws://127.0.0.1:${port}`);
  client.auth.token = identity.token;
  const joinedPlayer = await joinWith(client, arena.room.roomId);
  joined.push(joinedPlayer.room);
  return joinedPlayer;
}

const lastChatId = (inbox: Inbox): number =>
  Math.max(0, ...inbox.all("chat").map((l) => l.id), ...inbox.all("chat:history").flatMap((h) => h.map((l) => l.id)));

describe("reconnection after the connection is cut", () => {
  hostileCase(
    get,
    "Alice's TCP path is severed mid-game while Bob keeps chatting",
    "Bob sees her disconnected, the SDK reconnects her as the same player at the same place, and chat:since returns every line she missed",
    async () => {
      const alice = await player("Alice", true);
      const bob = await player("Bob", false);
      // The SDK does not reconnect rooms younger than 5 s by default; the browser client should lower this too.
      alice.room.reconnection.minUptime = 0;
      // An outage of about 2 s (first retry after 2 × 1000 ms): long enough for the server to notice
      // and for Bob to see it. An instant reconnect is also fine, but shows nothing to observe.
      alice.room.reconnection.delay = 1000;
      const sessionId = alice.room.sessionId;
      bob.room.send("chat", { text: "before the cut" });
      await alice.inbox.waitFor("chat", (l) => l.text === "before the cut");
      const positionBefore = arena.room.state.players.get(sessionId);
      const spot = { x: positionBefore?.x, y: positionBefore?.y };
      const afterId = lastChatId(alice.inbox);

      const reconnected = new Promise<void>((resolve) => alice.room.onReconnect.once(() => resolve()));
      const cutAt = Date.now();
      proxy.sever();
      // Bob talks while Alice is gone; the first lines go into the dead socket before the server knows.
      const missed = ["missed 1", "missed 2", "missed 3"];
      for (const text of missed) bob.room.send("chat", { text });
      const seenAsAway = () => bob.room.state.players.get(sessionId)?.connected === false;
      await untilPatched(bob.room, seenAsAway, 100);
      const detectedMs = Date.now() - cutAt;
      console.log(`reconnection: cut seen by others after ${detectedMs} ms`);
      expect(detectedMs).toBeLessThanOrEqual((HEARTBEAT.heartbeatMaxMissed + 2) * HEARTBEAT.heartbeatIntervalMs + 500);

      await reconnected;
      await untilPatched(bob.room, () => bob.room.state.players.get(sessionId)?.connected === true, 100);
      expect(alice.room.sessionId).toBe(sessionId);
      const positionAfter = arena.room.state.players.get(sessionId);
      expect({ x: positionAfter?.x, y: positionAfter?.y }).toEqual(spot);
      expect(positionAfter?.name).toBe("Alice");

      alice.room.send("chat:since", { afterId });
      const replay = await alice.inbox.waitFor("chat:since", (r) => r.afterId === afterId);
      const replayed = replay.lines.map((l: ChatLine) => l.text);
      for (const text of missed) expect(replayed).toContain(text);
      expect(replay.complete).toBe(true);
      // Ids strictly increase, so the client can merge live and replayed lines by id.
      const ids = replay.lines.map((l) => l.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids.every((id) => id > afterId)).toBe(true);
    },
    15_000,
  );

  hostileCase(
    get,
    "Dana's path is severed and the SDK retries after 200 ms, before the server has noticed",
    "the retry waits for the heartbeat to drop the dead socket, then restores the same session",
    async () => {
      const dana = await player("Dana", true);
      dana.room.reconnection.minUptime = 0;
      const sessionId = dana.room.sessionId;
      const reconnected = new Promise<void>((resolve) => dana.room.onReconnect.once(() => resolve()));
      proxy.sever();
      await reconnected;
      expect(dana.room.sessionId).toBe(sessionId);
      await until(() => arena.room.state.players.get(sessionId)?.connected === true);
      dana.room.send("chat", { text: "Dana is back" });
      await dana.inbox.waitFor("chat", (l) => l.text === "Dana is back");
    },
    15_000,
  );

  hostileCase(
    get,
    `Carol's path is severed and she never comes back (RECONNECT_GRACE_S ${GRACE_S})`,
    "shown as disconnected, then removed once the grace period ends",
    async () => {
      const carol = await player("Carol", true);
      const bob = await player("Bob", false);
      carol.room.reconnection.enabled = false;
      const sessionId = carol.room.sessionId;
      const cutAt = Date.now();
      proxy.sever();
      await untilPatched(bob.room, () => bob.room.state.players.get(sessionId)?.connected === false, 100);
      const awayAt = Date.now();
      await untilPatched(bob.room, () => !bob.room.state.players.has(sessionId), 200);
      const removedAfterMs = Date.now() - awayAt;
      console.log(
        `reconnection: seat held ${removedAfterMs} ms after the drop was seen (cut → removed ${Date.now() - cutAt} ms)`,
      );
      expect(removedAfterMs).toBeGreaterThanOrEqual(GRACE_S * 1000 - 200);
      expect(removedAfterMs).toBeLessThan(GRACE_S * 1000 + 2000);
      await until(() => !arena.room.state.players.has(sessionId));
    },
    20_000,
  );

  hostileCase(
    get,
    "Erin drops, and a moderator /kicks her while her seat is held",
    "the seat is released at once (no waiting out the grace), and her reconnection token no longer works",
    async () => {
      const identity = await guestToken(arena.ts, "Erin");
      const client = new Client<TickwireServer>(`ws://127.0.0.1:${proxy.port}`);
      client.auth.token = identity.token;
      const erin = await joinWith(client, arena.room.roomId);
      joined.push(erin.room);
      erin.room.reconnection.enabled = false;
      const mo = await joinAsRole(arena.ts, arena.room.roomId, SECRET, { name: "Mo", role: "moderator" });
      joined.push(mo.room);
      const sessionId = erin.room.sessionId;
      const token = erin.room.reconnectionToken;
      proxy.sever();
      await until(() => arena.room.state.players.get(sessionId)?.connected === false, 5000);
      const kickedAt = Date.now();
      mo.room.send("chat", { text: "/kick erin" });
      await until(() => !arena.room.state.players.has(sessionId), 2000);
      expect(Date.now() - kickedAt).toBeLessThan(GRACE_S * 1000);
      await expect(new Client<TickwireServer>(`ws://127.0.0.1:${arena.ts.port}`).reconnect(token)).rejects.toThrow();
    },
    15_000,
  );
});
