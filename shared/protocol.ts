import type { ChatLine, ChatRejected } from "./chat.ts";

/** Room type names as registered on the server. */
export const RoomName = { Arena: "arena", World: "world" } as const;

/** Message types a client may send (besides inputs, which ride `room.input()`). */
export const ClientMessage = { Chat: "chat" } as const;

/** Message types the server sends. */
export const ServerMessage = {
  Chat: "chat",
  ChatHistory: "chat:history",
  ChatRejected: "chat:rejected",
  Error: "error",
} as const;

/** Typed error codes carried by message "error". */
export const ProtocolErrorCode = {
  /** The payload did not match the message's schema; the message was dropped. */
  InvalidPayload: "invalid_payload",
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export interface ProtocolError {
  code: ProtocolErrorCode;
  /** The message type that caused it. */
  type: string;
  /** Human-readable detail; never echoes the payload. */
  message: string;
}

/** Payload type of every server→client message, by type. */
export interface ServerMessages {
  [ServerMessage.Chat]: ChatLine;
  [ServerMessage.ChatHistory]: ChatLine[];
  [ServerMessage.ChatRejected]: ChatRejected;
  [ServerMessage.Error]: ProtocolError;
}

/**
 * Application close codes (WebSocket 4000–4999; Colyseus uses 4000–4010).
 * Every code in 4400–4499 is a decision of the server about this client:
 * the SDK treats it as a leave (not a drop), and the room must not hold a
 * reconnection seat for it (see `isFinalCloseCode`).
 */
export const TickwireCloseCode = {
  /** A message type the room does not handle. */
  UnknownMessage: 4400,
  /** Removed by a moderator's `/kick` (a system line in chat says who and why). */
  Kicked: 4401,
} as const;
export type TickwireCloseCode = (typeof TickwireCloseCode)[keyof typeof TickwireCloseCode];

/** Whether a close code means "the server removed this client": no reconnection may follow. */
export function isFinalCloseCode(code: number | undefined): boolean {
  return code !== undefined && code >= 4400 && code <= 4499;
}

/** Options a client passes to join an arena or the open world. */
export interface ArenaJoinOptions {
  /**
   * Ignored by the server since identities exist: the display name comes
   * from the token (`POST /auth/guest { name }`). Kept so existing clients
   * that send it still type-check.
   */
  name?: string;
}

/** One open room as `GET /rooms` lists it. */
export interface RoomListing {
  roomId: string;
  clients: number;
  maxClients: number;
  /** Full or locked: joining it would fail. */
  locked: boolean;
  /** ms since the epoch. */
  createdAt: number;
}
