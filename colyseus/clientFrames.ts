import type { Client } from "@colyseus/core";

/**
 * Mirrors: @colyseus/core@0.18.17 src/Transport.ts (enqueueClientRaw → `client.raw`), src/serializer/SchemaSerializer.ts (sendClientFrame → `client.raw`)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketClient.ts (`ref` is the ws socket; it emits 'message' per inbound frame)
 *
 * Every frame one client sends and receives, for metering.
 *
 * Outgoing: core routes every frame to a client (handshake, full state, each
 * patch, each message) through `client.raw` (core Transport.ts
 * `enqueueClientRaw`; SchemaSerializer `sendClientFrame`), and no transport
 * hook sees them, so the instance's `raw` is wrapped. Incoming: inputs never
 * reach a room handler (core decodes them into the input buffer), so frames
 * are seen on the socket, after the frame tap admitted them.
 */
export interface ClientFrameTaps {
  /** Each frame about to go to the client, whole (protocol byte first). */
  sent(frame: Uint8Array): void;
  /** Each frame the client sent that reached Colyseus. */
  received(frame: Buffer): void;
}

export function tapClientFrames(client: Client, taps: ClientFrameTaps): void {
  const raw = client.raw.bind(client);
  client.raw = (data, options, cb) => {
    taps.sent(data);
    raw(data, options, cb);
  };
  client.ref.on("message", (data: Buffer) => taps.received(data));
}
