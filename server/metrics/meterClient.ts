import { Protocol, type Client } from "@colyseus/core";
import type { Counter, Histogram } from "prom-client";
import { tapClientFrames } from "../../colyseus/clientFrames.ts";
import { protocolCodeOf } from "../../colyseus/protocol.ts";
import type { Metrics } from "./Metrics.ts";

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
 * Count what one client receives and sends (every frame, colyseus/clientFrames.ts).
 * Received frames are counted by protocol code; named messages ("chat") are
 * counted by their handlers.
 */
export function meterClient(client: Client, meter: ClientMeter): void {
  tapClientFrames(client, {
    sent(frame) {
      meter.metrics.addBytesSent(frame.byteLength);
      if (protocolCodeOf(frame) === Protocol.ROOM_STATE_PATCH) meter.patchBytes.observe(frame.byteLength);
    },
    received(frame) {
      const code = protocolCodeOf(frame);
      if (code === Protocol.ROOM_INPUT_RELIABLE || code === Protocol.ROOM_INPUT_UNRELIABLE) meter.input.inc();
      else if (code === Protocol.JOIN_ROOM) meter.join.inc();
      else if (code !== Protocol.ROOM_DATA) meter.other.inc();
    },
  });
}
