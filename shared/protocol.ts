import type { ChatLine, ChatRejected, ChatSinceReply } from "./chat.ts";

/** Room type names as registered on the server. */
export const RoomName = { Arena: "arena", World: "world" } as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Message types a client may send (besides inputs, which ride `room.input()`). */
export const ClientMessage = {
  Chat: "chat",
  /** `{ afterId }`: the chat lines after that id (after a reconnect); answered with "chat:since". */
  ChatSince: "chat:since",
} as const;

/** Message types the server sends. */
export const ServerMessage = {
  Chat: "chat",
  ChatHistory: "chat:history",
  ChatRejected: "chat:rejected",
  /** Answer to the client's "chat:since" request. */
  ChatSince: "chat:since",
  Error: "error",
  /** Broadcast once when the server starts shutting down, just before the 4001 close. */
  ServerShutdown: "server:shutdown",
} as const;

/** Typed error codes carried by message "error". */
export const ProtocolErrorCode = {
  /** The payload did not match the message's schema; the message was dropped. */
  InvalidPayload: "invalid_payload",
  /**
   * The client sent more than the server accepts (frames per second, or a
   * throttled request such as "chat:since"); what was over the limit was
   * dropped. Sent at most once per second per connection.
   */
  RateLimited: "rate_limited",
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export interface ProtocolError {
  code: ProtocolErrorCode;
  /** The message type that caused it ("*" when the limit was on frames of any type). */
  type: string;
  /** Human-readable detail; never echoes the payload. */
  message: string;
}

/** Payload type of every server→client message, by type. */
export interface ServerMessages {
  [ServerMessage.Chat]: ChatLine;
  [ServerMessage.ChatHistory]: ChatLine[];
  [ServerMessage.ChatRejected]: ChatRejected;
  [ServerMessage.ChatSince]: ChatSinceReply;
  [ServerMessage.Error]: ProtocolError;
  [ServerMessage.ServerShutdown]: ServerShutdownNotice;
}

/** Message "server:shutdown": the connection is about to close with 4001; the server is going away. */
export interface ServerShutdownNotice {
  /** Why: the signal the process received ("SIGTERM", "SIGINT") or "shutdown". */
  reason: string;
  /** Server time the shutdown began, ms since the epoch. */
  at: number;
}

/**
 * Application close codes (WebSocket 4000–4999; Colyseus uses 4000–4010).
 * Every code in 4400–4499 is a decision of the server about this client:
 * the SDK treats it as a leave (not a drop), and the room must not hold a
 * reconnection seat for it (see `isFinalCloseCode`).
 *
 * A client may also see Colyseus' own codes (`CloseCode` in
 * @colyseus/shared-types: 4000 consented leave, 4001 server shutdown, 4002
 * closed with error, 4010 may try reconnect) and the RFC 6455 ones used for
 * malformed traffic (1002 protocol error, 1003 text frame, 1007 invalid UTF-8,
 * 1008 too many fragments, 1009 message too big, 1011 internal error). Of
 * all these, only a drop (1001/1005/1006, or 4010) is followed by automatic
 * reconnection in the SDK, and only a drop holds a seat on the server.
 */
export const TickwireCloseCode = {
  /** A message type the room does not handle. */
  UnknownMessage: 4400,
  /** Removed by a moderator's `/kick` (a system line in chat says who and why). */
  Kicked: 4401,
  /**
   * Took a seat but did not acknowledge the server's JOIN_ROOM within
   * JOIN_ACK_TIMEOUT_MS, or sent too many frames before doing so.
   */
  JoinTimeout: 4408,
  /**
   * This connection cost the server too much to serve (dispatch CPU, frames
   * or unsent bytes over its budget or its address', or the heaviest while
   * the event loop lagged): server/net/connectionCost.ts, SECURITY.md.
   */
  TooCostly: 4413,
  /** More than twice the allowed frames (MAX_MESSAGES_PER_S) in one second. */
  RateLimited: 4429,
  /** Processing a frame from this client failed inside the server; only this client is closed. */
  InternalError: 1011,
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
  /**
   * A display name for the room, read only when this join creates it
   * (`create`, or a `joinOrCreate` that finds no room): sanitised by the
   * server (`sanitizeRoomTitle`) and fixed for the room's life. Joining an
   * existing room ignores it.
   */
  title?: string;
}

/** One open room as `GET /rooms` lists it. */
export interface RoomListing {
  roomId: string;
  /** The display name its creator gave (sanitised by the server), or "" for none. */
  title: string;
  /** The room type: an arena, or the open world. */
  kind: RoomName;
  clients: number;
  maxClients: number;
  /** Full or locked: joining it would fail. */
  locked: boolean;
  /** ms since the epoch. */
  createdAt: number;
  /** The process hosting the room (random at every boot): for operators of a cluster; the client ignores it. */
  processId: string;
}
