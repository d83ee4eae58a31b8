import { describe, expect, it } from "vitest";
import { roomMap } from "../../client/net/roomMap.ts";
import { ARENA_BOUNDS, ArenaState, WorldState } from "../../shared/index.ts";

describe("roomMap", () => {
  it("the open world's bounds and view radius come from its state", () => {
    const state = new WorldState();
    state.width = 4000;
    state.height = 3000;
    state.viewRadius = 400;
    expect(roomMap("world", state)).toEqual({
      kind: "world",
      bounds: { width: 4000, height: 3000 },
      viewRadius: 400,
    });
  });

  it("the arena is the constant 1600 × 900, with no view radius", () => {
    expect(roomMap("arena", new ArenaState())).toEqual({ kind: "arena", bounds: ARENA_BOUNDS, viewRadius: undefined });
  });
});
