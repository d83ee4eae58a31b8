import { drawNetGraph } from "../render/netGraph.ts";
import { formatBytesPerSecond, type NetSnapshot } from "../net/metrics.ts";
import type { ConnectionState } from "../net/session.ts";
import { byId } from "./dom.ts";

/** The words the HUD shows; pure so they are unit-tested. */
export function hudText(connection: ConnectionState, snapshot: NetSnapshot, players: number) {
  return {
    connection,
    rtt: snapshot.rttMs === undefined ? "RTT –" : `RTT ${Math.round(snapshot.rttMs)} ms`,
    players: players === 1 ? "1 player" : `${players} players`,
    graph: `${formatBytesPerSecond(snapshot.bytesPerSecond)} · patch ${Math.round(snapshot.patchIntervalMs)} ms`,
  };
}

export class Hud {
  private readonly room = byId("hud-room");
  private readonly connection = byId("hud-connection");
  private readonly rtt = byId("hud-rtt");
  private readonly players = byId("hud-players");
  private readonly graph = byId<HTMLCanvasElement>("net-graph");
  private readonly graphText = byId("netgraph-text");
  private lastDraw = 0;

  constructor() {
    byId("hud-graph-toggle").addEventListener("click", () => this.toggleGraph());
  }

  toggleGraph(): void {
    this.graph.hidden = !this.graph.hidden;
    this.graphText.hidden = this.graph.hidden;
  }

  /** The room's display name, if its creator gave one (server-sanitised; "" hides the pill). */
  setRoomTitle(title: string): void {
    if (this.room.textContent === title) return;
    this.room.textContent = title;
    this.room.hidden = title === "";
  }

  setConnection(state: ConnectionState): void {
    this.connection.textContent = state;
    this.connection.dataset.state = state;
  }

  /** Called every frame: the connection state at once, the figures at most 4 times a second. */
  update(now: number, state: ConnectionState, snapshot: NetSnapshot, players: number): void {
    if (this.connection.dataset.state !== state) this.setConnection(state);
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const text = hudText(state, snapshot, players);
    this.setConnection(state);
    this.rtt.textContent = text.rtt;
    this.players.textContent = text.players;
    if (!this.graph.hidden) {
      drawNetGraph(this.graph, snapshot);
      this.graphText.textContent = text.graph;
    }
  }
}
