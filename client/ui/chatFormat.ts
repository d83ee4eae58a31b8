import {
  CHAT_COMMANDS,
  CHAT_MAX_LENGTH,
  ChatKind,
  ChatRejectReason,
  NAME_QUOTING_HINT,
  Role,
  formatDuration,
  type ChatLine,
  type ChatRejected,
} from "../../shared/index.ts";

/** What the chat panel draws for one line. Every field is plain text: the panel sets textContent only. */
export interface ChatEntry {
  /** Stable key: server lines by id, local lines by a counter. */
  key: string;
  kind: "chat" | "whisper" | "system" | "help";
  time: string;
  name?: string;
  /** e.g. "to Bob" / "whispers" for whispers. */
  tag?: string;
  /** The sender's role when it is not "player", so an impostor's name cannot pass for a moderator's. */
  badge?: Exclude<Role, typeof Role.Player>;
  text: string;
}

export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/**
 * Turn a server chat line into a panel entry, by its `kind` (never by name:
 * a player may call themselves "System"). `self` is the local sessionId.
 */
export function entryFromLine(
  line: ChatLine,
  self: string,
  roleOf: (sessionId: string) => Role | undefined = () => undefined,
): ChatEntry {
  const role = roleOf(line.from);
  const badge = role === undefined || role === Role.Player ? {} : { badge: role };
  const base = { key: `s${line.id}`, time: clockTime(line.at), text: line.text, ...badge };
  switch (line.kind) {
    case ChatKind.System:
      return { ...base, kind: "system" };
    case ChatKind.Whisper:
      return {
        ...base,
        kind: "whisper",
        name: line.name,
        tag: line.from === self ? `to ${line.toName}` : "whispers",
      };
    case ChatKind.Say:
      return { ...base, kind: "chat", name: line.name };
  }
}

/** Why the server refused a line, in words a player understands. */
export function rejectionText(rejection: ChatRejected): string {
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  switch (rejection.reason) {
    case ChatRejectReason.Empty:
      return "Nothing to send.";
    case ChatRejectReason.TooLong:
      return `That message is longer than ${CHAT_MAX_LENGTH} characters.`;
    case ChatRejectReason.RateLimited:
      return `Slow down — you can chat again in ${seconds(rejection.retryAfterMs)} s.`;
    case ChatRejectReason.Repeated:
      return "You already said that.";
    case ChatRejectReason.Muted:
      return `You are muted for ${formatDuration(rejection.remainingMs)} more.`;
    case ChatRejectReason.Forbidden:
      return `Only moderators can use /${rejection.command}.`;
    case ChatRejectReason.UnknownCommand:
      return `There is no /${rejection.command} command. Type /help.`;
    case ChatRejectReason.InvalidCommand:
      return `Usage: ${rejection.usage}`;
    case ChatRejectReason.NoSuchPlayer:
      return `No player called "${rejection.name}" here.`;
    case ChatRejectReason.AmbiguousName:
      return `${rejection.matches} players are called "${rejection.name}".`;
    case ChatRejectReason.SelfTarget:
      return "You cannot do that to yourself.";
    case ChatRejectReason.Outranked:
      return `${rejection.name} outranks you (or has your rank).`;
    case ChatRejectReason.NotMuted:
      return `${rejection.name} is not muted.`;
  }
}

/**
 * The chat input's placeholder. The full sentence does not fit a phone's
 * narrow input (it read "Press Enter to chat, /hel…" at 390 px), and a touch
 * screen has no Enter to press until the keyboard is up.
 */
export function chatPlaceholder(screen: { touch: boolean; narrow: boolean }): string {
  if (screen.touch) return "Tap to chat · /help";
  if (screen.narrow) return "Enter to chat · /help";
  return "Press Enter to chat, /help for commands";
}

/** The /help text, from the same command table the server parses with. */
export const HELP_TEXT = [
  ...CHAT_COMMANDS.map((c) => `${c.usage} — ${c.summary}${c.role === Role.Player ? "" : ` (${c.role}s)`}`),
  "/help — this list",
  NAME_QUOTING_HINT,
].join("\n");

/**
 * The lines the panel shows: server lines are deduplicated by id (a replay
 * after reconnection may resend some) and kept in id order; at most `limit`.
 */
export class ChatBook {
  private readonly entries: Array<ChatEntry & { order: number }> = [];
  private readonly seen = new Set<string>();
  private localCounter = 0;

  constructor(private readonly limit = 200) {}

  /** Add a server line; false when it was already there. */
  addServer(line: ChatLine, entry: ChatEntry): boolean {
    if (this.seen.has(entry.key)) return false;
    this.seen.add(entry.key);
    this.insert({ ...entry, order: line.id });
    return true;
  }

  /** Add a client-side line (join/leave notices, help); it sorts after the last server line. */
  addLocal(kind: ChatEntry["kind"], text: string, at: number): ChatEntry {
    const entry = { key: `l${++this.localCounter}`, kind, time: clockTime(at), text };
    this.insert({ ...entry, order: this.lastId + 0.5 });
    return entry;
  }

  /**
   * The newest server line id in the book (0 before any), read off the
   * entries, which are kept in order; local lines sort after it. Not what to
   * ask for after a reconnect: the session tracks that (GameSession
   * lastChatId), whether or not a panel is showing the lines.
   */
  get lastId(): number {
    return Math.floor(this.entries.at(-1)?.order ?? 0);
  }

  list(): readonly ChatEntry[] {
    return this.entries;
  }

  private insert(entry: ChatEntry & { order: number }): void {
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1]?.order ?? 0) > entry.order) i--;
    this.entries.splice(i, 0, entry);
    while (this.entries.length > this.limit) {
      const dropped = this.entries.shift();
      if (dropped !== undefined) this.seen.delete(dropped.key);
    }
  }
}
