import { Protocol } from "@colyseus/core";
import { describe, expect } from "vitest";
import { bytesQueuedBeforeJoin } from "../../colyseus/joinGate.ts";
import { WireClient, matchmake, type Closed } from "../../colyseus/wireClient.ts";
import { TickwireCloseCode, type ServerMessages } from "../../shared/index.ts";
import { until } from "../helpers/until.ts";
import { attackerIp, fromIp, hostileCase, mintToken, useHostileArena, type HostileArena } from "./harness.ts";

/**
 * Clients that take a seat and never finish joining: they receive JOIN_ROOM
 * and never send the `[JOIN_ROOM]` acknowledgement (what WireClient#joined
 * does), so core keeps them JOINING. JOIN_ACK_TIMEOUT_MS is the default
 * (5 s) here; deadlines below are that plus a margin for a loaded machine.
 */
const arena = useHostileArena();
const DEADLINE_MS = 5000;
const MARGIN_MS = 3000;
/** Stated in SECURITY.md: what core may hold for a joining client (the room's broadcasts for at most the deadline). */
const QUEUE_BOUND_BYTES = 64 * 1024;

/** A raw client holding a seat: JOIN_ROOM received, never acknowledged. */
async function seatedNeverAcking(a: HostileArena): Promise<{ client: WireClient<ServerMessages>; seatedAt: number }> {
  const ip = attackerIp();
  const answer = await matchmake(a.ts, "joinById", a.room.roomId, { token: await mintToken(), headers: fromIp(ip) });
  expect(answer.status).toBe(200);
  const client = WireClient.open<ServerMessages>(WireClient.roomUrl(a.ts, answer.body), answer.body, {
    headers: fromIp(ip),
  });
  await client.waitForFrame((frame) => frame[0] === Protocol.JOIN_ROOM);
  return { client, seatedAt: Date.now() };
}

/** The close, or undefined if the socket is still open after `ms`. */
async function closedWithin(client: { closed: Promise<Closed> }, ms: number): Promise<Closed | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const closed = await Promise.race([client.closed, late]);
  clearTimeout(timer);
  return closed;
}

describe("join handshake (JOIN_ACK_TIMEOUT_MS 5 s)", () => {
  hostileCase(
    arena,
    "a socket takes a seat and never acknowledges JOIN_ROOM",
    "it is closed with 4408 within the deadline and its seat is freed",
    async (a) => {
      const { client, seatedAt } = await seatedNeverAcking(a);
      const sessionId = client.seat?.sessionId;
      const closed = await closedWithin(client, DEADLINE_MS + MARGIN_MS);
      const tookMs = Date.now() - seatedAt;
      console.info(
        `[join-handshake] unacknowledged seat ${closed === undefined ? "still open" : "closed"} after ${tookMs} ms (deadline ${DEADLINE_MS} ms)`,
      );
      expect(closed, `still open ${DEADLINE_MS + MARGIN_MS} ms after JOIN_ROOM`).toEqual({
        code: TickwireCloseCode.JoinTimeout,
        reason: "join not acknowledged in time",
      });
      await until(() => !a.room.clients.some((c) => c.sessionId === sessionId), 2000, "seat freed");
      expect(a.room.state.players.has(sessionId ?? "")).toBe(false);
      expect(a.logs.some((l) => l.msg === "join handshake not completed" && l.why === "timeout")).toBe(true);
    },
    DEADLINE_MS + MARGIN_MS + 10_000,
  );

  hostileCase(
    arena,
    "a seated socket that never acknowledges sends chat lines",
    "no line reaches the room, before or after it is closed",
    async (a) => {
      const { client } = await seatedNeverAcking(a);
      const text = `unjoined chatter ${Date.now()}`;
      for (let i = 0; i < 5; i++) client.sendMessage("chat", { text: `${text} #${i}` });
      await closedWithin(client, DEADLINE_MS + MARGIN_MS);
      const heard = a.honest.flatMap((h) => h.player.inbox.all("chat")).filter((l) => l.text.startsWith(text));
      expect(
        heard.map((l) => l.text),
        "lines from a client that never joined were delivered",
      ).toEqual([]);
    },
    DEADLINE_MS + MARGIN_MS + 10_000,
  );

  hostileCase(
    arena,
    "seated sockets that never acknowledge chat and ask for chat:since as fast as allowed while the room is busy",
    `what core queues for each stays under ${QUEUE_BOUND_BYTES / 1024} KiB until it is closed`,
    async (a) => {
      const attackers = await Promise.all([seatedNeverAcking(a), seatedNeverAcking(a), seatedNeverAcking(a)]);
      // One more that sends nothing: it stays the whole deadline while the honest players and the flood fill the room.
      const silent = await seatedNeverAcking(a);
      const sessions = new Set([...attackers, silent].map((x) => x.client.seat?.sessionId));
      const line = "x".repeat(200);
      // About 100 frames/s each, under MAX_MESSAGES_PER_S (120), while the honest players move and chat.
      const flood = setInterval(() => {
        for (const { client } of attackers) {
          for (let i = 0; i < 4; i++) client.sendMessage("chat", { text: line });
          client.sendMessage("chat:since", { afterId: 0 });
        }
      }, 50);
      let maxQueued = 0;
      const sample = setInterval(() => {
        for (const c of a.room.clients) {
          if (sessions.has(c.sessionId)) maxQueued = Math.max(maxQueued, bytesQueuedBeforeJoin(c));
        }
      }, 20);
      try {
        await Promise.all([...attackers, silent].map(({ client }) => closedWithin(client, DEADLINE_MS + MARGIN_MS)));
      } finally {
        clearInterval(flood);
        clearInterval(sample);
      }
      console.info(`[join-handshake] largest queue held for an unjoined client: ${maxQueued} B`);
      expect(maxQueued, "bytes queued for a client that never joined").toBeLessThanOrEqual(QUEUE_BOUND_BYTES);
      for (const { client } of [...attackers, silent]) {
        expect((await client.closed).code).toBe(TickwireCloseCode.JoinTimeout);
      }
    },
    DEADLINE_MS + MARGIN_MS + 10_000,
  );
});
