import type { Margins } from "./viewport.ts";

/** The HUD row's height when it is one row of small pills (a laptop): the least kept free at the top. */
export const HUD_HEIGHT = 44;
/** Air around the arena, in CSS pixels. */
export const EDGE = 8;
/** Air between the HUD row's measured bottom and the arena. */
const HUD_GAP = 4;
/**
 * Below the letterboxed arena, at least this much room (CSS px) before the
 * arena moves to the top and the chat and joystick go under it (a phone in
 * portrait: 390×844 leaves ~580 px).
 */
export const STACK_ROOM = 240;
/** Moving the arena aside for the joystick may shrink it by this much at most (a phone in landscape). */
const ASIDE_MAX_LOSS = 0.1;

/** What sits around the canvas, in CSS pixels. */
export interface Chrome {
  /** Where the HUD row ends (its bottom edge; more than HUD_HEIGHT when its pills are 44 px touch targets). */
  hudBottom: number;
  /** The on-screen joystick's zone (its width plus its margin), 0 when there is none (no touch screen). */
  joystick: number;
}

/**
 * How the arena is framed: `letterbox` (centred, as on a laptop), `stacked`
 * (portrait: at the top, full width, the chat and the joystick below it, over
 * none of it) or `aside` (landscape touch: left of the joystick).
 */
export type ArenaLayout = "letterbox" | "stacked" | "aside";

/** The arena's margins (CSS px) for a canvas of `width`×`height` and a map of `map`. */
export function arenaLayout(
  width: number,
  height: number,
  map: { width: number; height: number },
  chrome: Chrome,
): { layout: ArenaLayout; margins: Margins } {
  const margins: Margins = {
    top: Math.max(HUD_HEIGHT, chrome.hudBottom + HUD_GAP),
    right: EDGE,
    bottom: EDGE,
    left: EDGE,
  };
  const fit = (m: Margins) =>
    Math.max(Math.min((width - m.left - m.right) / map.width, (height - m.top - m.bottom) / map.height), 0);
  const scale = fit(margins);
  const below = height - margins.top - margins.bottom - map.height * scale;
  if (height > width && below >= STACK_ROOM) {
    return { layout: "stacked", margins: { ...margins, bottom: margins.bottom + below } };
  }
  if (chrome.joystick > 0 && width > height) {
    const aside = { ...margins, right: chrome.joystick };
    if (fit(aside) >= scale * (1 - ASIDE_MAX_LOSS)) return { layout: "aside", margins: aside };
  }
  return { layout: "letterbox", margins };
}
