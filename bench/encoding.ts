/**
 * Lean-encoding measurements that need no server: what one moving player
 * costs on the wire under each position type, and what per-client input
 * acknowledgement (`defineInput`) adds to every patch.
 */
import { SchemaSerializer } from "@colyseus/core";
import { TIMED_PREFIX_BYTES } from "../colyseus/protocol.ts";
import { sinkClient } from "../colyseus/sinkClient.ts";
import { Decoder, Encoder, schema, t } from "@colyseus/schema";
import { ArenaState, Player, POSITION_MAX, POSITION_SCALE, seededRandom } from "../shared/index.ts";
import { median } from "./lib/stats.ts";

const PLAYERS = 100;

export interface PositionCost {
  type: string;
  /** Patch bytes (schema body) per player whose x and y both changed. */
  bytesPerUpdate: number;
  /** Did every decoded position equal the server's? */
  exact: boolean;
}

/** The alternatives a position field could have been declared with. */
const variants = {
  "t.quantized 16-bit, 1/16 unit (Tickwire)": () => t.quantized({ min: 0, max: POSITION_MAX, bits: 16 }),
  "t.uint16 fixed point (x·16 by hand)": () => t.uint16(),
  "t.number()": () => t.number(),
  "t.float32()": () => t.float32(),
  "t.float64()": () => t.float64(),
} as const;

/**
 * Encode a room of PLAYERS, then move every player by a random step on the
 * 1/16 grid (both axes) and measure the patch, decoding it into a fresh client.
 */
export function positionCosts(): PositionCost[] {
  return Object.entries(variants).map(([type, position]) => {
    const fixedPoint = type.startsWith("t.uint16");
    const P = schema({
      id: t.string(),
      name: t.string(),
      role: t.string(),
      x: position(),
      y: position(),
      hue: t.uint8(),
    });
    const S = schema({ players: t.map(P) });
    const state = new S();
    const encoder = new Encoder(state);
    const decoder = new Decoder(new S());
    const random = seededRandom(11);
    const grid = (v: number) => Math.round(v * POSITION_SCALE) / POSITION_SCALE;
    const wire = (v: number) => (fixedPoint ? Math.round(v * POSITION_SCALE) : v);
    const truth: Array<{ x: number; y: number }> = [];
    for (let i = 0; i < PLAYERS; i++) {
      const p = new P();
      Object.assign(p, { id: `id${i}`, name: `bot-${i}`, role: "player", hue: i });
      truth.push({ x: grid(100 + random() * 3000), y: grid(100 + random() * 3000) });
      p.x = wire(truth[i]!.x);
      p.y = wire(truth[i]!.y);
      state.players.set(String(i), p);
    }
    decoder.decode(encoder.encodeAll());
    encoder.discardChanges();
    for (let i = 0; i < PLAYERS; i++) {
      const p = state.players.get(String(i))!;
      const at = truth[i]!;
      at.x = grid(at.x + 1 + random() * 8);
      at.y = grid(at.y + 1 + random() * 8);
      p.x = wire(at.x);
      p.y = wire(at.y);
    }
    const patch = encoder.encode();
    decoder.decode(patch);
    encoder.discardChanges();
    let exact = true;
    for (let i = 0; i < PLAYERS; i++) {
      const decoded = decoder.state.players.get(String(i))!;
      const scale = fixedPoint ? POSITION_SCALE : 1;
      if (decoded.x / scale !== truth[i]!.x || decoded.y / scale !== truth[i]!.y) exact = false;
    }
    return { type, bytesPerUpdate: patch.length / PLAYERS, exact };
  });
}

export interface AckCost {
  clients: number;
  patchBodyBytes: number;
  /** Bytes added to every patch frame of every client by the TIMED prefix (time + input ack). */
  prefixBytesPerFrame: number;
  /** Frames sent per client per second by a room where nothing moves (heartbeats) with/without defineInput. */
  idleFramesPerSecond: { withInput: number; without: number };
  /** Median time of one applyPatches over all clients, µs, with and without the per-client ack frame. */
  applyPatchesUs: { withInput: number; without: number };
}

/**
 * Time core's own SchemaSerializer.applyPatches over `clients` fake clients
 * whose socket send is a no-op, with and without the timing context that
 * `defineInput` rooms pass. The difference is what per-client acknowledgement
 * costs the server: without it one encoded buffer goes to every client; with
 * it each client gets a fresh copy with its own 9-byte header.
 */
export function ackCost(clients = 500, rounds = 400): AckCost {
  const measure = (timed: boolean) => {
    const state = new ArenaState();
    for (let i = 0; i < 25; i++) {
      const p = new Player();
      Object.assign(p, { id: `id${i}`, name: `bot-${i}`, role: "player", x: 100 + i, y: 100 + i, hue: i });
      state.players.set(String(i), p);
    }
    const serializer = new SchemaSerializer<ArenaState>();
    serializer.reset(state);
    let lastFrame = 0;
    const fakes = Array.from({ length: clients }, (_, i) =>
      sinkClient({ sessionId: String(i), ackSeq: i, raw: (data) => (lastFrame = data.byteLength) }),
    );
    const timing = timed ? { sNow: 1234 } : undefined;
    const samples: number[] = [];
    let body = 0;
    for (let r = 0; r < rounds; r++) {
      for (const p of state.players.values()) p.x = 100 + ((p.x + 1) % 1000);
      const started = performance.now();
      serializer.applyPatches(fakes, state, timing);
      samples.push((performance.now() - started) * 1000);
      body = lastFrame - (timed ? 1 + TIMED_PREFIX_BYTES : 1);
    }
    let idleFrames = 0;
    const counting = fakes.map((c) =>
      sinkClient({ sessionId: c.sessionId, ackSeq: Number(c.sessionId), raw: () => idleFrames++ }),
    );
    serializer.applyPatches(counting, state, timing);
    return { us: median(samples.slice(rounds / 4)), body, idleFramesPerPatch: idleFrames / clients };
  };
  const without = measure(false);
  const withInput = measure(true);
  return {
    clients,
    patchBodyBytes: withInput.body,
    prefixBytesPerFrame: 8,
    idleFramesPerSecond: { withInput: withInput.idleFramesPerPatch * 20, without: without.idleFramesPerPatch * 20 },
    applyPatchesUs: { withInput: withInput.us, without: without.us },
  };
}
