import { ARENA_BOUNDS, PLAYER_RADIUS, type WorldBounds } from "../../shared/index.ts";
import type { RenderPlayer } from "../net/session.ts";
import { followCamera, worldScale } from "./camera.ts";
import { arenaLayout, EDGE, HUD_HEIGHT, type ArenaLayout, type Chrome } from "./layout.ts";
import { placeLabel, type LabelBox } from "./labels.ts";
import { fitWorld, toScreen, type Viewport } from "./viewport.ts";

const GRID_STEP = 100;
/** Moderators and admins carry a mark next to their name, so a look-alike name cannot pass for one. */
const ROLE_MARK: Readonly<Record<string, string>> = { moderator: " ★mod", admin: " ★admin" };
/** A disc is never drawn smaller than this radius in CSS px (the arena on a phone in portrait: ≥ 10 px across). */
const MIN_DISC_RADIUS = 5;
/** No HUD measured (tests, the first frame): the one-row laptop HUD. */
const NO_CHROME: Chrome = { hudBottom: 0, joystick: 0 };

/** Where one player was drawn in the last frame, in CSS pixels (for the page's own layout and the debug hook). */
export interface DrawnPlayer {
  sessionId: string;
  x: number;
  y: number;
  radius: number;
  label: LabelBox;
  /** Below 1 while the player fades into or out of view. */
  alpha: number;
}

/**
 * What to draw: the whole arena, letterboxed; or the open world through a
 * camera that follows the local player (`focus`), framing a few view radii.
 */
export type Scene =
  | { kind: "arena" }
  | { kind: "world"; bounds: WorldBounds; viewRadius: number; focus: { x: number; y: number } | undefined };

/** A player to draw; `alpha` below 1 while it fades into or out of view (client/render/fade.ts). */
export type DrawPlayer = RenderPlayer & { alpha?: number };

/** What one frame drew, in CSS pixels (for the debug hook and the browser tests). */
export interface DrawnFrame {
  width: number;
  height: number;
  /** World → CSS px: screen = offset + world × scale. */
  camera: Viewport;
  /** The players whose disc reached the canvas: where, how opaque, and where their name went. */
  drawn: DrawnPlayer[];
  /** How the arena was framed (client/render/layout.ts); the world's camera is always `letterbox`. */
  layout: ArenaLayout;
}

/**
 * Draws the arena on a canvas that fills the window, scaled to fit the world
 * with letterboxing (or the open world around the local player), at the
 * device's pixel ratio. Names are drawn with
 * fillText: canvas text is never parsed as markup.
 */
