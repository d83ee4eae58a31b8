/** Movement keys by `KeyboardEvent.code` (layout-independent: WASD stays put on AZERTY). */
const DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

export function isMovementKey(code: string): boolean {
  return code in DIRECTIONS;
}

/**
 * The direction the held keys ask for, each axis in [-1, 1]. Opposite keys
 * cancel. Diagonals come out as (±1, ±1): `applyInput` normalises them on both
 * sides, so they are not faster.
 */
export function directionFromKeys(held: ReadonlySet<string>): { dx: number; dy: number } {
  let dx = 0;
  let dy = 0;
  for (const code of held) {
    const d = DIRECTIONS[code];
    if (d === undefined) continue;
    dx += d[0];
    dy += d[1];
  }
  return { dx: Math.sign(dx), dy: Math.sign(dy) };
}

/** True when keystrokes belong to a text field (chat, name), not to the game. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (target === null || typeof (target as Partial<HTMLElement>).tagName !== "string") return false;
  const element = target as HTMLElement;
  return element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.isContentEditable;
}
