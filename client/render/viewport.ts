/** How the world maps onto the canvas: uniform scale, centred, letterboxed. */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Space kept free around the world, in canvas pixels (the top holds the HUD). */
export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

const NO_MARGINS: Margins = { top: 0, right: 0, bottom: 0, left: 0 };

export function fitWorld(
  canvasWidth: number,
  canvasHeight: number,
  worldWidth: number,
  worldHeight: number,
  margins: Margins = NO_MARGINS,
): Viewport {
  const width = canvasWidth - margins.left - margins.right;
  const height = canvasHeight - margins.top - margins.bottom;
  const scale = Math.max(Math.min(width / worldWidth, height / worldHeight), 0);
  return {
    scale,
    offsetX: margins.left + (width - worldWidth * scale) / 2,
    offsetY: margins.top + (height - worldHeight * scale) / 2,
  };
}

export function toScreen(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: view.offsetX + x * view.scale, y: view.offsetY + y * view.scale };
}

export function toWorld(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale };
}
