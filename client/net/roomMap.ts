import { ARENA_BOUNDS, RoomName, type ArenaState, type WorldBounds, type WorldState } from "../../shared/index.ts";

/** The map a joined room plays on, as the client must know it to predict and draw. */
export interface RoomMap {
  kind: RoomName;
  /** What `applyInput` clamps to: the server clamps with the same. */
  bounds: WorldBounds;
  /** The open world's view radius (another player is sent within it); undefined in the arena, where all are sent. */
  viewRadius: number | undefined;
}

/**
 * The arena's map is a constant; the open world's size and view radius are
 * state, set by the server before the first patch (WORLD_SIZE, VIEW_RADIUS).
 * Reading them here, and not assuming the arena, is what keeps prediction from
 * clamping a world player to 1600 × 900 (a ~1,400-unit snap on every move).
 */
export function roomMap(roomName: string, state: ArenaState | WorldState): RoomMap {
  if (roomName !== RoomName.World || !("width" in state) || state.width <= 0 || state.height <= 0)
    return { kind: RoomName.Arena, bounds: ARENA_BOUNDS, viewRadius: undefined };
  return {
    kind: RoomName.World,
    bounds: { width: state.width, height: state.height },
    viewRadius: state.viewRadius > 0 ? state.viewRadius : undefined,
  };
}
