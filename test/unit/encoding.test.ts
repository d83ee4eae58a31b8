import { Decoder, Encoder } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { ArenaState, Player, applyInput, TICK_SECONDS } from "../../shared/index.ts";

/** A room of `count` players, encoded once and decoded into a fresh client. */
function room(count: number) {
  const state = new ArenaState();
  for (let i = 0; i < count; i++) {
    const p = new Player();
    Object.assign(p, { id: `id-${i}`, name: `Player-${i}`, role: "player", x: 100 + i * 7, y: 200 + i * 3, hue: i });
    state.players.set(`s${i}`, p);
  }
  const encoder = new Encoder(state);
  const client = new Decoder(new ArenaState());
  client.decode(encoder.encodeAll());
  encoder.discardChanges();
  return { state, encoder, client };
}

describe("wire cost of movement", () => {
  it("is 8 bytes per player whose x and y changed, and the client decodes the exact positions", () => {
    const { state, encoder, client } = room(100);
    for (const p of state.players.values()) applyInput(p, { dx: 0.6, dy: -0.8 }, TICK_SECONDS);
    const patch = encoder.encode();
    client.decode(patch);
    // refId switch (2) + x (index 1 + uint16 2) + y (1 + 2) = 8 per player; the root's map switch is amortised.
    expect(patch.length).toBeLessThanOrEqual(100 * 8 + 4);
    expect(patch.length / 100).toBeGreaterThan(7);
    for (const [id, p] of state.players) {
      const seen = client.state.players.get(id);
      expect({ x: seen?.x, y: seen?.y }).toEqual({ x: p.x, y: p.y });
    }
  });

  it("sends nothing for a tick in which nobody moved (name, hue, id, role never re-sent)", () => {
    const { state, encoder } = room(10);
    for (const p of state.players.values()) applyInput(p, { dx: 0, dy: 0 }, TICK_SECONDS);
    expect(encoder.encode().length).toBe(0);
  });
});
