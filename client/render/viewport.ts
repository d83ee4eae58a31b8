/** How the world maps onto the canvas: uniform scale, centred, letterboxed. */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export function fitWorld(canvasWidth: number, canvasHeight: number, worldWidth: number, worldHeight: number): Viewport {
  const scale = Math.max(Math.min(canvasWidth / worldWidth, canvasHeight / worldHeight), 0);
  return {
    scale,
    offsetX: (canvasWidth - worldWidth * scale) / 2,
    offsetY: (canvasHeight - worldHeight * scale) / 2,
  };
}

export function toScreen(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: view.offsetX + x * view.scale, y: view.offsetY + y * view.scale };
}

export function toWorld(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale };
}
