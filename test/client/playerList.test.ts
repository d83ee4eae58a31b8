import { describe, expect, it } from "vitest";
import type { RenderPlayer } from "../../client/net/session.ts";
import { playerRows } from "../../client/ui/playerList.ts";

function player(sessionId: string, name: string, extra: Partial<RenderPlayer> = {}): RenderPlayer {
  return {
    sessionId,
    name,
    hue: 0,
    x: 0,
    y: 0,
    serverX: 0,
    serverY: 0,
    self: false,
    role: "player",
    connected: true,
    ...extra,
  };
}

describe("playerRows", () => {
  it("puts us first with our connection and RTT, then the others by name with their state and badge", () => {
    const rows = playerRows(
      [
        player("c", "Zed", { connected: false }),
        player("a", "Mo", { role: "moderator" }),
        player("me", "Bob", { self: true }),
        player("d", "Ann", { role: "admin" }),
      ],
      { connection: "connected", rttMs: 37.6 },
    );
    expect(rows).toEqual([
      { sessionId: "me", name: "Bob", self: true, badge: undefined, state: "connected", rtt: "38 ms" },
      { sessionId: "d", name: "Ann", self: false, badge: "admin", state: "connected", rtt: undefined },
      { sessionId: "a", name: "Mo", self: false, badge: "mod", state: "connected", rtt: undefined },
      { sessionId: "c", name: "Zed", self: false, badge: undefined, state: "connection lost", rtt: undefined },
    ]);
  });

  it("shows our own reconnecting state, and no RTT before the first ping", () => {
    const [me] = playerRows([player("me", "Bob", { self: true })], { connection: "reconnecting", rttMs: undefined });
    expect(me).toMatchObject({ state: "reconnecting", rtt: undefined });
  });
});
