import type { ChatLine } from "../../shared/index.ts";
import type { ChatVisibility } from "./ChatLog.ts";

/**
 * Who may see a chat line: everyone, unless it is addressed to someone (a
 * whisper, `to` = the recipient's sessionId), in which case only its sender
 * and its recipient. Replays and histories go through this, so a reconnecting
 * client never receives a whisper it was not part of.
 */
export function visibleTo(sessionId: string): ChatVisibility {
  return (line: ChatLine & { to?: string }) =>
    line.to === undefined || line.from === sessionId || line.to === sessionId;
}
