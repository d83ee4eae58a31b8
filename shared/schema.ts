import { schema, t, type SchemaType } from "@colyseus/schema";
import { POSITION_MAX } from "./constants.ts";
import type { Role } from "./identity.ts";

/**
 * A position axis in world units on the 1/16 grid. `t.quantized` over
 * [0, 65535/16] with 16 bits makes each wire step exactly 1/16 unit, so the
 * value the server writes, the value it reads back and the value a client
 * decodes are the same number (prediction replays bit-identically), and an x+y
 * change costs 2 × (1 index byte + 2 bytes) on the wire.
 */
const position = () => t.quantized({ min: 0, max: POSITION_MAX, bits: 16 });

export const Player = schema(
  {
    /** Stable player id from the verified token (not a secret; the token is). */
    id: t.string(),
    name: t.string(),
    role: t.string<Role>(),
    x: position(),
    y: position(),
    /** Colour wheel position, 0–255 mapped to 0–360°; fixed at spawn. */
    hue: t.uint8(),
    /**
     * False while the player's connection is lost and their seat is held for
     * RECONNECT_GRACE_S; they are removed if they do not come back in time.
     */
    connected: t.boolean(),
  },
  "Player",
);
export type Player = SchemaType<typeof Player>;

/**
 * What every room's state says about the room itself, sent once with the
 * first full state (neither changes afterwards): the display name its
 * creator gave (server-sanitised, `sanitizeRoomTitle`; "" for none) and how
 * long a dropped player's place is held (RECONNECT_GRACE_S), which the
 * client counts down while it reconnects.
 */
const roomFields = () => ({
  title: t.string(),
  reconnectGraceSeconds: t.uint16(),
});

export const ArenaState = schema(
  {
    ...roomFields(),
    /** Keyed by sessionId. */
    players: t.map(Player),
  },
  "ArenaState",
);
export type ArenaState = SchemaType<typeof ArenaState>;

/**
 * The open world: the same players, but each client receives only those its
 * `StateView` holds (`.view()` on the map: an entry reaches a client only after
 * the server's interest system `view.add`s it). The map size is state, sent
 * once with the first full state, so the client predicts with the same bounds.
 */
export const WorldState = schema(
  {
    ...roomFields(),
    width: t.uint16(),
    height: t.uint16(),
    /**
     * VIEW_RADIUS: another player enters this client's view within this
     * distance. Sent once, like the size, so the client's minimap can draw
     * the circle the server uses.
     */
    viewRadius: t.uint16(),
    /** Keyed by sessionId; per client, only the players within its view radius. */
    players: t.map(Player).view(),
  },
  "WorldState",
);
export type WorldState = SchemaType<typeof WorldState>;

/**
 * One tick of movement intent: a direction with each axis in [-1, 1].
 * Quantised on the wire (16 bits, exact zero), so whatever a client sends
 * decodes into the range; `applyInput` still treats any value defensively.
 */
export const MoveInput = schema(
  {
    dx: t.quantized({ min: -1, max: 1, bits: 16 }),
    dy: t.quantized({ min: -1, max: 1, bits: 16 }),
  },
  "MoveInput",
);
export type MoveInput = SchemaType<typeof MoveInput>;
