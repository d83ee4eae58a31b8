import { describe, expect, it } from "vitest";
import { InterestGrid, type Viewer } from "../../server/systems/InterestGrid.ts";
import { seededRandom, type Position } from "../../shared/index.ts";

interface Entity extends Position {
  id: string;
}

/** A viewer that keeps what the grid told it, as a StateView would. */
class RecordingViewer implements Viewer<Entity> {
  readonly visible = new Set<string>();
  add(entity: Entity): void {
    if (this.visible.has(entity.id)) throw new Error(`${entity.id} added twice`);
    this.visible.add(entity.id);
  }
  remove(entity: Entity): void {
    if (!this.visible.delete(entity.id)) throw new Error(`${entity.id} removed but not visible`);
  }
}

function world(enterRadius = 100, leaveRadius = 130) {
  const grid = new InterestGrid<Entity>({ enterRadius, leaveRadius });
  const viewers = new Map<string, RecordingViewer>();
  const entities = new Map<string, Entity>();
  const spawn = (id: string, x: number, y: number) => {
    const entity = { id, x, y };
    const viewer = new RecordingViewer();
    entities.set(id, entity);
    viewers.set(id, viewer);
    grid.add(id, entity, viewer);
    return { entity, viewer };
  };
  return { grid, viewers, entities, spawn };
}

describe("InterestGrid", () => {
  it("shows a viewer its own entity at once, and others from the next update", () => {
    const { grid, spawn } = world();
    const a = spawn("a", 500, 500);
    spawn("b", 550, 500);
    expect([...a.viewer.visible]).toEqual(["a"]);
    grid.update();
    expect([...a.viewer.visible].sort()).toEqual(["a", "b"]);
  });

  it("adds within the enter radius, keeps until beyond the leave radius (hysteresis)", () => {
    const { grid, spawn } = world(100, 130);
    const a = spawn("a", 500, 500);
    const b = spawn("b", 620, 500);
    grid.update();
    expect(a.viewer.visible.has("b")).toBe(false); // 120: outside enter
    b.entity.x = 600;
    grid.update();
    expect(a.viewer.visible.has("b")).toBe(true); // 100: enters
    b.entity.x = 630;
    grid.update();
    expect(a.viewer.visible.has("b")).toBe(true); // 130: between radii, stays
    b.entity.x = 630.0625;
    grid.update();
    expect(a.viewer.visible.has("b")).toBe(false); // just past leave: removed
    b.entity.x = 620;
    grid.update();
    expect(a.viewer.visible.has("b")).toBe(false); // 120: between radii, stays out
  });

  it("finds neighbours across cell borders and in every direction", () => {
    const { grid, spawn } = world(100, 130);
    // Cells are 130 wide: 259 and 261 sit in cells 1 and 2.
    const a = spawn("a", 259, 259);
    for (const [id, x, y] of [
      ["e", 340, 259],
      ["w", 180, 259],
      ["n", 259, 180],
      ["s", 259, 340],
      ["ne", 320, 320],
    ] as const) {
      spawn(id, x, y);
    }
    grid.update();
    expect([...a.viewer.visible].sort()).toEqual(["a", "e", "n", "ne", "s", "w"]);
  });

  it("removes a departed entity from every view that held it", () => {
    const { grid, spawn } = world();
    const a = spawn("a", 500, 500);
    const b = spawn("b", 520, 500);
    spawn("c", 540, 500);
    grid.update();
    grid.remove("c");
    expect([...a.viewer.visible].sort()).toEqual(["a", "b"]);
    expect([...b.viewer.visible].sort()).toEqual(["a", "b"]);
    grid.update();
    expect(grid.size).toBe(2);
  });

  it("matches a brute-force check on every update of a random walk", () => {
    const enter = 120;
    const leave = 150;
    const { grid, viewers, entities, spawn } = world(enter, leave);
    const random = seededRandom(3);
    for (let i = 0; i < 60; i++) spawn(`p${i}`, random() * 1000, random() * 1000);
    let previous = new Map<string, Set<string>>();
    for (let tick = 0; tick < 200; tick++) {
      for (const e of entities.values()) {
        e.x = Math.min(1000, Math.max(0, e.x + (random() - 0.5) * 40));
        e.y = Math.min(1000, Math.max(0, e.y + (random() - 0.5) * 40));
      }
      grid.update();
      const wrong: string[] = [];
      for (const [id, viewer] of viewers) {
        const self = entities.get(id)!;
        for (const other of entities.values()) {
          if (other.id === id) continue;
          const d = Math.hypot(self.x - other.x, self.y - other.y);
          const expected = d <= enter ? true : d > leave ? false : (previous.get(id)?.has(other.id) ?? false);
          if (viewer.visible.has(other.id) !== expected) wrong.push(`tick ${tick}: ${id}→${other.id} at ${d}`);
        }
        if (grid.visibleTo(id).length !== viewer.visible.size - 1) wrong.push(`tick ${tick}: ${id} visibleTo`);
      }
      expect(wrong).toEqual([]);
      previous = new Map([...viewers].map(([id, v]) => [id, new Set(v.visible)]));
    }
  });

  it("refuses a leave radius smaller than the enter radius", () => {
    expect(() => new InterestGrid({ enterRadius: 100, leaveRadius: 50 })).toThrowError(RangeError);
  });
});
