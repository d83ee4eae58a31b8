import { Protocol, type Client } from "@colyseus/core";
import type { Counter, Histogram } from "prom-client";
import type { Metrics } from "./Metrics.ts";

const PROTOCOL_CODE_MASK = 0x1f;

/** What one room type's clients are metered into (label children resolved once per room). */
export interface ClientMeter {
  metrics: Metrics;
  patchBytes: Histogram.Internal<"room">;
  input: Counter.Internal;
  join: Counter.Internal;
  other: Counter.Internal;
}

export function clientMeter(metrics: Metrics, room: string): ClientMeter {
  return {
    metrics,
    patchBytes: metrics.patchBytes.labels({ room }),
    input: metrics.messagesReceived.labels({ type: "input" }),
    join: metrics.messagesReceived.labels({ type: "join" }),
    other: metrics.messagesReceived.labels({ type: "other" }),
  };
}

/**
 * Count what one client receives and sends.
 *
 * Outgoing: core routes every frame to a client (handshake, full state, each
 * patch, each message) through `client.raw` (core Transport.ts
 * `enqueueClientRaw`; SchemaSerializer `sendClientFrame`), and no transport
 * hook sees them, so the instance's `raw` is wrapped. Incoming: inputs never
 * reach a room handler (core decodes them into the input buffer), so frames
 * are counted by protocol code on the socket; named messages ("chat") are
 * counted by their handlers.
 */
export function meterClient(client: Client, meter: ClientMeter): void {
  const raw = client.raw.bind(client);
  client.raw = (data, options, cb) => {
    meter.metrics.addBytesSent(data.byteLength);
    if (((data[0] ?? 0) & PROTOCOL_CODE_MASK) === Protocol.ROOM_STATE_PATCH) meter.patchBytes.observe(data.byteLength);
    raw(data, options, cb);
  };
  client.ref.on("message", (data: Buffer) => {
    const code = (data[0] ?? 0) & PROTOCOL_CODE_MASK;
    if (code === Protocol.ROOM_INPUT_RELIABLE || code === Protocol.ROOM_INPUT_UNRELIABLE) meter.input.inc();
    else if (code === Protocol.JOIN_ROOM) meter.join.inc();
    else if (code !== Protocol.ROOM_DATA) meter.other.inc();
  });
}
