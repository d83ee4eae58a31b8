import type { ChatLine } from "../../shared/index.ts";

/** What the chat panel draws for one line. Every field is plain text: the panel sets textContent only. */
export interface ChatEntry {
  /** Stable key: server lines by id, local lines by a counter. */
  key: string;
  kind: "chat" | "whisper" | "system" | "help";
  time: string;
  name?: string;
  /** e.g. "to Bob" / "from Alice" for whispers. */
  tag?: string;
  text: string;
}

/** A server line, possibly a whisper (`to`) or a system line (`from: "system"`). */
export type IncomingChatLine = ChatLine & { to?: string };

export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/**
 * Turn a server chat line into a panel entry. `nameOf` resolves a sessionId to
 * a display name (for whisper recipients); `self` is the local sessionId.
 */
export function entryFromLine(
  line: IncomingChatLine,
  self: string,
  nameOf: (sessionId: string) => string | undefined,
): ChatEntry {
  const base = { key: `s${line.id}`, time: clockTime(line.at), text: line.text };
  if (line.from === "system") return { ...base, kind: "system" };
  if (line.to !== undefined) {
    const tag = line.from === self ? `to ${nameOf(line.to) ?? "?"}` : "whisper";
    return { ...base, kind: "whisper", name: line.name, tag };
  }
  return { ...base, kind: "chat", name: line.name };
}

/** Why the server refused a line, in words a player understands. */
export function rejectionText(reason: string, details: { retryAfterMs?: number; remainingMs?: number } = {}): string {
  const seconds = (ms: number | undefined) => Math.max(1, Math.ceil((ms ?? 0) / 1000));
  switch (reason) {
    case "empty":
      return "Nothing to send.";
    case "too_long":
      return "That message is longer than 280 characters.";
    case "rate_limited":
      return `Slow down — you can chat again in ${seconds(details.retryAfterMs)} s.`;
    case "repeated":
      return "You already said that.";
    case "muted":
      return details.remainingMs === undefined
        ? "You are muted."
        : `You are muted for ${seconds(details.remainingMs)} more s.`;
    case "forbidden":
      return "Only moderators can do that.";
    case "unknown_command":
      return "Unknown command. Type /help.";
    case "no_such_player":
      return "No player by that name here.";
    case "ambiguous_name":
      return "Several players have that name.";
    case "invalid_command":
      return "That command is missing something. Type /help.";
    default:
      return `Message refused (${reason}).`;
  }
}

export const HELP_TEXT = [
  "/w <name> <text> — whisper to one player",
  "/mute <name> [minutes] — moderators: mute a player",
  "/unmute <name> — moderators: lift a mute",
  "/kick <name> [reason] — moderators: remove a player",
  "/help — this list",
].join("\n");

/**
 * The lines the panel shows: server lines are deduplicated by id (a replay
 * after reconnection may resend some) and kept in id order; at most `limit`.
 */
export class ChatBook {
  private readonly entries: Array<ChatEntry & { order: number }> = [];
  private readonly seen = new Set<string>();
  private localCounter = 0;
  private lastServerId = 0;

  constructor(private readonly limit = 200) {}

  /** Add a server line; false when it was already there. */
  addServer(line: IncomingChatLine, entry: ChatEntry): boolean {
    if (this.seen.has(entry.key)) return false;
    this.seen.add(entry.key);
    this.lastServerId = Math.max(this.lastServerId, line.id);
    this.insert({ ...entry, order: line.id });
    return true;
  }

  /** Add a client-side line (join/leave notices, help); it sorts after the last server line. */
  addLocal(kind: ChatEntry["kind"], text: string, at: number): ChatEntry {
    const entry = { key: `l${++this.localCounter}`, kind, time: clockTime(at), text };
    this.insert({ ...entry, order: this.lastServerId + 0.5 });
    return entry;
  }

  /** Highest server line id seen: what to ask for after a reconnect. */
  get lastId(): number {
    return this.lastServerId;
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
