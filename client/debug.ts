import type { ConnectionState, RenderPlayer } from "./net/session.ts";
import type { DrawnPlayer } from "./render/renderer.ts";

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
