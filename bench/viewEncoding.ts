/**
 * Where the world room's CPU goes, without sockets: core's own
 * SchemaSerializer.applyPatches over fake clients, each with a StateView
 * driven by the InterestGrid, at two populations of the same density.
 * Encoding filtered state walks every changed entity once per view, so the
 * cost grows with clients × moving entities, not with what each client sees.
 */
import { SchemaSerializer, type Client } from "@colyseus/core";
import { sinkClient } from "../colyseus/sinkClient.ts";
import { StateView } from "@colyseus/schema";
import { InterestGrid } from "../server/systems/InterestGrid.ts";
import { Player, TICK_SECONDS, WorldState, applyInput, seededRandom } from "../shared/index.ts";
import { median, quantile } from "./lib/stats.ts";

export interface ViewEncodeCost {
  players: number;
  size: number;
  /** One InterestGrid.update, ms. */
  interestMs: { p50: number; p99: number };
  /** One applyPatches over every view (encode + per-client frame; sends are no-ops), ms. */
  patchMs: { p50: number; p99: number };
  /** Patch frame bytes per client per second at 20 patches/s. */
  bytesPerClientPerS: number;
}

const PATCHES = 120;
const TURN_EVERY = 10;

export function viewEncodeCost(players: number, size: number): ViewEncodeCost {
  const random = seededRandom(5);
  const state = new WorldState();
  state.width = size;
  state.height = size;
  const serializer = new SchemaSerializer<WorldState>();
  serializer.reset(state);
  const grid = new InterestGrid<Player>({ enterRadius: 400, leaveRadius: 500 });
  let bytes = 0;
  const clients: Client[] = [];
  const movers: Array<{ player: Player; dx: number; dy: number }> = [];
  for (let i = 0; i < players; i++) {
    const player = new Player();
    Object.assign(player, { id: `id${i}`, name: `bot-${i}`, role: "player", x: random() * size, y: random() * size });
    state.players.set(String(i), player);
    const view = new StateView();
    clients.push(sinkClient({ sessionId: String(i), ackSeq: 0, view, raw: (data) => (bytes += data.byteLength) }));
    grid.add(String(i), player, view);
    movers.push({ player, dx: 0, dy: 0 });
  }
  grid.update();
  for (const client of clients) serializer.getFullState(client, { sNow: 0 });
  bytes = 0;
  const interest: number[] = [];
  const patch: number[] = [];
  for (let tick = 0; tick < PATCHES; tick++) {
    for (const m of movers) {
      if (tick % TURN_EVERY === 0) {
        const angle = random() * 2 * Math.PI;
        m.dx = Math.cos(angle);
        m.dy = Math.sin(angle);
      }
      applyInput(m.player, m, TICK_SECONDS, state);
    }
    const a = performance.now();
    grid.update();
    const b = performance.now();
    serializer.applyPatches(clients, state, { sNow: tick });
    patch.push(performance.now() - b);
    interest.push(b - a);
  }
  return {
    players,
    size,
    interestMs: { p50: median(interest), p99: quantile(interest, 0.99) },
    patchMs: { p50: median(patch), p99: quantile(patch, 0.99) },
    bytesPerClientPerS: (bytes / players / PATCHES) * 20,
  };
}
