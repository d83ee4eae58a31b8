/**
 * Game constants shared by the authoritative server and the predicting client.
 * Both sides must integrate with the same numbers or prediction drifts.
 */

/** Fixed simulation rate: one buffered input is consumed per player per tick. */
export const TICK_HZ = 20;
/** Fixed step in seconds, the dt every tick integrates with. */
export const TICK_SECONDS = 1 / TICK_HZ;
/** World units per second at full stick. */
export const PLAYER_SPEED = 200;
/** Hard cap of one tick's movement, in world units. */
export const MAX_STEP_DISTANCE = PLAYER_SPEED / TICK_HZ;

export const WORLD_WIDTH = 1600;
export const WORLD_HEIGHT = 900;
/** Default side of the open world (room "world"); at most POSITION_MAX. */
export const OPEN_WORLD_SIZE = 4000;
/** Players' centres stay this far from the walls so their disc stays inside. */
export const PLAYER_RADIUS = 16;

/**
 * Positions are fixed point: 1/16 of a world unit. The wire carries them as
 * uint16 over [0, POSITION_MAX] (65535 steps of exactly 1/16), so a world may be
 * at most 4095.9375 units on a side.
 */
export const POSITION_SCALE = 16;
export const POSITION_MAX = 65535 / POSITION_SCALE;

/** Longest display name, in characters (code points) after sanitising. */
export const NAME_MAX_LENGTH = 16;
/** A room's display name, in code points (room titles: shared/names.ts sanitizeRoomTitle). */
export const ROOM_TITLE_MAX_LENGTH = 24;
/** Longest chat line, in characters (code points) after trimming. */
export const CHAT_MAX_LENGTH = 280;
/**
 * Most stacking combining marks (nonspacing or enclosing) kept on one base
 * character, in names and chat. Legitimate text needs at most 3: Vietnamese
 * decomposed (e + dot below + circumflex: 2), Devanagari (nukta + vowel sign +
 * anusvara: 3), Arabic harakat (shadda + fatha: 2), keycap emoji (U+FE0F +
 * U+20E3: 2). "Zalgo" stacks tens of them to paint over the lines around.
 */
export const MAX_STACKED_MARKS = 3;
/** Chat lines replayed to a joining client. */
export const CHAT_HISTORY_SIZE = 50;
/** Most lines in one "chat:since" answer (the client asks again for more). */
export const CHAT_REPLAY_PAGE = 100;
