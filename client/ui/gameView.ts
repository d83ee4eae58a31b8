import { TouchJoystick } from "../input/joystick.ts";
import { KeyboardInput } from "../input/keyboard.ts";
import { isTypingTarget } from "../input/keys.ts";
import type { GameSession, RenderPlayer } from "../net/session.ts";
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
  }

  private frame(now: number): void {
    const touch = this.joystick.direction();
    const direction = touch.dx !== 0 || touch.dy !== 0 ? touch : this.keyboard.direction();
    this.lastPlayers = this.session.frame(now, direction);
    this.renderer.draw(this.lastPlayers);
    this.hud.update(now, this.session.connection, this.session.metrics.snapshot(now), this.lastPlayers.length);
    this.hud.setRoomTitle(this.session.title);
    this.reconnecting.update(now, this.session.connection === "reconnecting", this.session.reconnectGraceSeconds);
    this.frames++;
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
