import type { KeyValueStore } from "../net/identity.ts";
import { byId } from "./dom.ts";

const COLLAPSED_KEY = "tickwire.chatCollapsed";

/**
 * Folds the chat panel down to its input line (on a phone the log covers the
 * game), remembered on this browser. While folded, a new line marks the
 * toggle, so nothing said is missed.
 */
export class ChatToggle {
  private readonly log = byId("chat-log");
  private readonly button = byId<HTMLButtonElement>("chat-toggle");
  private readonly abort = new AbortController();
  private readonly watcher = new MutationObserver(() => {
    if (this.collapsed && this.log.childElementCount > 0) this.button.dataset.unread = "";
  });

  constructor(private readonly storage: KeyValueStore) {
    this.button.addEventListener("click", () => this.set(!this.collapsed, true), { signal: this.abort.signal });
    this.watcher.observe(this.log, { childList: true });
    this.set(this.stored(), false);
  }

  get collapsed(): boolean {
    return this.log.hidden === true;
  }

  dispose(): void {
    this.abort.abort();
    this.watcher.disconnect();
  }

  private set(collapsed: boolean, remember: boolean): void {
    this.log.hidden = collapsed;
    delete this.button.dataset.unread;
    this.button.setAttribute("aria-expanded", String(!collapsed));
    this.button.textContent = collapsed ? "▴" : "▾";
    const label = collapsed ? "Show the chat" : "Hide the chat";
    this.button.title = label;
    this.button.setAttribute("aria-label", label);
    // The newest lines, not the oldest, when the log comes back.
    if (!collapsed) this.log.scrollTop = this.log.scrollHeight;
    if (!remember) return;
    try {
      if (collapsed) this.storage.setItem(COLLAPSED_KEY, "1");
      else this.storage.removeItem(COLLAPSED_KEY);
    } catch {
      // Storage blocked: the choice lasts until the page is left, which is harmless.
    }
  }

  private stored(): boolean {
    try {
      return this.storage.getItem(COLLAPSED_KEY) !== null;
    } catch {
      return false;
    }
  }
}
