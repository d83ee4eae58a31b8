import { RoomName, type RoomListing } from "../../shared/index.ts";
import type { ServerApi } from "../net/api.ts";
import type { IdentityStore } from "../net/identity.ts";
import type { JoinRequest } from "../net/join.ts";
import { byId, el } from "./dom.ts";

const REFRESH_MS = 3000;

/**
 * Name (remembered), quick play / create / join a listed room, and the room
 * list refreshing on its own while the screen is visible.
 */
export class StartScreen {
  private readonly root = byId("start");
  private readonly form = byId<HTMLFormElement>("start-form");
  private readonly nameInput = byId<HTMLInputElement>("name-input");
  private readonly message = byId("start-message");
  private readonly list = byId<HTMLUListElement>("room-list");
  private readonly status = byId("rooms-status");
  private readonly operatorInput = byId<HTMLInputElement>("operator-token");
  private readonly operator = byId<HTMLDetailsElement>("operator");
  private readonly operatorToggle = byId("operator-toggle");
  private readonly invite = byId("invite");
  private readonly quickPlay = byId("quick-play");
  private timer: ReturnType<typeof setTimeout> | undefined;
  private busy = false;
  /** The room a share link invited this player to, while the screen asks for their name. */
  /** A share link's room (an id, or the open world) that a new player is asked a name for. */
  private invitedRoom: JoinRequest | undefined;

  constructor(
    private readonly identity: IdentityStore,
    private readonly api: ServerApi,
    private readonly onPlay: (request: JoinRequest) => void,
  ) {
    this.nameInput.value = identity.name;
    this.nameInput.addEventListener("change", () => (identity.name = this.nameInput.value.trim()));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.play(this.invitedRoom ?? { kind: "quick" });
    });
    const titleInput = byId<HTMLInputElement>("room-title-input");
    byId("create-room").addEventListener("click", () => {
      const title = titleInput.value.trim();
      this.play(title === "" ? { kind: "create" } : { kind: "create", title });
    });
    // Operators are few: the token field stays behind a small toggle, open by itself once a token is saved.
    this.operatorToggle.addEventListener("click", () => this.showOperator(this.operator.hidden !== false));
    if (identity.operatorToken !== undefined) {
      this.operatorInput.placeholder = `saved (${identity.operatorToken.role})`;
      this.showOperator(true);
    }
    this.operatorInput.addEventListener("change", () => {
      if (!identity.setOperatorToken(this.operatorInput.value))
        this.showMessage("That does not look like a Tickwire token.");
      else if (this.operatorInput.value !== "") this.operatorInput.placeholder = "saved";
      this.operatorInput.value = "";
    });
    byId("operator-clear").addEventListener("click", () => {
      identity.setOperatorToken(undefined);
      this.operatorInput.placeholder = "eyJ…";
    });
  }

  show(message?: string): void {
    this.root.hidden = false;
    if (message !== undefined) this.endInvite();
    this.setBusy(false);
    if (message === undefined) this.message.hidden = true;
    else this.showMessage(message);
    void this.refresh();
  }

  /**
   * A share link (`/?room=ID`) opened by a player with no name yet: ask for
   * one first (it is remembered, so the next link joins at once), rather than
   * joining as a generated "Player-254B".
   */
  askNameFor(room: JoinRequest & { kind: "id" | "world" }): void {
    this.invitedRoom = room;
    this.invite.textContent =
      room.kind === "world"
        ? "You are invited to the open world. Pick a name to join."
        : `You are invited to room ${room.roomId}. Pick a name to join.`;
    this.invite.hidden = false;
    this.quickPlay.textContent = "Join room";
    this.show();
    this.nameInput.focus();
  }

  hide(): void {
    this.root.hidden = true;
    this.endInvite();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  showMessage(text: string): void {
    this.message.textContent = text;
    this.message.hidden = false;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    for (const button of this.root.querySelectorAll("button")) button.disabled = busy;
  }

  private endInvite(): void {
    this.invitedRoom = undefined;
    this.invite.hidden = true;
    this.quickPlay.textContent = "Quick play";
  }

  private showOperator(open: boolean): void {
    this.operator.hidden = !open;
    this.operator.open = open;
    this.operatorToggle.setAttribute("aria-expanded", String(open));
  }

  private play(request: JoinRequest): void {
    if (this.busy) return;
    if (request !== this.invitedRoom) this.endInvite();
    this.identity.name = this.nameInput.value.trim();
    this.message.hidden = true;
    this.onPlay(request);
  }

  private async refresh(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    try {
      this.renderRooms(await this.api.rooms());
      this.status.textContent = "";
    } catch {
      this.status.textContent = "(server unreachable, retrying…)";
    }
    if (!this.root.hidden) this.timer = setTimeout(() => void this.refresh(), REFRESH_MS);
  }

  private renderRooms(rooms: readonly RoomListing[]): void {
    const world = this.worldRows(rooms.filter((room) => room.kind === RoomName.World));
    const arenas = rooms.filter((room) => room.kind !== RoomName.World);
    if (arenas.length === 0) {
      this.list.replaceChildren(
        ...world,
        el("li", { className: "empty", text: "No rooms yet. Quick play opens one." }),
      );
      return;
    }
    this.list.replaceChildren(
      ...world,
      ...arenas.map((room) => {
        const join = el("button", { text: room.locked ? "full" : "join" });
        join.type = "button";
        join.disabled = room.locked || this.busy;
        join.addEventListener("click", () => this.play({ kind: "id", roomId: room.roomId }));
        // A room its creator named shows the name, with the id beside it (what a share link carries).
        const names =
          room.title === "" || room.title === undefined
            ? [el("span", { className: "id", text: room.roomId })]
            : [
                el("span", { className: "title", text: room.title }),
                el("span", { className: "id", text: room.roomId }),
              ];
        const item = el(
          "li",
          {},
          ...names,
          el("span", { className: "count", text: `${room.clients}/${room.maxClients}` }),
          join,
        );
        item.dataset.roomId = room.roomId;
        item.dataset.kind = room.kind;
        return item;
      }),
    );
  }

  /**
   * The open world, always offered first: each running world room with its
   * population, or, when none runs, one row whose button opens it.
   */
  private worldRows(worlds: readonly RoomListing[]): HTMLLIElement[] {
    const entries =
      worlds.length === 0
        ? [{ count: "0 players", locked: false, request: { kind: "world" } as const, roomId: undefined }]
        : worlds.map((room) => ({
            count: `${room.clients}/${room.maxClients}`,
            locked: room.locked,
            request: { kind: "id", roomId: room.roomId } as const,
            roomId: room.roomId,
          }));
    return entries.map(({ count, locked, request, roomId }) => {
      const enter = el("button", { text: locked ? "full" : "enter" });
      enter.type = "button";
      enter.disabled = locked || this.busy;
      enter.addEventListener("click", () => this.play(request));
      const item = el(
        "li",
        { className: "world" },
        el("span", { className: "id", text: "Open world" }),
        el("span", { className: "count", text: count }),
        enter,
      );
      item.dataset.kind = RoomName.World;
      if (roomId !== undefined) item.dataset.roomId = roomId;
      return item;
    });
  }
}
