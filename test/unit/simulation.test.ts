import { describe, expect, it } from "vitest";
import {
  MAX_STEP_DISTANCE,
  PLAYER_RADIUS,
  POSITION_SCALE,
  TICK_SECONDS,
  WORLD_HEIGHT,
  WORLD_WIDTH,
  applyInput,
  seededRandom,
  type Position,
} from "../../shared/index.ts";

const centre = (): Position => ({ x: WORLD_WIDTH / 2, y: WORLD_HEIGHT / 2 });
const distance = (a: Position, b: Position) => Math.hypot(a.x - b.x, a.y - b.y);
const onGrid = (v: number) => Number.isInteger(v * POSITION_SCALE);

describe("applyInput", () => {
  it("moves exactly PLAYER_SPEED / TICK_HZ per tick at full stick", () => {
    const p = centre();
    applyInput(p, { dx: 1, dy: 0 }, TICK_SECONDS);
    expect(p).toEqual({ x: WORLD_WIDTH / 2 + MAX_STEP_DISTANCE, y: WORLD_HEIGHT / 2 });
    applyInput(p, { dx: 0, dy: -1 }, TICK_SECONDS);
    expect(p).toEqual({ x: WORLD_WIDTH / 2 + MAX_STEP_DISTANCE, y: WORLD_HEIGHT / 2 - MAX_STEP_DISTANCE });
  });

  it("normalises directions longer than 1", () => {
    const p = centre();
    applyInput(p, { dx: 1000, dy: 0 }, TICK_SECONDS);
    expect(distance(p, centre())).toBe(MAX_STEP_DISTANCE);
  });

  it("does not make diagonal movement faster", () => {
    const p = centre();
    applyInput(p, { dx: 1, dy: 1 }, TICK_SECONDS);
    const moved = distance(p, centre());
    expect(moved).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
    // Truncation onto the 1/16 grid costs at most one grid step per axis.
    expect(moved).toBeGreaterThan(MAX_STEP_DISTANCE - Math.SQRT2 / POSITION_SCALE);
  });

  it("keeps partial stick proportional", () => {
    const p = centre();
    applyInput(p, { dx: 0.5, dy: 0 }, TICK_SECONDS);
    expect(p.x - WORLD_WIDTH / 2).toBe(MAX_STEP_DISTANCE / 2);
  });

  it.each([
    ["NaN dx", { dx: Number.NaN, dy: 1 }],
    ["NaN dy", { dx: 1, dy: Number.NaN }],
    ["Infinity", { dx: Number.POSITIVE_INFINITY, dy: 0 }],
    ["-Infinity", { dx: 0, dy: Number.NEGATIVE_INFINITY }],
  ])("ignores an input with %s", (_label, input) => {
    const p = centre();
    applyInput(p, input, TICK_SECONDS);
    expect(p).toEqual(centre());
  });

  it("ignores a non-finite dt and caps a large one to one tick", () => {
    const p = centre();
    applyInput(p, { dx: 1, dy: 0 }, Number.NaN);
    expect(p).toEqual(centre());
    applyInput(p, { dx: 1, dy: 0 }, 10);
    expect(p.x - WORLD_WIDTH / 2).toBe(MAX_STEP_DISTANCE);
    const q = centre();
    applyInput(q, { dx: 1, dy: 0 }, -1);
    expect(q).toEqual(centre());
  });

  it("keeps players inside the world bounds", () => {
    const p = { x: PLAYER_RADIUS + 3, y: WORLD_HEIGHT - PLAYER_RADIUS - 3 };
    applyInput(p, { dx: -1, dy: 0 }, TICK_SECONDS);
    expect(p.x).toBe(PLAYER_RADIUS);
    for (let i = 0; i < 10; i++) applyInput(p, { dx: 0, dy: 1 }, TICK_SECONDS);
    expect(p.y).toBe(WORLD_HEIGHT - PLAYER_RADIUS);
    const far = { x: 1e9, y: -1e9 };
    applyInput(far, { dx: 0.1, dy: 0 }, TICK_SECONDS);
    expect(far).toEqual({ x: WORLD_WIDTH - PLAYER_RADIUS, y: PLAYER_RADIUS });
  });

  it("snaps an off-grid position onto the 1/16 grid", () => {
    const p = { x: 100.01, y: 100.97 };
    applyInput(p, { dx: 0.3, dy: -0.3 }, TICK_SECONDS);
    expect(onGrid(p.x) && onGrid(p.y)).toBe(true);
  });

  it("never exceeds the cap, leaves the world or leaves the grid over a random walk", () => {
    const random = seededRandom(42);
    const p = centre();
    for (let i = 0; i < 5000; i++) {
      const before = { ...p };
      // Mostly sane inputs, with hostile magnitudes mixed in.
      const scale = random() < 0.1 ? 1e6 : 2;
      applyInput(p, { dx: (random() - 0.5) * scale, dy: (random() - 0.5) * scale }, TICK_SECONDS);
      expect(distance(p, before)).toBeLessThanOrEqual(MAX_STEP_DISTANCE);
      expect(p.x).toBeGreaterThanOrEqual(PLAYER_RADIUS);
      expect(p.x).toBeLessThanOrEqual(WORLD_WIDTH - PLAYER_RADIUS);
      expect(p.y).toBeGreaterThanOrEqual(PLAYER_RADIUS);
      expect(p.y).toBeLessThanOrEqual(WORLD_HEIGHT - PLAYER_RADIUS);
      expect(onGrid(p.x) && onGrid(p.y)).toBe(true);
    }
  });

  it("is deterministic: the same inputs give the same positions", () => {
    const run = () => {
      const random = seededRandom(7);
      const p = centre();
      for (let i = 0; i < 1000; i++) applyInput(p, { dx: random() * 2 - 1, dy: random() * 2 - 1 }, TICK_SECONDS);
      return p;
    };
    expect(run()).toEqual(run());
  });
});