export class ArenaRenderer {
  private readonly context: CanvasRenderingContext2D;
  private view: Viewport = { scale: 1, offsetX: 0, offsetY: 0 };
  private ratio = 1;
  private layout: ArenaLayout = "letterbox";
  private top = HUD_HEIGHT;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext("2d");
    if (context === null) throw new Error("2D canvas is not available");
    this.context = context;
  }

  /** `chrome`: where the page's HUD and joystick are, so the arena (and the labels) stay clear of them. */
  draw(players: readonly DrawPlayer[], scene: Scene = { kind: "arena" }, chrome: Chrome = NO_CHROME): DrawnFrame {
    this.resize(scene, chrome);
    const map = scene.kind === "world" ? scene.bounds : ARENA_BOUNDS;
    const ratio = window.devicePixelRatio || 1;
    const ctx = this.context;
    const { scale } = this.view;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#0b0e12";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);

    const origin = toScreen(this.view, 0, 0);
    ctx.fillStyle = "#151b23";
    ctx.fillRect(origin.x, origin.y, map.width * scale, map.height * scale);
    ctx.strokeStyle = "#1d2530";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = GRID_STEP; x < map.width; x += GRID_STEP) {
      const p = toScreen(this.view, x, 0);
      ctx.moveTo(p.x, origin.y);
      ctx.lineTo(p.x, origin.y + map.height * scale);
    }
    for (let y = GRID_STEP; y < map.height; y += GRID_STEP) {
      const p = toScreen(this.view, 0, y);
      ctx.moveTo(origin.x, p.y);
      ctx.lineTo(origin.x + map.width * scale, p.y);
    }
    ctx.stroke();
    ctx.strokeStyle = "#2b3645";
    ctx.lineWidth = 2;
    ctx.strokeRect(origin.x, origin.y, map.width * scale, map.height * scale);

    // The local player is drawn last, on top.
    const ordered = [...players].sort((a, b) => Number(a.self) - Number(b.self));
    const radius = Math.max(PLAYER_RADIUS * scale, MIN_DISC_RADIUS * this.ratio);
    const fontSize = Math.max(11, Math.round(14 * Math.min(scale * 1.5, 1.4)));
    ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    const area = {
      width: this.canvas.width,
      height: this.canvas.height,
      top: this.top * this.ratio,
      pad: 4 * this.ratio,
    };
    const drawn: DrawnPlayer[] = [];
    for (const player of ordered) {
      const p = toScreen(this.view, player.x, player.y);
      const reach = radius * 1.6;
      // Off the canvas (the world is larger than the screen): nothing to draw.
      if (p.x < -reach || p.y < -reach || p.x > this.canvas.width + reach || p.y > this.canvas.height + reach) continue;
      const alpha = player.alpha ?? 1;
      ctx.globalAlpha = alpha;
      const hue = Math.round((player.hue / 256) * 360);
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, Math.PI * 2);
      // A player whose connection dropped keeps their place, greyed, until they return or time out.
      ctx.fillStyle = player.connected ? `hsl(${hue} 70% 55%)` : `hsl(${hue} 10% 35%)`;
      ctx.fill();
      if (player.self) {
        ctx.lineWidth = Math.max(2, radius * 0.25);
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
        ctx.beginPath();
        ctx.arc(p.x, p.y, radius * 1.6, 0, Math.PI * 2);
        ctx.strokeStyle = "rgba(255,255,255,0.25)";
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
      ctx.fillStyle = player.self ? "#ffffff" : "#cfd6e2";
      const status = player.self ? " (you)" : player.connected ? "" : " (disconnected)";
      const text = `${player.name}${ROLE_MARK[player.role] ?? ""}${status}`;
      const label = placeLabel(p.x, p.y, radius, { width: ctx.measureText(text).width, height: fontSize }, area);
      ctx.fillText(text, label.left, label.top);
      const css = (v: number) => v / this.ratio;
      drawn.push({
        sessionId: player.sessionId,
        x: css(p.x),
        y: css(p.y),
        radius: css(radius),
        label: { left: css(label.left), top: css(label.top), width: css(label.width), height: css(label.height) },
        alpha,
      });
    }
    ctx.globalAlpha = 1;
    const { scale: s, offsetX, offsetY } = this.view;
    return {
      width: this.canvas.width / ratio,
      height: this.canvas.height / ratio,
      camera: { scale: s / ratio, offsetX: offsetX / ratio, offsetY: offsetY / ratio },
      drawn,
      layout: this.layout,
    };
  }

  /** Match the backing store to the element's size at the device pixel ratio. */
  private resize(scene: Scene, chrome: Chrome): void {
    const ratio = window.devicePixelRatio || 1;
    this.ratio = ratio;
    const width = Math.round(this.canvas.clientWidth * ratio);
    const height = Math.round(this.canvas.clientHeight * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    // Keep the HUD row (≈ 44 CSS px on a laptop, more with touch-sized pills) clear of the world, and a little air
    // elsewhere; on a phone the arena also keeps clear of the chat and the joystick (layout.ts).
    const css = { width: width / ratio, height: height / ratio };
    const framed = arenaLayout(css.width, css.height, ARENA_BOUNDS, chrome);
    this.top = framed.margins.top;
    if (scene.kind === "arena") {
      this.layout = framed.layout;
      const a = framed.margins;
      const margins = { top: a.top * ratio, right: a.right * ratio, bottom: a.bottom * ratio, left: a.left * ratio };
      this.view = fitWorld(width, height, ARENA_BOUNDS.width, ARENA_BOUNDS.height, margins);
      return;
    }
    this.layout = "letterbox";
    const m = EDGE * ratio;
    const margins = { top: this.top * ratio, right: m, bottom: m, left: m };
    const { bounds, viewRadius, focus } = scene;
    const scale = worldScale(width - 2 * m, height - margins.top - m, viewRadius, ratio);
    const centre = focus ?? { x: bounds.width / 2, y: bounds.height / 2 };
    this.view = followCamera(width, height, bounds, centre, scale, margins);
  }
}
