import { PLAYER_RADIUS, randomInt, snap, type Random, type WorldBounds } from "../../shared/index.ts";

/** A spawn point inside the walls, on the position grid, drawn from the room's PRNG. */
export function spawnPoint(random: Random, bounds: WorldBounds): { x: number; y: number } {
  return {
    x: snap(randomInt(random, PLAYER_RADIUS, bounds.width - PLAYER_RADIUS)),
    y: snap(randomInt(random, PLAYER_RADIUS, bounds.height - PLAYER_RADIUS)),
  };
}
