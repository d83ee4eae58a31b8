import { Role, type ChatLine, type ChatRejected } from "../../shared/index.ts";
import { ChatBook, HELP_TEXT, chatPlaceholder, entryFromLine, rejectionText, type ChatEntry } from "./chatFormat.ts";
import { byId, el } from "./dom.ts";

/**
 * The chat panel: history, live lines, whispers and system lines styled
 * apart, rejection reasons shown under the input. Every string from the
 * network goes through textContent (see ui/dom.ts), never innerHTML.
 */
export class ChatPanel {
  private readonly root = byId("chat");
  private readonly log = byId<HTMLOListElement>("chat-log");
  private readonly form = byId<HTMLFormElement>("chat-form");
  readonly input = byId<HTMLInputElement>("chat-input");
  private readonly notice = byId("chat-notice");
  private book = new ChatBook();
  /**
   * The newest line sent, until the server refuses it or another is sent. A
   * refusal ("chat:rejected") names no line, but it answers the sender's lines
   * in order and players send seconds apart, so it is the newest one's.
   */
  private lastSent: string | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly send: (text: string) => void,
    private readonly self: () => string,
    private readonly roleOf: (sessionId: string) => Role | undefined = () => undefined,
  ) {
    const { signal } = this.abort;
    // A shorter placeholder where the long one would be cut (a phone), following rotation and resizing.
    const narrow = window.matchMedia("(max-width: 520px)");
    const touch = window.matchMedia("(pointer: coarse)");
    const place = () => (this.input.placeholder = chatPlaceholder({ touch: touch.matches, narrow: narrow.matches }));
    place();
    narrow.addEventListener("change", place, { signal });
    touch.addEventListener("change", place, { signal });
    this.form.addEventListener(
      "submit",
      (event) => {
        event.preventDefault();
        this.submit();
      },
      { signal },
    );
    this.input.addEventListener(
      "keydown",
      (event) => {
        if (event.key === "Escape") this.input.blur();
      },
      { signal },
    );
    // Enter anywhere in the game focuses the chat input.
    window.addEventListener(
      "keydown",
      (event) => {
        if (event.key === "Enter" && document.activeElement !== this.input) {
          event.preventDefault();
          this.input.focus();
        }
      },
      { signal },
    );
  }

  reset(): void {
    this.book = new ChatBook();
    this.log.replaceChildren();
    this.notice.hidden = true;
    this.input.value = "";
    this.lastSent = undefined;
    this.setSeeThrough(false);
  }

  dispose(): void {
    this.abort.abort();
  }

  addLine(line: ChatLine): void {
    if (this.book.addServer(line, entryFromLine(line, this.self(), this.roleOf))) this.render();
  }

  addLines(lines: readonly ChatLine[]): void {
    let changed = false;
    for (const line of lines)
      changed = this.book.addServer(line, entryFromLine(line, this.self(), this.roleOf)) || changed;
    if (changed) this.render();
  }

  addSystem(text: string): void {
    this.book.addLocal("system", text, Date.now());
    this.render();
  }

  /**
   * Say why, and give the refused text back (it was cleared on send) so the
   * player can wait out a rate limit or fix the line instead of retyping it;
   * unless they have started typing something else.
   */
  showRejection(rejection: ChatRejected): void {
    this.notice.textContent = rejectionText(rejection);
    this.notice.hidden = false;
    if (this.lastSent !== undefined && this.input.value === "") this.input.value = this.lastSent;
    this.lastSent = undefined;
  }

  /** Whether the player is using the panel (typing, or pointing at it): then it never fades. */
  get inUse(): boolean {
    return this.root.matches(":focus-within, :hover");
  }

  /** The panel's box in CSS pixels, to see whether a player is drawn under it. */
  bounds(): DOMRect {
    return this.root.getBoundingClientRect();
  }

  /** Fade the panel so a player under it shows through (see GameView). */
  setSeeThrough(on: boolean): void {
    if (on) this.root.dataset.seeThrough = "";
    else delete this.root.dataset.seeThrough;
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (text === "") {
      this.input.blur();
      return;
    }
    this.notice.hidden = true;
    if (text === "/help" || text === "/?") {
      this.book.addLocal("help", HELP_TEXT, Date.now());
      this.render();
    } else {
      this.lastSent = text;
      this.send(text);
    }
    this.input.value = "";
    // Back to the game: the next WASD moves the player instead of typing "dada" into chat.
    this.input.blur();
  }

  private render(): void {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
    this.log.replaceChildren(...this.book.list().map(renderEntry));
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }
}

function renderEntry(entry: ChatEntry): HTMLLIElement {
  const item = el("li", { className: entry.kind });
  item.dataset.kind = entry.kind;
  item.append(el("span", { className: "time", text: entry.time }));
  if (entry.tag !== undefined) item.append(el("span", { className: "tag", text: entry.tag }));
  if (entry.badge !== undefined)
    item.append(el("span", { className: `badge ${entry.badge}`, text: entry.badge === Role.Admin ? "admin" : "mod" }));
  if (entry.name !== undefined) item.append(el("span", { className: "name", text: entry.name }));
  item.append(el("span", { className: "text", text: entry.text }));
  return item;
}
