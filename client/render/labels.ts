/** A name label's box on the canvas, in canvas pixels: where fillText draws it (left edge, top edge). */
export interface LabelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The area labels must stay in: the canvas less a padding, and below the HUD row at the top. */
export interface LabelArea {
  width: number;
  height: number;
  /** Canvas pixels kept free at the top (the HUD pills sit there). */
  top: number;
  pad: number;
}

/**
 * Where a player's name goes: centred above the disc, moved sideways so it
 * never runs off the left or right edge (a player hugging a wall kept half
 * their name before), and below the disc when above would reach into the HUD
 * row or off the top. A label wider than the canvas starts at the left pad.
 */
export function placeLabel(
  centreX: number,
  centreY: number,
  radius: number,
  size: { width: number; height: number },
  area: LabelArea,
  gap = 4,
): LabelBox {
  const maxLeft = area.width - area.pad - size.width;
  const left = Math.max(area.pad, Math.min(centreX - size.width / 2, maxLeft));
  const above = centreY - radius - gap - size.height;
  const below = centreY + radius + gap;
  const top = above >= area.top || below + size.height > area.height - area.pad ? above : below;
  return { left, top, width: size.width, height: size.height };
}
