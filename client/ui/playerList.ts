import { Role } from "../../shared/index.ts";
import type { ConnectionState, RenderPlayer } from "../net/session.ts";
import { byId, el } from "./dom.ts";

/** One line of the player list, as plain text (the list sets textContent only). */
export interface PlayerRow {
  sessionId: string;
  name: string;
  self: boolean;
  /** "mod" / "admin" for operators, so a look-alike name cannot pass for one (as in chat). */
  badge: "mod" | "admin" | undefined;
  /** "connected", or "connection lost" while the server holds a dropped player's seat; our own session's state. */
  state: string;
  /**
   * Round-trip time: our own only. The server does not publish other players'
   * latency (it would tell everyone how far from the server each player is).
   */
  rtt: string | undefined;
}

/** The list's rows: us first, then everyone by name. Pure, so it is unit-tested. */
export function playerRows(
  players: readonly RenderPlayer[],
  own: { connection: ConnectionState; rttMs: number | undefined },
): PlayerRow[] {
  const rows = players.map((player): PlayerRow => {
    const badge = player.role === Role.Admin ? "admin" : player.role === Role.Moderator ? "mod" : undefined;
    if (player.self) {
      const rtt = own.rttMs === undefined ? undefined : `${Math.round(own.rttMs)} ms`;
      return { sessionId: player.sessionId, name: player.name, self: true, badge, state: own.connection, rtt };
    }
    const state = player.connected ? "connected" : "connection lost";
    return { sessionId: player.sessionId, name: player.name, self: false, badge, state, rtt: undefined };
  });
  return rows.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

/** The panel the HUD's player count opens: who is in the room, their role and connection. */
export class PlayerList {
  private readonly panel = byId("player-list");
  private readonly body = byId<HTMLOListElement>("player-list-rows");
  private readonly button = byId("hud-players");
  private readonly abort = new AbortController();

  constructor() {
    const { signal } = this.abort;
    this.button.addEventListener("click", () => this.toggle(), { signal });
    byId("player-list-close").addEventListener("click", () => this.toggle(false), { signal });
    this.toggle(false);
  }

  get open(): boolean {
    return !this.panel.hidden;
  }

  toggle(open = !this.open): void {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
  }

  /** Redraw the rows (the HUD calls it a few times a second while the panel is open). */
  render(rows: readonly PlayerRow[]): void {
    if (!this.open) return;
    this.body.replaceChildren(...rows.map(renderRow));
  }

  dispose(): void {
    this.abort.abort();
    this.toggle(false);
    this.body.replaceChildren();
  }
}

function renderRow(row: PlayerRow): HTMLLIElement {
  const item = el("li");
  item.dataset.sessionId = row.sessionId;
  item.dataset.state = row.state;
  const name = el("span", { className: "name", text: row.name });
  item.append(name);
  if (row.badge !== undefined) item.append(el("span", { className: `badge ${row.badge}`, text: row.badge }));
  if (row.self) item.append(el("span", { className: "you", text: "you" }));
  item.append(el("span", { className: "state", text: row.state }));
  item.append(el("span", { className: "rtt", text: row.rtt ?? "" }));
  return item;
}
