import { ClientState, type Client } from "@colyseus/core";
import type { StateView } from "@colyseus/schema";

/**
 * Mirrors: @colyseus/core@0.18.17 src/serializer/SchemaSerializer.ts (applyPatches/getFullState read `client.state`, `client.view`, `client._inputBuffer?.ackSeq` and call `client.raw`)
 *
 * A joined client without a socket, for the bench's no-socket encoding
 * measurements (bench/encoding.ts, bench/viewEncoding.ts): the serializer
 * sends it frames through `raw`, which the bench counts. `_inputBuffer` is
 * core's private input buffer, read for the TIMED prefix's per-client ack;
 * test/wall/room.test.ts pins that the serializer still reads it.
 */
export interface SinkClientOptions {
  sessionId: string;
  /** The input sequence the TIMED prefix acknowledges to this client. */
  ackSeq: number;
  view?: StateView;
  raw: (data: Uint8Array) => void;
}

export function sinkClient({ sessionId, ackSeq, view, raw }: SinkClientOptions): Client {
  const client = { state: ClientState.JOINED, sessionId, view, _inputBuffer: { ackSeq }, raw };
  return client as unknown as Client;
}
