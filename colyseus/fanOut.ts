import { performance } from "node:perf_hooks";
import { Protocol, getMessageBytes, type Client } from "@colyseus/core";

/**
 * Mirrors: @colyseus/core@0.18.17 src/Protocol.ts (getMessageBytes.raw framing of ROOM_DATA: the bytes `client.send` would build)
 * Mirrors: @colyseus/ws-transport@0.18.4 src/WebSocketClient.ts (send = enqueueRaw(getMessageBytes.raw(ROOM_DATA, type, message)))
 * Mirrors: @colyseus/core@0.18.17 src/Transport.ts (enqueueClientRaw: held in _enqueuedMessages before JOIN, else sent by raw())
 *
 * One message to many clients, encoded once. `client.send` encodes its
 * message afresh for each recipient (msgpack, then the ROOM_DATA framing);
 * a local chat line heard by 800 players was 800 encodes. Here the bytes are
 * built once and the same buffer goes to every recipient through
 * `enqueueRaw`, the path `send` ends in: a client still joining has it held
 * until its JOIN_ROOM acknowledgement, like any `send`.
 *
 * The time a fan-out takes is not its sender's: it grows with the audience,
 * which the room decides, not the sender (who is held to the chat rate
 * limit). It is added to `uncharged`, and the frame tap (frameTap.ts)
 * subtracts what accrued during a frame from that frame's charge.
 */
export const uncharged = {
  /** Milliseconds spent in fan-outs since the process started (only differences are read). */
  ms: 0,
};

export function sendToEach(clients: Iterable<Client>, type: string, message: unknown): void {
  const startedAt = performance.now();
  try {
    const bytes = getMessageBytes.raw(Protocol.ROOM_DATA, type, message);
    for (const client of clients) client.enqueueRaw(bytes);
  } finally {
    uncharged.ms += performance.now() - startedAt;
  }
}
