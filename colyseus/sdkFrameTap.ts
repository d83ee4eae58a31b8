import type { Room } from "@colyseus/sdk";

/**
 * Mirrors: @colyseus/sdk@0.18.4 src/transport/WebSocketTransport.ts (connect: `ws.onmessage = (event) => this.events.onmessage?.(event)`, `binaryType = "arraybuffer"`), src/Room.ts (connect sets `connection.events.onmessage` once)
 *
 * Browser-safe (no node: imports): the browser client's one reach into the SDK.
 *
 * Every frame a joined SDK room receives, before the SDK decodes it. The
 * SDK's transport reads `connection.events.onmessage` afresh on each
 * message, and a reconnection reuses the same `events` object with a new
 * socket, so wrapping it once sees every frame of the room's life,
 * reconnections included.
 */
export function tapReceivedFrames(room: Pick<Room, "connection">, onFrame: (frame: Uint8Array) => void): void {
  const events = room.connection.events;
  const deliver = events.onmessage;
  events.onmessage = (event: MessageEvent) => {
    onFrame(frameOf(event.data));
    deliver?.(event);
  };
}

const utf8 = new TextEncoder();

/** The frame's bytes as they were on the wire. */
function frameOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Colyseus frames are binary; a text frame would be UTF-8 on the wire.
  if (typeof data === "string") return utf8.encode(data);
  return new Uint8Array(0);
}
