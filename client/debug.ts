import type { RoomName } from "../shared/index.ts";
import type { ConnectionState, RenderPlayer } from "./net/session.ts";
import type { MinimapInfo } from "./render/minimap.ts";
import type { DrawnFrame, DrawnPlayer } from "./render/renderer.ts";

/**
 * A read-only window into the running game for end-to-end tests and curious
 * players: `window.__tickwire.snapshot()`. It returns copies; nothing on it can
 * change the game.
 */
export interface DebugSnapshot {
  screen: "start" | "game";
  roomId: string | undefined;
  sessionId: string | undefined;
  connection: ConnectionState | undefined;
  players: RenderPlayer[];
  /** Where each player's disc and name were drawn in the last frame, in CSS pixels. */
  drawn: DrawnPlayer[];
  frames: number;
  /**
   * What the last frame drew, in CSS pixels: the arena or the world, the
   * camera, each player whose disc reached the canvas (with its fade), and in
   * the world the minimap. Undefined on the start screen.
   */
  view: DebugView | undefined;
}

export interface DebugView extends DrawnFrame {
  kind: RoomName;
  minimap: MinimapInfo | undefined;
}

export interface TickwireDebug {
  snapshot(): DebugSnapshot;
}

declare global {
  interface Window {
    __tickwire?: TickwireDebug;
  }
}

export function installDebugHook(read: () => DebugSnapshot): void {
  const hook: TickwireDebug = Object.freeze({
    snapshot: () => structuredClone(read()),
  });
  Object.defineProperty(window, "__tickwire", { value: hook, writable: false, configurable: false });
}
