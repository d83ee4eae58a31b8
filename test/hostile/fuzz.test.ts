import { Protocol } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom, type ServerMessages } from "../../shared/index.ts";
import { WireClient } from "../../colyseus/wireClient.ts";
import { until } from "../helpers/until.ts";
import { fuzzFrames } from "./fuzzFrames.ts";
import { expectHonestPlayersServed, fromIp, mintToken, startHostileArena, type HostileArena } from "./harness.ts";

/**
 * Seeded fuzzing: FUZZ_CLIENTS raw clients send FUZZ_FRAMES frames between
 * them (valid, mutated, random types, random payloads, random bytes,
 * oversize, text) into the honest players' room. A client the server closes
 * rejoins as a fresh player from a fresh address. Outcome: the process and
 * the room stay up, the honest players are served throughout, and once the
 * fuzzers are gone the room, the per-IP tables and the heap are back within
 * bounds.
 *
 * Reproduce a failure with FUZZ_SEED=<seed printed in the test name>.
 * Frame rate is raised to 5000/s here so that frames reach the parsers
 * rather than the rate limiter (which has cases of its own).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x7ec1);
const FUZZ_FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
const FUZZ_CLIENTS = 5;
/** A barrier (PING → PING) every this many frames: bounds frames in flight and paces the sender. */
const BATCH = 16;
/**
 * Heap growth allowed across the run, after GC, with every fuzzer gone.
 * Measured: +6 to +7 MB for 10,000 frames (≈ 620 joins). Server and test
 * clients share this process, so this includes client-side memory; the
 * room, connection and per-IP tables are checked exactly below.
 */
const HEAP_BOUND_MB = 24;

let arena: HostileArena;

beforeAll(async () => {
  arena = await startHostileArena({
    arena: { reconnectGraceSeconds: 1 },
    net: { maxMessagesPerSecond: 5000 },
  });
});
afterAll(async () => {
  await arena.close();
});

interface FuzzStats {
  sent: number;
  joins: number;
  kinds: Record<string, number>;
  closes: Record<string, number>;
}

let nextIp = 0;
const freshIp = () => `100.64.${Math.floor(++nextIp / 250)}.${(nextIp % 250) + 1}`;

async function fuzzer(share: number, random: () => number, stats: FuzzStats): Promise<void> {
  const next = fuzzFrames(random, arena.net.maxPayloadBytes);
  let client: WireClient<ServerMessages> | undefined;
  let sent = 0;
  while (sent < share) {
    if (client === undefined || !client.isOpen) {
      if (client !== undefined) {
        const { code } = await client.closed;
        stats.closes[code] = (stats.closes[code] ?? 0) + 1;
      }
      client = await WireClient.join<ServerMessages>(
        arena.ts,
        arena.room.roomId,
        await mintToken("Fuzz"),
        fromIp(freshIp()),
      );
      stats.joins++;
    }
    for (let i = 0; i < BATCH && sent < share && client.isOpen; i++) {
      const frame = next();
      if (frame.text === true) client.ws.send(frame.data, { binary: false });
      else client.send(frame.data);
      sent++;
      stats.sent++;
      stats.kinds[frame.kind] = (stats.kinds[frame.kind] ?? 0) + 1;
    }
    await barrier(client);
  }
  client?.close();
}

/** Resolve once the server answered a PING sent after everything so far, or the socket closed. */
async function barrier(client: WireClient<ServerMessages>): Promise<void> {
  if (!client.isOpen) return;
  const pongs = client.frames.filter(isPong).length;
  client.send(Buffer.from([Protocol.PING]));
  await Promise.race([client.waitForFrame(() => client.frames.filter(isPong).length > pongs, 10_000), client.closed]);
}

const isPong = (frame: Buffer) => frame.length === 1 && frame[0] === Protocol.PING;

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe("fuzz", () => {
  it(`${FUZZ_CLIENTS} raw clients send ${FUZZ_FRAMES} random and mutated frames (seed ${SEED}) → server, room and honest players unaffected; memory bounded`, async () => {
    const heapBefore = heapMb();
    const stats: FuzzStats = { sent: 0, joins: 0, kinds: {}, closes: {} };
    const started = Date.now();
    const share = Math.ceil(FUZZ_FRAMES / FUZZ_CLIENTS);
    await Promise.all(Array.from({ length: FUZZ_CLIENTS }, (_, i) => fuzzer(share, seededRandom(SEED + i), stats)));
    const elapsedMs = Date.now() - started;
    await expectHonestPlayersServed(arena);

    // Every fuzzer is gone: kicked ones at once, dropped ones after the 1 s grace.
    const edge = arena.ts.app.transport.edge;
    await until(() => arena.room.state.players.size === 2 && arena.room.clients.length === 2, 10_000, "room cleanup");
    await until(() => edge.connections.total === 2, 10_000, "connection slots released");
    // Captured log lines and the honest players' inboxes are the test's memory, not the server's.
    const logLines = arena.logs.length;
    arena.logs.length = 0;
    for (const honest of arena.honest) honest.player.inbox.received.length = 0;
    const heapAfter = heapMb();
    console.log(
      `fuzz seed ${SEED}: ${stats.sent} frames in ${elapsedMs} ms from ${FUZZ_CLIENTS} clients (${stats.joins} joins); ` +
        `kinds ${JSON.stringify(stats.kinds)}; closes ${JSON.stringify(stats.closes)}; ` +
        `heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB; ` +
        `invalid payloads counted ${arena.room.invalidPayloads}; ${logLines} log lines; ` +
        `per-IP request table ${edge.requests.size} entries`,
    );
    expect(stats.sent).toBeGreaterThanOrEqual(FUZZ_FRAMES);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_BOUND_MB);
    // One request bucket per address that asked (each join came from a fresh one), nothing else left behind.
    expect(edge.requests.size).toBeLessThanOrEqual(stats.joins + 1);
    await expectHonestPlayersServed(arena);
  }, 120_000);
});
