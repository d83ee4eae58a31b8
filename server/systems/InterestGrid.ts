import type { Position } from "../../shared/index.ts";

/** What the grid drives: a `StateView` in the room, a recording fake in tests. */
export interface Viewer<E> {
  add(entity: E): unknown;
  remove(entity: E): unknown;
}

export interface InterestOptions {
  /** An entity enters a viewer's view at this distance or closer... */
  enterRadius: number;
  /** ...and leaves it only beyond this one (>= enterRadius): the gap is the hysteresis. */
  leaveRadius: number;
}

interface Member<E extends Position> {
  readonly id: string;
  readonly entity: E;
  readonly viewer: Viewer<E>;
  cell: number;
  /** Members this one currently sees (never itself). */
  readonly sees: Set<Member<E>>;
  /** Members that currently see this one (reverse index, so a departure is O(watchers)). */
  readonly seenBy: Set<Member<E>>;
}

/** Cells per axis is at most 4096 (world <= 4095 units, cell >= 1 unit), so this packs (cx, cy) uniquely. */
const CELL_KEY_STRIDE = 4096;

/**
 * Area of interest: which entities each viewer receives. The ONE place that
 * drives the world room's `StateView`s.
 *
 * A uniform grid with cells as wide as the leave radius, so every entity a
 * viewer could keep or gain is in its own cell or one of the eight around it.
 * `update()` runs once per tick after movement: it re-buckets moved entities,
 * drops those now beyond `leaveRadius`, and adds those within `enterRadius`.
 * Between the two radii nothing changes, so an entity pacing along the edge
 * does not flicker in and out (each flip would cost a full ADD of the entity).
 */
export class InterestGrid<E extends Position> {
  private readonly cellSize: number;
  private readonly enter2: number;
  private readonly leave2: number;
  private readonly cells = new Map<number, Set<Member<E>>>();
  private readonly members = new Map<string, Member<E>>();

  constructor(options: InterestOptions) {
    if (!(options.enterRadius > 0) || options.leaveRadius < options.enterRadius) {
      throw new RangeError("InterestGrid needs 0 < enterRadius <= leaveRadius");
    }
    this.cellSize = options.leaveRadius;
    this.enter2 = options.enterRadius ** 2;
    this.leave2 = options.leaveRadius ** 2;
  }

  get size(): number {
    return this.members.size;
  }

  /** Track `entity` and show it to its own viewer at once; others see it from the next `update()`. */
  add(id: string, entity: E, viewer: Viewer<E>): void {
    if (this.members.has(id)) throw new Error(`InterestGrid: "${id}" is already tracked`);
    const member: Member<E> = { id, entity, viewer, cell: this.cellOf(entity), sees: new Set(), seenBy: new Set() };
    this.members.set(id, member);
    this.bucket(member.cell).add(member);
    viewer.add(entity);
  }

  /** Stop tracking `id`: it leaves every view that holds it. */
  remove(id: string): void {
    const member = this.members.get(id);
    if (member === undefined) return;
    this.members.delete(id);
    this.cells.get(member.cell)?.delete(member);
    for (const watcher of member.seenBy) {
      watcher.sees.delete(member);
      watcher.viewer.remove(member.entity);
    }
    for (const seen of member.sees) seen.seenBy.delete(member);
  }

  /** Re-bucket, then settle every viewer's set. Call once per tick, after movement. */
  update(): void {
    for (const member of this.members.values()) {
      const cell = this.cellOf(member.entity);
      if (cell === member.cell) continue;
      this.cells.get(member.cell)?.delete(member);
      this.bucket(cell).add(member);
      member.cell = cell;
    }
    for (const member of this.members.values()) {
      this.dropDistant(member);
      this.addNearby(member);
    }
  }

  /** Ids `id` currently sees, itself excluded (debug snapshots and tests). */
  visibleTo(id: string): string[] {
    const member = this.members.get(id);
    return member === undefined ? [] : [...member.sees].map((m) => m.id);
  }

  private dropDistant(member: Member<E>): void {
    for (const other of member.sees) {
      if (distance2(member.entity, other.entity) <= this.leave2) continue;
      member.sees.delete(other);
      other.seenBy.delete(member);
      member.viewer.remove(other.entity);
    }
  }

  private addNearby(member: Member<E>): void {
    const cx = Math.floor(member.cell / CELL_KEY_STRIDE);
    const cy = member.cell % CELL_KEY_STRIDE;
    for (let x = cx - 1; x <= cx + 1; x++) {
      for (let y = cy - 1; y <= cy + 1; y++) {
        if (x < 0 || y < 0) continue;
        const cell = this.cells.get(x * CELL_KEY_STRIDE + y);
        if (cell === undefined) continue;
        for (const other of cell) {
          if (other === member || member.sees.has(other)) continue;
          if (distance2(member.entity, other.entity) > this.enter2) continue;
          member.sees.add(other);
          other.seenBy.add(member);
          member.viewer.add(other.entity);
        }
      }
    }
  }

  private cellOf(position: Position): number {
    const cx = Math.max(0, Math.floor(position.x / this.cellSize));
    const cy = Math.max(0, Math.floor(position.y / this.cellSize));
    return cx * CELL_KEY_STRIDE + cy;
  }

  private bucket(cell: number): Set<Member<E>> {
    let members = this.cells.get(cell);
    if (members === undefined) {
      members = new Set();
      this.cells.set(cell, members);
    }
    return members;
  }
}

function distance2(a: Position, b: Position): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  return dx * dx + dy * dy;
}
