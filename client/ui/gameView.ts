import { TouchJoystick } from "../input/joystick.ts";
import { KeyboardInput } from "../input/keyboard.ts";
import { isTypingTarget } from "../input/keys.ts";
import type { GameSession, RenderPlayer } from "../net/session.ts";
import { ARENA_BOUNDS, RoomName } from "../../shared/index.ts";
import type { DebugView } from "../debug.ts";
import { FadeTracker } from "../render/fade.ts";
import { Minimap } from "../render/minimap.ts";
import { EDGE, type Chrome } from "../render/layout.ts";
import { ArenaRenderer, type DrawnFrame, type DrawnPlayer } from "../render/renderer.ts";
import { ChatPanel } from "./chatPanel.ts";
import { ChatToggle } from "./chatToggle.ts";
import { ControlsHint } from "./controlsHint.ts";
import { byId } from "./dom.ts";
import { Hud } from "./hud.ts";
import { PlayerList, playerRows } from "./playerList.ts";
import { ReconnectOverlay } from "./reconnectOverlay.ts";

/** How long the share button says "link copied" before it reads "share" again. */
const COPIED_MS = 2000;
/** The player list redraws at the HUD's pace. */
const LIST_REDRAW_MS = 250;

/** The in-game screen: canvas, HUD, chat and input, driven by one animation-frame loop. */
export class GameView {
  private readonly root = byId("game");
  private readonly renderer = new ArenaRenderer(byId<HTMLCanvasElement>("arena"));
  private readonly hud = new Hud();
  private readonly reconnecting = new ReconnectOverlay();
  private readonly keyboard = new KeyboardInput();
  private readonly joystick = new TouchJoystick(byId("joystick"), byId("joystick").querySelector("div") as HTMLElement);
  private readonly playerList = new PlayerList();
  private readonly hint = new ControlsHint(window.localStorage, window.matchMedia("(pointer: coarse)").matches);
  readonly chat: ChatPanel;
  private readonly chatToggle = new ChatToggle(window.localStorage);
  private readonly hudRoot = byId("hud");
  private readonly joystickRoot = byId("joystick");
  /** The layout last told to the page's CSS (data-layout, --hud-bottom, --play-bottom), to write only changes. */
  private cssLayout = "";
  private frameHandle = 0;
  private lastListDraw = 0;
  private shareReset: ReturnType<typeof setTimeout> | undefined;
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

  /** Where each player's disc and name were drawn last frame, in CSS pixels. */
  get drawnPlayers(): DrawnPlayer[] {
    return this.lastDrawn?.drawn ?? [];
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
    this.chatToggle.dispose();
    this.playerList.dispose();
    this.hint.dispose();
    clearTimeout(this.shareReset);
    byId("hud-share").textContent = "share";
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
    const net = this.session.metrics.snapshot(now);
    this.hud.update(now, this.session.connection, net, this.lastPlayers.length);
    this.hud.setRoomTitle(this.session.title);
    this.reconnecting.update(now, this.session.connection === "reconnecting", this.session.reconnectGraceSeconds);
    // Moving, or opening the player list (both sit at the top), means the player has found their way.
    this.hint.found(direction.dx !== 0 || direction.dy !== 0 || this.playerList.open);
    // The panel is drawn over the canvas: a player under it would be invisible, so it fades while one is.
    const chatBox = this.chat.bounds();
    this.chat.setSeeThrough(!this.chat.inUse && this.drawnPlayers.some((p) => covers(chatBox, p)));
    if (this.playerList.open && now - this.lastListDraw >= LIST_REDRAW_MS) {
      this.lastListDraw = now;
      this.playerList.render(playerRows(this.lastPlayers, { connection: this.session.connection, rttMs: net.rttMs }));
    }
    this.frames++;
  }

  private draw(now: number): void {
    const { kind, bounds, viewRadius } = this.session.map;
    const world = kind === RoomName.World && viewRadius !== undefined;
    this.root.classList.toggle("world", world);
    this.minimap.visible = world;
    const chrome = this.chrome();
    if (!world) {
      const frame = this.renderer.draw(this.lastPlayers, { kind: "arena" }, chrome);
      this.lastDrawn = { ...frame, kind, minimap: undefined };
      this.applyLayout(frame, chrome, ARENA_BOUNDS.height);
      return;
    }
    const self = this.lastPlayers.find((p) => p.self);
    const focus = self === undefined ? undefined : { x: self.x, y: self.y };
    const scene = { kind, bounds, viewRadius, focus } as const;
    const frame = this.renderer.draw(this.fades.update(now, this.lastPlayers), scene, chrome);
    this.applyLayout(frame, chrome, undefined);
    const minimap = this.minimap.draw(this.lastPlayers, bounds, viewRadius, frame.camera, frame);
    this.lastDrawn = { ...frame, kind, minimap };
  }

  /** Where the HUD row ends and how much room the joystick takes on the right (0 without a touch screen). */
  private chrome(): Chrome {
    const hudBottom = this.hudRoot.getBoundingClientRect().bottom;
    if (this.joystickRoot.offsetParent === null) return { hudBottom, joystick: 0 };
    const stick = this.joystickRoot.getBoundingClientRect();
    return { hudBottom, joystick: Math.max(window.innerWidth - stick.left + EDGE, 0) };
  }

  /**
   * Tell the CSS how the canvas is framed: the panels open below the HUD row
   * (--hud-bottom), and on a phone in portrait the chat sits under the arena
   * (data-layout="stacked", --play-bottom) instead of over it.
   */
  private applyLayout(frame: DrawnFrame, chrome: Chrome, mapHeight: number | undefined): void {
    const playBottom = mapHeight === undefined ? 0 : frame.camera.offsetY + mapHeight * frame.camera.scale;
    const key = `${frame.layout} ${Math.round(chrome.hudBottom)} ${Math.round(playBottom)}`;
    if (key === this.cssLayout) return;
    this.cssLayout = key;
    this.root.dataset.layout = frame.layout;
    this.root.style.setProperty("--hud-bottom", `${Math.round(chrome.hudBottom)}px`);
    this.root.style.setProperty("--play-bottom", `${Math.round(playBottom)}px`);
  }

  private async share(): Promise<void> {
    const link = `${location.origin}/?room=${encodeURIComponent(this.session.roomId)}`;
    const button = byId("hud-share");
    try {
      await navigator.clipboard.writeText(link);
      button.textContent = "link copied";
      clearTimeout(this.shareReset);
      this.shareReset = setTimeout(() => (button.textContent = "share"), COPIED_MS);
    } catch {
      window.prompt("Share this link:", link);
    }
  }
}

/** Whether a drawn disc overlaps a box (both in CSS pixels). */
function covers(box: DOMRect, player: DrawnPlayer): boolean {
  return (
    player.x + player.radius > box.left &&
    player.x - player.radius < box.right &&
    player.y + player.radius > box.top &&
    player.y - player.radius < box.bottom
  );
}
