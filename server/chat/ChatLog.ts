import type { ChatLine } from "../../shared/index.ts";

/** Which lines of the log one reader may see (whispers are for sender and recipient only). */
export type ChatVisibility = (line: ChatLine) => boolean;

export interface ChatReplay {
  lines: ChatLine[];
  /** Lines after the last returned one remain. */
  hasMore: boolean;
  /** Lines after `afterId` have already rolled out of the log. */
  truncated: boolean;
}

/**
 * A room's chat: numbers each accepted line and keeps the most recent ones,
 * for late joiners (`history`) and for reconnecting clients (`since`). Fixed
 * capacity, so a chatty room cannot grow memory.
 *
 * Ids are consecutive (every accepted line is appended), so the line after id
 * `n` sits at index `n - firstKeptId + 1`: no search.
 */
export class ChatLog {
  private nextId = 1;
  private readonly recent: ChatLine[] = [];

  constructor(private readonly capacity: number) {}

  append(line: Omit<ChatLine, "id">): ChatLine {
    const entry: ChatLine = { ...line, id: this.nextId++ };
    this.recent.push(entry);
    if (this.recent.length > this.capacity) this.recent.shift();
    return entry;
  }

  /** The last `limit` kept lines `canSee` allows, oldest first (a copy). */
  history(limit = Infinity, canSee: ChatVisibility = () => true): ChatLine[] {
    const visible: ChatLine[] = [];
    for (let i = this.recent.length - 1; i >= 0 && visible.length < limit; i--) {
      const line = this.recent[i]!;
      if (canSee(line)) visible.push(line);
    }
    return visible.reverse();
  }

  /** Up to `limit` visible lines with ids above `afterId`, oldest first. */
  since(afterId: number, limit: number, canSee: ChatVisibility = () => true): ChatReplay {
    const firstKept = this.recent[0]?.id ?? this.nextId;
    const truncated = afterId + 1 < firstKept;
    const lines: ChatLine[] = [];
    let index = Math.max(0, afterId - firstKept + 1);
    for (; index < this.recent.length && lines.length < limit; index++) {
      const line = this.recent[index]!;
      if (canSee(line)) lines.push(line);
    }
    const hasMore = this.recent.slice(index).some(canSee);
    return { lines, hasMore, truncated };
  }

  /** Id of the newest line, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }
}
