import type { EventEmitter } from "node:events";

/**
 * Closing one misbehaving connection, and remembering that it was closed on
 * purpose so the room does not hold a reconnection seat for it.
 *
 * Why a marker: a close code is not a reliable witness. `ws` reports the code
 * the *peer* echoes in its close frame, and a hostile peer that never echoes
 * shows up in `onDrop` as 1006, like a dropped phone.
 */
const kicked = new WeakSet<object>();

/** The raw socket a Colyseus client wraps (`client.ref`), reduced to what kicking needs. */
interface Closable extends EventEmitter {
  close(code?: number, reason?: string): void;
  terminate?: () => void;
  readyState?: number;
}

/** `ws` throws RangeError on close reasons over 123 bytes (RFC 6455 §5.5: control payloads ≤ 125). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * How long a kicked peer has to answer the close handshake before its TCP
 * socket is destroyed. `ws` would otherwise wait 30 s (its closeTimeout),
 * holding the socket and its connection slot.
 */
export const KICK_TERMINATE_AFTER_MS = 2000;

export function markKicked(socket: object): void {
  kicked.add(socket);
}

export function wasKicked(socket: object): boolean {
  return kicked.has(socket);
}

/**
 * Close `socket` with `code` and a short reason, stop dispatching anything it
 * still sends, and destroy it if it does not complete the close handshake.
 */
export function kick(socket: Closable, code: number, reason: string): void {
  if (kicked.has(socket)) return;
  kicked.add(socket);
  // Frames already in flight must not reach the room (core does the same in
  // Room#_forciblyCloseClient).
  socket.removeAllListeners("message");
  socket.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES));
  const terminate = socket.terminate?.bind(socket);
  if (terminate !== undefined) setTimeout(terminate, KICK_TERMINATE_AFTER_MS).unref();
}

/** `kick` for a Colyseus client: its `ref` is the `ws` socket (typed as a bare EventEmitter by core). */
export function kickClient(client: { ref: EventEmitter }, code: number, reason: string): void {
  const socket = client.ref as Partial<Closable> & EventEmitter;
  if (typeof socket.close !== "function") throw new TypeError("client.ref is not a closable socket");
  kick(socket as Closable, code, reason);
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
