import { z } from "zod";
import { CHAT_MAX_LENGTH } from "./constants.ts";
import { cleanText, codePointLength } from "./text.ts";

/** What a client sends as message "chat". Shape only; content rules are in `checkChatText`. */
export const ChatSend = z.object({ text: z.string() });
export type ChatSend = z.input<typeof ChatSend>;

/** One chat line as the server broadcasts it (message "chat", and inside "chat:history"). */
export interface ChatLine {
  /** Increasing per room: a client can tell what it missed. */
  id: number;
  /** Sender's sessionId, or "system". */
  from: string;
  /** Sender's display name at the time of sending (server-side, never client-claimed). */
  name: string;
  text: string;
  /** Server time, ms since the epoch. */
  at: number;
}

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
 * see. Lines can also arrive as live "chat" messages around the same time:
 * merge by `id`.
 */
export interface ChatSinceReply {
  /** The request's `afterId`, echoed. */
  afterId: number;
  lines: ChatLine[];
  /** More lines follow the last one: ask again with its id. */
  hasMore: boolean;
  /** Some lines after `afterId` are no longer kept (the replay buffer rolled over); they are lost to this client. */
  truncated: boolean;
}

export const ChatRejectReason = {
  Empty: "empty",
  TooLong: "too_long",
} as const;
export type ChatRejectReason = (typeof ChatRejectReason)[keyof typeof ChatRejectReason];

/** Message "chat:rejected", sent to the sender only. */
export interface ChatRejected {
  reason: ChatRejectReason;
}

export type ChatCheck = { ok: true; text: string } | { ok: false; reason: ChatRejectReason };

/** Clean a chat line and decide whether it may be posted. */
export function checkChatText(raw: string): ChatCheck {
  const text = cleanText(raw);
  if (text.length === 0) return { ok: false, reason: ChatRejectReason.Empty };
  if (codePointLength(text) > CHAT_MAX_LENGTH) return { ok: false, reason: ChatRejectReason.TooLong };
  return { ok: true, text };
}
