import { z } from "zod";
import { CHAT_MAX_LENGTH } from "./constants.ts";
import { cleanText, codePointLength } from "./text.ts";

/**
 * What a client sends as message "chat": a line, or a command such as
 * `/w Bob hi` (see `chatCommands.ts`). Shape only; content rules are in
 * `checkChatText` and the server's moderator.
 */
export const ChatSend = z.object({ text: z.string() });
export type ChatSend = z.input<typeof ChatSend>;

/** The `from` of every line the server itself writes. */
export const SYSTEM_SENDER = "system";

/** What kind of line it is: render by this, never by `name` (a player may call themselves "System"). */
export const ChatKind = {
  /** Said to the whole room. */
  Say: "say",
  /** Seen only by its sender and its recipient. */
  Whisper: "whisper",
  /** Written by the server (moderation notices); seen by the whole room. */
  System: "system",
} as const;
export type ChatKind = (typeof ChatKind)[keyof typeof ChatKind];

interface ChatLineBase {
  /**
   * Increasing per room, one sequence for every kind of line (whispers
   * included): a client can tell what it missed, and replay can resume after
   * the last id it saw.
   */
  id: number;
  /** Sender's sessionId, or "system". */
  from: string;
  /** Sender's display name at the time of sending (from the token, never client-claimed). */
  name: string;
  /** Plain text: the server never adds markup; links stay text. */
  text: string;
  /** Server time, ms since the epoch. */
  at: number;
}

export interface SayLine extends ChatLineBase {
  kind: typeof ChatKind.Say;
}

export interface WhisperLine extends ChatLineBase {
  kind: typeof ChatKind.Whisper;
  /** Recipient's sessionId. */
  to: string;
  /** Recipient's display name, so the sender can render "to Bob" even after Bob has left. */
  toName: string;
}

export interface SystemLine extends ChatLineBase {
  kind: typeof ChatKind.System;
  from: typeof SYSTEM_SENDER;
  /** What happened, for clients that render notices themselves instead of `text`. */
  notice: SystemNotice;
}

/** One chat line as the server sends it (message "chat", and inside "chat:history"). */
export type ChatLine = SayLine | WhisperLine | SystemLine;

/** A line before the log numbers it (distributes over the union, so `kind` still discriminates). */
export type UnnumberedChatLine = ChatLine extends infer L ? (L extends ChatLine ? Omit<L, "id"> : never) : never;

export const SystemAction = {
  Mute: "mute",
  /** Muted by flood control, not by a person. */
  AutoMute: "auto_mute",
  Unmute: "unmute",
  Kick: "kick",
} as const;
export type SystemAction = (typeof SystemAction)[keyof typeof SystemAction];

interface NoticeBase {
  /** Target's display name. */
  target: string;
  /** Target's sessionId when they are in the room (lets a client tell "that's me"). */
  targetSession?: string;
}

/** The structured content of a system line. `by` is the moderator's display name. */
export type SystemNotice =
  | (NoticeBase & { action: typeof SystemAction.Mute; by: string; durationMs: number })
  | (NoticeBase & { action: typeof SystemAction.AutoMute; durationMs: number })
  | (NoticeBase & { action: typeof SystemAction.Unmute; by: string })
  | (NoticeBase & { action: typeof SystemAction.Kick; by: string; reason?: string });

/**
 * What a client sends as message "chat:since" to receive the lines it missed
 * (typically after an automatic reconnection): `afterId` is the id of the last
 * line it has, 0 for "everything kept".
 */
export const ChatSince = z.object({ afterId: z.number().int().min(0) });
export type ChatSince = z.input<typeof ChatSince>;

/**
 * The answer to "chat:since", sent to the requester only. Lines are oldest
 * first, at most CHAT_REPLAY_PAGE of them, and only those the requester may
 * see (never someone else's whisper). Lines can also arrive as live "chat"
 * messages around the same time: merge by `id`.
 */
export interface ChatSinceReply {
  /** The request's `afterId`, echoed. */
  afterId: number;
  lines: ChatLine[];
  /** More lines follow the last one: ask again with its id. */
  hasMore: boolean;
  /** False when some lines after `afterId` are no longer kept (the log rolled over): those are lost to this client. */
  complete: boolean;
}

export const ChatRejectReason = {
  /** Nothing printable left after cleaning. */
  Empty: "empty",
  /** Over CHAT_MAX_LENGTH characters (the text of a line, whisper or kick reason). */
  TooLong: "too_long",
  /** Flood control: out of tokens; try again after `retryAfterMs`. */
  RateLimited: "rate_limited",
  /** The sender may not chat or whisper for another `remainingMs`. */
  Muted: "muted",
  /** The same text too many times in a row. */
  Repeated: "repeated",
  /** The command needs a higher role. */
  Forbidden: "forbidden",
  UnknownCommand: "unknown_command",
  /** A known command with missing or malformed arguments; `usage` shows the form. */
  InvalidCommand: "invalid_command",
  NoSuchPlayer: "no_such_player",
  /** Several players answer to that name. */
  AmbiguousName: "ambiguous_name",
  /** Whispering to, muting, unmuting or kicking yourself. */
  SelfTarget: "self_target",
  /** The target's role is equal to or higher than the sender's. */
  Outranked: "outranked",
  /** `/unmute` of a player who is not muted. */
  NotMuted: "not_muted",
} as const;
export type ChatRejectReason = (typeof ChatRejectReason)[keyof typeof ChatRejectReason];

type R = typeof ChatRejectReason;

/** Message "chat:rejected", sent to the sender only. Discriminated by `reason`. */
export type ChatRejected =
  | { reason: R["Empty"] | R["TooLong"] | R["Repeated"] }
  | { reason: R["RateLimited"]; retryAfterMs: number }
  | { reason: R["Muted"]; remainingMs: number }
  | { reason: R["Forbidden"] | R["UnknownCommand"]; command: string }
  | { reason: R["InvalidCommand"]; command: string; usage: string }
  | { reason: R["NoSuchPlayer"] | R["SelfTarget"] | R["Outranked"] | R["NotMuted"]; name: string }
  | { reason: R["AmbiguousName"]; name: string; matches: number };

export type ChatCheck =
  { ok: true; text: string } | { ok: false; reason: typeof ChatRejectReason.Empty | typeof ChatRejectReason.TooLong };

/**
 * Longest raw line worth cleaning, in UTF-16 units. A line that passes holds
 * at most CHAT_MAX_LENGTH code points, two units each at most; the rest of a
 * longer raw line could only be what cleaning drops (invisible characters,
 * marks past the stack cap, runs of spaces). Cleaning a 4 KiB hostile line
 * took ~300 µs (measured by the hostile property's chat phase), paid by the
 * server for every line a flood sends, so anything over twice the most a
 * passing line can be is refused as too long before it is cleaned.
 */
export const CHAT_MAX_RAW_UNITS = CHAT_MAX_LENGTH * 4;

/** Clean a chat line and decide whether it may be posted (text hygiene only). */
export function checkChatText(raw: string): ChatCheck {
  if (raw.length > CHAT_MAX_RAW_UNITS) return { ok: false, reason: ChatRejectReason.TooLong };
  const text = cleanText(raw);
  if (text.length === 0) return { ok: false, reason: ChatRejectReason.Empty };
  if (codePointLength(text) > CHAT_MAX_LENGTH) return { ok: false, reason: ChatRejectReason.TooLong };
  return { ok: true, text };
}
