import type { ChatLine, UnnumberedChatLine } from "../../shared/index.ts";

/**
 * Lines kept per room by default: room lines for late joiners' history, and
 * every line for replay after a reconnect (CHAT_REPLAY_SIZE sets it).
 */
export const CHAT_LOG_CAPACITY = 200;

/** One page of replay after a reconnect. */
export interface ChatReplay {
  lines: ChatLine[];
  /** False when lines after `afterId` were already dropped from the log (missed for good). */
  complete: boolean;
  /** More visible lines follow the last one returned: ask again from its id. */
  hasMore: boolean;
}

interface Entry {
  line: ChatLine;
  /** Player ids allowed to see it; null = everyone in the room. */
  audience: ReadonlySet<string> | null;
}

/**
 * A room's chat: numbers every line (room lines, whispers and system lines
 * share one increasing sequence) and keeps the most recent ones together with
 * who may see each, so history and replay never show a whisper to a third
 * player. Fixed capacity, so a chatty room cannot grow memory.
 */
export class ChatLog {
  private nextId = 1;
  private readonly recent: Entry[] = [];

  constructor(private readonly capacity = CHAT_LOG_CAPACITY) {}

  /**
   * Number and keep a line. `audience` lists the player ids that may see it
   * (a whisper's sender and recipient); omit it for a line to the whole room.
   */
  append(line: UnnumberedChatLine, audience: readonly string[] | null = null): ChatLine {
    const numbered: ChatLine = { ...line, id: this.nextId++ };
    this.recent.push({ line: numbered, audience: audience === null ? null : new Set(audience) });
    if (this.recent.length > this.capacity) this.recent.shift();
    return numbered;
  }

  /** The last `limit` kept lines `playerId` may see, oldest first. */
  historyFor(playerId: string, limit: number): ChatLine[] {
    const lines: ChatLine[] = [];
    for (let i = this.recent.length - 1; i >= 0 && lines.length < limit; i--) {
      const entry = this.recent[i];
      if (entry !== undefined && visible(entry, playerId)) lines.push(entry.line);
    }
    return lines.reverse();
  }

  /**
   * Every kept line after `afterId` that `playerId` may see, oldest first, for
   * replay after a reconnect. `complete` is false when lines after `afterId`
   * have already been dropped from the log (the client missed some for good).
   */
  since(afterId: number, playerId: string): { lines: ChatLine[]; complete: boolean } {
    const { lines, complete } = this.replay(afterId, playerId, Infinity);
    return { lines, complete };
  }

  /**
   * `since`, at most `limit` lines at a time. Ids are consecutive (every line
   * is appended), so the first line after `afterId` sits at a computed index:
   * no scan of the older part of the log.
   */
  replay(afterId: number, playerId: string, limit: number): ChatReplay {
    const oldest = this.recent[0]?.line.id ?? this.nextId;
    const lines: ChatLine[] = [];
    let index = Math.max(0, Math.min(this.recent.length, afterId - oldest + 1));
    for (; index < this.recent.length && lines.length < limit; index++) {
      const entry = this.recent[index]!;
      if (visible(entry, playerId)) lines.push(entry.line);
    }
    const hasMore = this.recent.slice(index).some((entry) => visible(entry, playerId));
    return { lines, complete: afterId >= oldest - 1, hasMore };
  }
}

function visible(entry: Entry, playerId: string): boolean {
  return entry.audience === null || entry.audience.has(playerId);
}
