import type { WorldBounds } from "../../shared/index.ts";
import type { Margins, Viewport } from "./viewport.ts";

/**
 * How much of the open world the camera shows: the canvas' shorter side spans
 * this many view radii, so a player entering the view (at one radius) or
 * leaving it (at radius + margin, 1.25 radii by default) is on screen in every
 * direction and is seen fading rather than popping at the edge.
 */
export const VIEW_SPAN_RADII = 2.5;
/** Never smaller than this many canvas pixels per unit per device pixel: a disc stays ≥ 8 CSS px across. */
export const MIN_SCALE = 0.5;
/**
 * How far past the map's edge the camera may look, in world units: a player
 * against the wall keeps room around it for its disc's ring and its name.
 */
export const EDGE_PAD = 60;

/** Canvas pixels per world unit for the world camera (ratio: the device pixel ratio). */
export function worldScale(canvasWidth: number, canvasHeight: number, viewRadius: number, ratio: number): number {
  const shorter = Math.max(Math.min(canvasWidth, canvasHeight), 0);
  return Math.max(shorter / (VIEW_SPAN_RADII * viewRadius), MIN_SCALE * ratio);
}

/**
 * A camera centred on `focus` (the local player), at `scale`, kept inside the
 * map (plus EDGE_PAD) so little screen is spent beyond its edge; on an axis
 * where the whole map is narrower than the canvas, the map is centred instead. The area within the
 * margins is what is framed (the top holds the HUD).
 */
export function followCamera(
  canvasWidth: number,
  canvasHeight: number,
  bounds: WorldBounds,
  focus: { x: number; y: number },
  scale: number,
  margins: Margins,
): Viewport {
  return {
    scale,
    offsetX: axisOffset(canvasWidth, margins.left, margins.right, bounds.width, focus.x, scale),
    offsetY: axisOffset(canvasHeight, margins.top, margins.bottom, bounds.height, focus.y, scale),
  };
}

function axisOffset(canvas: number, before: number, after: number, size: number, focus: number, scale: number): number {
  const room = canvas - before - after;
  const span = size * scale;
  if (span <= room) return before + (room - span) / 2;
  const pad = EDGE_PAD * scale;
  const centred = before + room / 2 - focus * scale;
  // Neither edge of the map comes further inside the framed area than the pad.
  return Math.min(Math.max(centred, before + room - span - pad), before + pad);
}
