import type { EventEmitter } from "node:events";

/**
 * Mirrors: ws@8.23.0 lib/websocket.js (WebSocket#close, #terminate, the RangeError on long close reasons)
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (Room#_forciblyCloseClient removes the socket's 'message' listeners)
 *
 * Closing one misbehaving connection on purpose, and remembering which
 * sockets were closed on purpose so the room holds no reconnection seat for
 * them (rooms/seats.ts mayReconnect).
 *
 * Why a marker: a close code is not a reliable witness. `ws` reports the code
 * the *peer* echoes in its close frame, and a hostile peer that never echoes
 * shows up in `onDrop` as 1006, like a dropped phone.
 */
const deniedReconnection = new WeakSet<object>();

/** The raw socket a Colyseus client wraps (`client.ref`), reduced to what closing it needs. */
interface RawSocket extends EventEmitter {
  close(code?: number, reason?: string): void;
  terminate?: () => void;
  readyState?: number;
}

/** `ws` throws RangeError on close reasons over 123 bytes (RFC 6455 §5.5: control payloads ≤ 125). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * How long a peer closed on purpose has to answer the close handshake before
 * its TCP socket is destroyed. `ws` would otherwise wait 30 s (its
 * closeTimeout), holding the socket and its connection slot.
 */
export const TERMINATE_AFTER_CLOSE_MS = 2000;

/**
 * Owe `socket` no reconnection seat, without closing it: for a socket `ws`
 * itself is closing after a protocol violation (bad opcode, invalid UTF-8,
 * oversize, too many fragments).
 */
export function denyReconnection(socket: object): void {
  deniedReconnection.add(socket);
}

/** Whether `socket` was closed on purpose (or by `ws` for a protocol error): no reconnection seat, no more frames. */
export function reconnectionDenied(socket: object): boolean {
  return deniedReconnection.has(socket);
}

/**
 * Close `socket` on purpose with `code` and a short reason, deny it a
 * reconnection seat, stop dispatching anything it still sends, and destroy it
 * if it does not complete the close handshake.
 */
export function closeOnPurpose(socket: RawSocket, code: number, reason: string): void {
  if (deniedReconnection.has(socket)) return;
  deniedReconnection.add(socket);
  // Frames already in flight must not reach the room (core does the same in
  // Room#_forciblyCloseClient).
  socket.removeAllListeners("message");
  socket.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES));
  const terminate = socket.terminate?.bind(socket);
  if (terminate !== undefined) setTimeout(terminate, TERMINATE_AFTER_CLOSE_MS).unref();
}

/** `closeOnPurpose` for a Colyseus client: its `ref` is the `ws` socket (typed as a bare EventEmitter by core). */
export function closeClientOnPurpose(client: { ref: EventEmitter }, code: number, reason: string): void {
  const socket = client.ref as Partial<RawSocket> & EventEmitter;
  if (typeof socket.close !== "function") throw new TypeError("client.ref is not a closable socket");
  closeOnPurpose(socket as RawSocket, code, reason);
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
