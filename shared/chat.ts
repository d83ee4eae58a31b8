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
