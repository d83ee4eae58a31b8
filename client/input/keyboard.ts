import { directionFromKeys, isMovementKey, isTypingTarget } from "./keys.ts";

/**
 * Held movement keys. Keystrokes aimed at a text field are ignored (typing in
 * chat never moves the player), and everything is released when the window
 * loses focus so a player does not keep running after alt-tab.
 */
export class KeyboardInput {
  private readonly held = new Set<string>();
  private readonly abort = new AbortController();

  constructor(target: Window = window) {
    const { signal } = this.abort;
    target.addEventListener(
      "keydown",
      (event) => {
        if (isTypingTarget(event.target) || !isMovementKey(event.code)) return;
        this.held.add(event.code);
        event.preventDefault(); // arrows would scroll
      },
      { signal },
    );
    target.addEventListener("keyup", (event) => this.held.delete(event.code), { signal });
    target.addEventListener("blur", () => this.held.clear(), { signal });
    target.document.addEventListener(
      "focusin",
      (event) => {
        if (isTypingTarget(event.target)) this.held.clear();
      },
      { signal },
    );
  }

  direction(): { dx: number; dy: number } {
    return directionFromKeys(this.held);
  }

  dispose(): void {
    this.abort.abort();
    this.held.clear();
  }
}
