import type { KeyValueStore } from "../net/identity.ts";
import { byId } from "./dom.ts";

const SEEN_KEY = "tickwire.controlsHintSeen";

/**
 * The controls, shown on a player's first join until they move or close it,
 * then never again on this browser (remembered in localStorage). A touch
 * screen is told about the stick, a keyboard about WASD.
 */
export class ControlsHint {
  private readonly root = byId("controls-hint");
  private readonly abort = new AbortController();

  constructor(
    private readonly storage: KeyValueStore,
    touch: boolean,
  ) {
    // One line on a laptop screen: the player count and the net graph explain themselves (titles, /help).
    byId("controls-hint-text").textContent = touch
      ? "Drag the stick to move · Tap the chat box to talk"
      : "Move with WASD or the arrow keys · Enter to chat, Esc to stop";
    byId("controls-hint-close").addEventListener("click", () => this.dismiss(), { signal: this.abort.signal });
    this.root.hidden = this.seen();
  }

  /** Called every frame: once the player moves (or opens the player list) they have found the controls. */
  found(yes: boolean): void {
    if (yes && !this.root.hidden) this.dismiss();
  }

  dismiss(): void {
    this.root.hidden = true;
    try {
      this.storage.setItem(SEEN_KEY, "1");
    } catch {
      // Storage blocked: the hint comes back next time, which is harmless.
    }
  }

  dispose(): void {
    this.abort.abort();
    this.root.hidden = true;
  }

  private seen(): boolean {
    try {
      return this.storage.getItem(SEEN_KEY) !== null;
    } catch {
      return false;
    }
  }
}
