import {
  PLAYER_RADIUS,
  Player,
  randomInt,
  seededRandom,
  snap,
  type PlayerIdentity,
  type Random,
  type WorldBounds,
} from "../../shared/index.ts";
import { nameKeys, uniqueName } from "../../shared/nameKeys.ts";

/** 1/φ of a turn: the golden angle (≈ 222.5°), for spreading player colours. */
const GOLDEN_TURN = (Math.sqrt(5) - 1) / 2;

/** A spawn point inside the walls, on the position grid, drawn from the room's PRNG. */
export function spawnPoint(random: Random, bounds: WorldBounds): { x: number; y: number } {
  return {
    x: snap(randomInt(random, PLAYER_RADIUS, bounds.width - PLAYER_RADIUS)),
    y: snap(randomInt(random, PLAYER_RADIUS, bounds.height - PLAYER_RADIUS)),
  };
}

/**
 * How a joining player appears in one room: a name unique in it, a spawn
 * point and a colour, drawn from the room's own seeded PRNG (SPAWN_SEED pins
 * it; unset = a random seed per room).
 */
export class Spawner {
  private readonly random: Random;
  /** Position on the colour wheel of the last player to join, in turns (0–1). */
  private hueTurn: number;

  constructor(
    seed: number | undefined,
    private readonly bounds: WorldBounds,
  ) {
    this.random = seededRandom(seed ?? Math.floor(Math.random() * 0xffffffff));
    this.hueTurn = this.random();
  }

  /** A connected player for `identity`, given the players already in the room. */
  spawn(identity: PlayerIdentity, present: Iterable<Player>): Player {
    const player = new Player();
    player.id = identity.playerId;
    player.name = displayName(identity, present);
    player.role = identity.role;
    const spawn = spawnPoint(this.random, this.bounds);
    player.x = spawn.x;
    player.y = spawn.y;
    // Golden-angle steps from a random start: consecutive players get colours
    // far apart on the wheel, where independent random hues often clump.
    this.hueTurn = (this.hueTurn + GOLDEN_TURN) % 1;
    player.hue = Math.floor(this.hueTurn * 256);
    player.connected = true;
    return player;
  }
}

/**
 * The token's name, made unique in this room (see `uniqueName`); another
 * session of the same player (a second tab) keeps the name it already has.
 */
function displayName(identity: PlayerIdentity, present: Iterable<Player>): string {
  let own: string | undefined;
  const taken = new Set<string>();
  for (const player of present) {
    if (player.id === identity.playerId) own = player.name;
    else for (const key of nameKeys(player.name)) taken.add(key);
  }
  return own ?? uniqueName(identity.name, (key) => taken.has(key));
}
