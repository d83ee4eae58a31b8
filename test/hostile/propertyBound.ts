import type { EdgeSettings } from "../../server/net/edgeSettings.ts";

/**
 * The memory one IP can make the server hold within the documented limits,
 * the bound SECURITY.md states ("The hostile property") and the property test
 * asserts (server RSS < baseline + bound). Computed from the settings, so a
 * changed default changes the bound.
 */
export interface MemoryBound {
  perConnectionBytes: number;
  webSocketsBytes: number;
  httpSocketsBytes: number;
  reservationsBytes: number;
  collectorBytes: number;
  totalMiB: number;
  formula: string;
}

/** Frames the join gate holds for a client that has not acknowledged JOIN_ROOM (colyseus/joinGate.ts). */
const HELD_FRAMES = 8;
/** What core may queue for a joining client, the bound SECURITY.md states for the join handshake. */
const JOIN_QUEUE_BYTES = 64 * 1024;
/**
 * Fixed cost of one WebSocket client (ws socket and its parser, Colyseus'
 * Client, the player's schema and view, input buffer of INPUT_BUFFER_SIZE,
 * rate-limit state, its share of a room): measured in RSS, 290 idle
 * connections in 10 arena rooms took a server process from 129.5 to
 * 159.2 MiB, ~105 KiB each (heap growth included); allowed 128 KiB.
 */
const CONNECTION_FIXED_BYTES = 128 * 1024;
/** Node's default `maxHeaderSize` (a request head is refused past it). */
const MAX_HEADER_BYTES = 16 * 1024;
/** libuv reads up to 64 KiB at a time into a fresh buffer per socket read. */
const SOCKET_READ_BYTES = 64 * 1024;
/** One reserved seat in the matchmaker's and the room's tables, besides its join options. */
const SEAT_FIXED_BYTES = 2 * 1024;
/** One arena room the address opens (state, clock, timers, meters, chat log). */
const ROOM_FIXED_BYTES = 256 * 1024;
/**
 * The collector's slack: frames are garbage once handled, and V8 collects the
 * young generation only when it is full: two 16 MiB semi-spaces (Node 20's
 * default on 64-bit), plus one second of the IP's inbound bytes in flight.
 */
const YOUNG_GENERATION_BYTES = 2 * 16 * 2 ** 20;

export function memoryBound(net: EdgeSettings, maxSeatsPerIpPerRoom: number): MemoryBound {
  const perConnectionBytes =
    net.maxBufferedBytes + // the unsent queue a slow consumer may hold before it is cut off...
    net.maxPayloadBytes + // ...plus the one message that crossed the cap
    HELD_FRAMES * net.maxPayloadBytes + // frames held until JOIN_ROOM is acknowledged
    JOIN_QUEUE_BYTES + // core's queue for a joining client
    net.maxPayloadBytes + // one inbound message being reassembled (its fragments add up to at most this)
    CONNECTION_FIXED_BYTES;
  const webSocketsBytes = net.maxConnectionsPerIp * perConnectionBytes;
  const httpSocketsBytes = net.maxHttpSocketsPerIp * (MAX_HEADER_BYTES + net.matchmakeMaxBodyBytes + SOCKET_READ_BYTES);
  // Unclaimed reservations are capped per address at a time (MAX_PENDING_SEATS_PER_IP); each may open a room, and
  // the address' connections fill at most MAX_SEATS_PER_IP_PER_ROOM seats of each room they open.
  const seats = net.maxPendingSeatsPerIp;
  const rooms = Math.ceil(net.maxConnectionsPerIp / maxSeatsPerIpPerRoom) + seats;
  const reservationsBytes = seats * (net.matchmakeMaxBodyBytes + SEAT_FIXED_BYTES) + rooms * ROOM_FIXED_BYTES;
  const inboundPerS = net.maxConnectionsPerIp * net.maxMessagesPerSecond * net.maxPayloadBytes;
  const collectorBytes = YOUNG_GENERATION_BYTES + inboundPerS;
  const total = webSocketsBytes + httpSocketsBytes + reservationsBytes + collectorBytes;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return {
    perConnectionBytes,
    webSocketsBytes,
    httpSocketsBytes,
    reservationsBytes,
    collectorBytes,
    totalMiB: total / 2 ** 20,
    formula:
      `${net.maxConnectionsPerIp} × ${mib(perConnectionBytes)} (sockets) + ${net.maxHttpSocketsPerIp} × ` +
      `${((MAX_HEADER_BYTES + net.matchmakeMaxBodyBytes + SOCKET_READ_BYTES) / 1024).toFixed(0)} KiB (HTTP) + ` +
      `${seats} pending seats and ${rooms} rooms ${mib(reservationsBytes)} + collector ${mib(collectorBytes)} = ${mib(total)}`,
  };
}
