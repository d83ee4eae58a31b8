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
  /** Join order: each pair is decided once, by its lower-order member. */
  readonly order: number;
  cell: number;
  /** Position read once per update: entity.x/y are schema accessors, and each pair reads both. */
  x: number;
  y: number;
  /**
   * Members in view. Symmetric (a sees b exactly when b sees a: same distance,
   * same radii, same history), so one set serves as both "sees" and "seen by".
   */
  readonly near: Set<Member<E>>;
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
 * drops pairs now beyond `leaveRadius`, and adds pairs within `enterRadius`.
 * Between the two radii nothing changes, so an entity pacing along the edge
 * does not flicker in and out (each flip would cost a full ADD of the entity).
 *
 * Visibility is mutual, so each pair is decided once and applied to both
 * viewers: measured at 1,000 players on 4000², deciding each pair from both
 * sides and reading positions through the schema accessors made this the
 * largest self-time entry of the server profile (~15%).
 */
export class InterestGrid<E extends Position> {
  private readonly cellSize: number;
  private readonly enter2: number;
  private readonly leave2: number;
  private readonly cells = new Map<number, Set<Member<E>>>();
  private readonly members = new Map<string, Member<E>>();
  private nextOrder = 0;

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
    const { x, y } = entity;
    const member: Member<E> = {
      id,
      entity,
      viewer,
      order: this.nextOrder++,
      cell: this.cellOf(x, y),
      x,
      y,
      near: new Set(),
    };
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
    for (const other of member.near) {
      other.near.delete(member);
      other.viewer.remove(member.entity);
    }
    member.near.clear();
  }

  /** Re-bucket, then settle every pair. Call once per tick, after movement. */
  update(): void {
    for (const member of this.members.values()) {
      member.x = member.entity.x;
      member.y = member.entity.y;
      const cell = this.cellOf(member.x, member.y);
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

  /** Ids `id` currently sees, itself excluded (WorldVisibility: chat audiences and debug snapshots). */
  visibleTo(id: string): string[] {
    const member = this.members.get(id);
    return member === undefined ? [] : [...member.near].map((m) => m.id);
  }

  private dropDistant(member: Member<E>): void {
    for (const other of member.near) {
      if (other.order < member.order || distance2(member, other) <= this.leave2) continue;
      member.near.delete(other);
      other.near.delete(member);
      member.viewer.remove(other.entity);
      other.viewer.remove(member.entity);
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
          if (other.order <= member.order || distance2(member, other) > this.enter2 || member.near.has(other)) continue;
          member.near.add(other);
          other.near.add(member);
          member.viewer.add(other.entity);
          other.viewer.add(member.entity);
        }
      }
    }
  }

  private cellOf(x: number, y: number): number {
    const cx = Math.max(0, Math.floor(x / this.cellSize));
    const cy = Math.max(0, Math.floor(y / this.cellSize));
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

function distance2(a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  return dx * dx + dy * dy;
}
