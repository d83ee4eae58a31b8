import { TouchJoystick } from "../input/joystick.ts";
import { KeyboardInput } from "../input/keyboard.ts";
import { isTypingTarget } from "../input/keys.ts";
import type { GameSession, RenderPlayer } from "../net/session.ts";
import { RoomName } from "../../shared/index.ts";
import type { DebugView } from "../debug.ts";
import { FadeTracker } from "../render/fade.ts";
import { Minimap } from "../render/minimap.ts";
import { ArenaRenderer } from "../render/renderer.ts";
import { ChatPanel } from "./chatPanel.ts";
import { byId } from "./dom.ts";
import { Hud } from "./hud.ts";
import { ReconnectOverlay } from "./reconnectOverlay.ts";

/** The in-game screen: canvas, HUD, chat and input, driven by one animation-frame loop. */
export class GameView {
  private readonly root = byId("game");
  private readonly renderer = new ArenaRenderer(byId<HTMLCanvasElement>("arena"));
  private readonly hud = new Hud();
  private readonly reconnecting = new ReconnectOverlay();
  private readonly keyboard = new KeyboardInput();
  private readonly joystick = new TouchJoystick(byId("joystick"), byId("joystick").querySelector("div") as HTMLElement);
  readonly chat: ChatPanel;
  private frameHandle = 0;
  private lastPlayers: RenderPlayer[] = [];
  /** The open world only: players fade as they enter and leave the view, and a minimap shows the map. */
  private readonly fades = new FadeTracker();
  private readonly minimap = new Minimap(byId<HTMLCanvasElement>("minimap"));
  private lastDrawn: DebugView | undefined;
  frames = 0;
  private readonly abort = new AbortController();

  constructor(
    readonly session: GameSession,
    onLeave: () => void,
  ) {
    this.chat = new ChatPanel(
      (text) => session.sendChat(text),
      () => session.sessionId,
      (sessionId) => session.room.state.players.get(sessionId)?.role,
    );
    const { signal } = this.abort;
    byId("hud-leave").addEventListener("click", onLeave, { signal });
    byId("hud-share").addEventListener("click", () => void this.share(), { signal });
    window.addEventListener(
      "keydown",
      (event) => {
        if (event.code === "KeyG" && !isTypingTarget(event.target)) this.hud.toggleGraph();
      },
      { signal },
    );
  }

  get players(): RenderPlayer[] {
    return this.lastPlayers;
  }

  /** What the last frame drew: the camera, the players on the canvas, the minimap (for the debug hook). */
  get drawn(): DebugView | undefined {
    return this.lastDrawn;
  }

  show(): void {
    this.root.hidden = false;
    this.chat.reset();
    this.reconnecting.hide();
    const loop = (now: number) => {
      this.frame(now);
      this.frameHandle = requestAnimationFrame(loop);
    };
    this.frameHandle = requestAnimationFrame(loop);
  }

  dispose(): void {
    cancelAnimationFrame(this.frameHandle);
    this.abort.abort();
    this.keyboard.dispose();
    this.joystick.dispose();
    this.chat.dispose();
    this.reconnecting.hide();
    this.root.hidden = true;
    this.root.classList.remove("world");
    this.minimap.visible = false;
  }

  private frame(now: number): void {
    const touch = this.joystick.direction();
    const direction = touch.dx !== 0 || touch.dy !== 0 ? touch : this.keyboard.direction();
    this.lastPlayers = this.session.frame(now, direction);
    this.draw(now);
    this.hud.update(now, this.session.connection, this.session.metrics.snapshot(now), this.lastPlayers.length);
    this.hud.setRoomTitle(this.session.title);
    this.reconnecting.update(now, this.session.connection === "reconnecting", this.session.reconnectGraceSeconds);
    this.frames++;
  }

  private draw(now: number): void {
    const { kind, bounds, viewRadius } = this.session.map;
    const world = kind === RoomName.World && viewRadius !== undefined;
    this.root.classList.toggle("world", world);
    this.minimap.visible = world;
    if (!world) {
      this.lastDrawn = { ...this.renderer.draw(this.lastPlayers), kind, minimap: undefined };
      return;
    }
    const self = this.lastPlayers.find((p) => p.self);
    const focus = self === undefined ? undefined : { x: self.x, y: self.y };
    const frame = this.renderer.draw(this.fades.update(now, this.lastPlayers), { kind, bounds, viewRadius, focus });
    const minimap = this.minimap.draw(this.lastPlayers, bounds, viewRadius, frame.camera, frame);
    this.lastDrawn = { ...frame, kind, minimap };
  }

  private async share(): Promise<void> {
    const link = `${location.origin}/?room=${encodeURIComponent(this.session.roomId)}`;
    const button = byId("hud-share");
    try {
      await navigator.clipboard.writeText(link);
      button.textContent = "link copied";
    } catch {
      window.prompt("Share this link:", link);
    }
  }
}
