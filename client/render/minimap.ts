import type { WorldBounds } from "../../shared/index.ts";
import type { RenderPlayer } from "../net/session.ts";
import type { Viewport } from "./viewport.ts";

/** What the minimap drew this frame (for the debug hook and its tests). */
export interface MinimapInfo {
  mapSize: WorldBounds;
  viewRadius: number;
  /** The local player's position, in world units. */
  self: { x: number; y: number } | undefined;
  /** Players drawn as dots: exactly those the server currently sends (the local player included). */
  dots: number;
}

/**
 * The whole open world in a corner: the local player, the circle within which
 * the server sends other players (VIEW_RADIUS), the players it sends now, and
 * the part of the map the main camera shows. Far players are not on it: the
 * client never learns where they are.
 */
export class Minimap {
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("2D canvas is not available");
    this.context = context;
  }

  set visible(visible: boolean) {
    this.canvas.hidden = !visible;
  }

  /** `camera` is the main canvas' viewport, `screen` its size, both in canvas pixels. */
  draw(
    players: readonly RenderPlayer[],
    map: WorldBounds,
    viewRadius: number,
    camera: Viewport,
    screen: { width: number; height: number },
  ): MinimapInfo {
    const ratio = window.devicePixelRatio || 1;
    const side = Math.round(this.canvas.clientWidth * ratio);
    if (this.canvas.width !== side || this.canvas.height !== side) {
      this.canvas.width = side;
      this.canvas.height = side;
    }
    const ctx = this.context;
    const scale = side / Math.max(map.width, map.height);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, side, side);
    ctx.fillStyle = "#1a222d";
    ctx.fillRect(0, 0, map.width * scale, map.height * scale);

    // The main camera's frame.
    ctx.strokeStyle = "rgba(255, 255, 255, 0.35)";
    ctx.lineWidth = 1;
    ctx.strokeRect(
      (-camera.offsetX / camera.scale) * scale,
      (-camera.offsetY / camera.scale) * scale,
      (screen.width / camera.scale) * scale,
      (screen.height / camera.scale) * scale,
    );

    const self = players.find((p) => p.self);
    if (self !== undefined) {
      ctx.beginPath();
      ctx.arc(self.x * scale, self.y * scale, viewRadius * scale, 0, Math.PI * 2);
      ctx.fillStyle = "rgba(76, 194, 255, 0.12)";
      ctx.fill();
      ctx.strokeStyle = "rgba(76, 194, 255, 0.6)";
      ctx.stroke();
    }
    const dot = Math.max(2, 2 * ratio);
    for (const player of players) {
      ctx.beginPath();
      ctx.arc(player.x * scale, player.y * scale, player.self ? dot * 1.5 : dot, 0, Math.PI * 2);
      ctx.fillStyle = player.self ? "#ffffff" : `hsl(${Math.round((player.hue / 256) * 360)} 70% 55%)`;
      ctx.fill();
    }
    return {
      mapSize: { width: map.width, height: map.height },
      viewRadius,
      self: self === undefined ? undefined : { x: self.x, y: self.y },
      dots: players.length,
    };
  }
}
