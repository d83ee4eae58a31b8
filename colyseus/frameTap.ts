import { performance } from "node:perf_hooks";
import { Protocol, getMessageBytes } from "@colyseus/core";
import type { WebSocket } from "ws";
import { ServerMessage, type ProtocolError } from "../shared/index.ts";
import type { FrameAdmission } from "../server/net/frameAdmission.ts";
import { closeOnPurpose, reconnectionDenied } from "./closeSocket.ts";
import type { FrameMeter } from "./costCutter.ts";
import { uncharged } from "./fanOut.ts";
import { protocolCodeOf } from "./protocol.ts";

/**
 * Mirrors: ws@8.23.0 lib/websocket.js (receiverOnMessage: `this[kWebSocket].emit('message', data, isBinary)`, no try)
 * Mirrors: @colyseus/core@0.18.17 src/Protocol.ts (getMessageBytes.raw framing of ROOM_DATA)
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (_onMessage: the JOINING client's JOIN_ROOM frame sends the full state and the held messages)
 *
 * Every inbound frame of one connection passes here before Colyseus sees it,
 * and its fate is the admission's decision (server/net/frameAdmission.ts).
 *
 * Why the socket's `emit`: `ws` hands each frame to its listeners by
 * `emit("message", data, isBinary)`, and core's listener was added before
 * this connection reached Tickwire; wrapping `emit` is the one place that
 * sees every frame first, whatever listeners exist.
 *
 * Why the try: `ws` emits 'message' from inside the TCP socket's 'data'
 * handler with no try (websocket.js receiverOnMessage), so anything that
 * throws synchronously while Colyseus decodes or dispatches a frame becomes
 * an uncaught exception and ends the process (reproduced with a throwing
 * listener). Room handlers are already wrapped by `onUncaughtException`;
 * this catches the rest (core decoding, input decoding, the protocol switch).
 *
 * Why the meter is here: this is the one place every frame's whole cost is
 * spent, synchronously, inside one call: the admission (the frame policy
 * decodes inputs), then Colyseus' decoding and the room's handler. One
 * `performance.now()` pair around it, no allocation (costCutter.ts), so
 * whatever makes a frame expensive is measured, not only what a rule names.
 *
 * What a frame is not charged for (its sender does not choose it):
 * - fan-outs (fanOut.ts): the part of a dispatch spent handing one message
 *   to its audience, which the room decides;
 * - the connection's first JOIN_ROOM frame: core answers it with the whole
 *   state and every message held since the seat was taken, which is the
 *   room's size, not the client's doing (during a mass reconnect with the
 *   loop lagging, it made the players who just came back the "heaviest").
 *   Once per connection: later JOIN_ROOM frames are ignored by core and
 *   charged like any frame. Its frame and bytes still count.
 */
export function tapInboundFrames(ws: WebSocket, admission: FrameAdmission, meter?: FrameMeter): void {
  const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
  let joinAcknowledged = false;

  const tappedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== "message") return emit(event, ...args);
    // Closed on purpose: closeOnPurpose removed the message listeners, so
    // later frames would go nowhere anyway. Ignored without an event, so one
    // flood closed with 4429 is one refusal in the logs and counters, not one
    // per frame still in flight.
    if (reconnectionDenied(ws)) return true;
    if (meter === undefined) return admitAndDispatch(args);
    const frame = args[0] as Buffer;
    const startedAt = performance.now();
    const unchargedBefore = uncharged.ms;
    try {
      return admitAndDispatch(args);
    } finally {
      const endedAt = performance.now();
      let chargedMs = endedAt - startedAt - (uncharged.ms - unchargedBefore);
      if (!joinAcknowledged && protocolCodeOf(frame) === Protocol.JOIN_ROOM) {
        joinAcknowledged = true;
        chargedMs = 0;
      }
      meter(chargedMs, endedAt, frame.byteLength);
    }
  };

  const admitAndDispatch = (args: unknown[]): boolean => {
    const decision = admission.admit(args[0] as Buffer, args[1] === true);
    switch (decision.action) {
      case "drop":
        if (decision.tellSender !== undefined) tellSender(ws, decision.tellSender);
        return true;
      case "close":
        closeOnPurpose(ws, decision.code, decision.reason);
        return true;
      case "deliver":
        break;
    }
    try {
      return emit("message", ...args);
    } catch (error) {
      const close = admission.dispatchThrew(error);
      closeOnPurpose(ws, close.code, close.reason);
      return true;
    }
  };
  ws.emit = tappedEmit as WebSocket["emit"];
}

/** A typed "error" message, framed as Colyseus ROOM_DATA so the SDK delivers it to `onMessage("error")`. */
function tellSender(ws: WebSocket, error: ProtocolError): void {
  ws.send(getMessageBytes.raw(Protocol.ROOM_DATA, ServerMessage.Error, error));
}
