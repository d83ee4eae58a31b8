import { byId } from "./dom.ts";

/**
 * The words over the game while the connection is being won back: how long
 * the server still holds this player's place (the room's
 * RECONNECT_GRACE_S, from its state), counted down from when it dropped.
 * Pure, so it is unit-tested.
 */
export function reconnectText(elapsedMs: number, graceSeconds: number): string {
  const left = Math.ceil(graceSeconds - elapsedMs / 1000);
  if (graceSeconds <= 0 || left <= 0) return "Connection lost. Still trying to reconnect…";
  return `Connection lost. Reconnecting… your place is kept for ${left} s`;
}

/** Shown while the session is reconnecting; the canvas underneath stays as it was. */
export class ReconnectOverlay {
  private readonly root = byId("reconnect-overlay");
  private readonly text = byId("reconnect-text");
  private since: number | undefined;

  /** Called every frame with whether the session is reconnecting now. */
  update(now: number, reconnecting: boolean, graceSeconds: number): void {
    if (!reconnecting) {
      if (this.since !== undefined) this.hide();
      return;
    }
    this.since ??= now;
    const words = reconnectText(now - this.since, graceSeconds);
    if (this.text.textContent !== words) this.text.textContent = words;
    this.root.hidden = false;
  }

  hide(): void {
    this.since = undefined;
    this.root.hidden = true;
  }
}
