import type { ChatLine } from "../../shared/index.ts";

/**
 * A room's chat: numbers each accepted line and keeps the most recent ones for
 * late joiners. Fixed capacity, so a chatty room cannot grow memory.
 */
export class ChatLog {
  private nextId = 1;
  private readonly recent: ChatLine[] = [];

  constructor(private readonly capacity: number) {}

  append(line: Omit<ChatLine, "id">): ChatLine {
    const entry: ChatLine = { id: this.nextId++, ...line };
    this.recent.push(entry);
    if (this.recent.length > this.capacity) this.recent.shift();
    return entry;
  }

  /** The kept lines, oldest first (a copy). */
  history(): ChatLine[] {
    return this.recent.slice();
  }
}
