import { Role, type ChatLine, type ChatRejected } from "../../shared/index.ts";
import { ChatBook, HELP_TEXT, entryFromLine, rejectionText, type ChatEntry } from "./chatFormat.ts";
import { byId, el } from "./dom.ts";

/**
 * The chat panel: history, live lines, whispers and system lines styled
 * apart, rejection reasons shown under the input. Every string from the
 * network goes through textContent (see ui/dom.ts), never innerHTML.
 */
export class ChatPanel {
  private readonly log = byId<HTMLOListElement>("chat-log");
  private readonly form = byId<HTMLFormElement>("chat-form");
  readonly input = byId<HTMLInputElement>("chat-input");
  private readonly notice = byId("chat-notice");
  private book = new ChatBook();
  private readonly abort = new AbortController();

  constructor(
    private readonly send: (text: string) => void,
    private readonly self: () => string,
    private readonly roleOf: (sessionId: string) => Role | undefined = () => undefined,
  ) {
    const { signal } = this.abort;
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

  showRejection(rejection: ChatRejected): void {
    this.notice.textContent = rejectionText(rejection);
    this.notice.hidden = false;
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
      this.send(text);
    }
    this.input.value = "";
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
