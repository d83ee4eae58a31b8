import { PLAYER_RADIUS, PLAYER_SPEED, POSITION_SCALE, TICK_SECONDS, WORLD_HEIGHT, WORLD_WIDTH } from "./constants.ts";

/** What `applyInput` moves: the server's `Player`, or the client's predicted copy. */
export interface Position {
  x: number;
  y: number;
}

/** A movement intent; structurally `MoveInput`, so plain objects work in tests. */
export interface Direction {
  readonly dx: number;
  readonly dy: number;
}

export interface WorldBounds {
  readonly width: number;
  readonly height: number;
}

export const ARENA_BOUNDS: WorldBounds = { width: WORLD_WIDTH, height: WORLD_HEIGHT };

/**
 * Advance one player by one input. Pure and deterministic: the server runs it in
 * its fixed step and the client's reconciler replays it, so both must land on
 * the same numbers.
 *
 * - A non-finite component voids the whole input (no movement): a malformed
 *   frame must not half-apply.
 * - Directions longer than 1 are normalised, so diagonals are not faster.
 * - `dtSeconds` is clamped to one tick: no caller can buy extra distance.
 * - Each axis' displacement is truncated toward zero onto the 1/16 grid, so the
 *   step never exceeds PLAYER_SPEED / TICK_HZ and positions stay exactly
 *   representable by the wire's fixed point.
 */
export function applyInput(
  player: Position,
  input: Direction,
  dtSeconds: number,
  bounds: WorldBounds = ARENA_BOUNDS,
): void {
  let { dx, dy } = input;
  if (!Number.isFinite(dx) || !Number.isFinite(dy) || !Number.isFinite(dtSeconds)) return;

  const length = Math.hypot(dx, dy);
  if (length === 0) return;
  if (length > 1) {
    dx /= length;
    dy /= length;
  }

  const reach = PLAYER_SPEED * Math.min(Math.max(dtSeconds, 0), TICK_SECONDS);
  player.x = clampAxis(snap(player.x) + truncateToGrid(dx * reach), bounds.width);
  player.y = clampAxis(snap(player.y) + truncateToGrid(dy * reach), bounds.height);
}

/** Keep a centre inside [PLAYER_RADIUS, size - PLAYER_RADIUS]. */
export function clampAxis(value: number, size: number): number {
  return Math.min(Math.max(value, PLAYER_RADIUS), size - PLAYER_RADIUS);
}

/** Nearest point of the 1/16 grid (positions written by anything but applyInput). */
export function snap(value: number): number {
  return Math.round(value * POSITION_SCALE) / POSITION_SCALE;
}

function truncateToGrid(value: number): number {
  return Math.trunc(value * POSITION_SCALE) / POSITION_SCALE;
}
