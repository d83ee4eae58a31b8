import { Protocol, getMessageBytes } from "@colyseus/core";
import type { WebSocket } from "ws";
import { ProtocolErrorCode, ServerMessage, TickwireCloseCode, type ProtocolError } from "../../shared/index.ts";
import type { FramePolicy } from "./framePolicy.ts";
import { kick, wasKicked } from "./kick.ts";
import { FrameRateLimit } from "./rateLimits.ts";

export type FrameGuardEvent =
  | { kind: "rate_dropped" }
  | { kind: "rate_kicked" }
  | { kind: "refused"; code: number; reason: string }
  | { kind: "dispatch_threw"; error: unknown };

export interface FrameGuardOptions {
  messagesPerSecond: number;
  policy: FramePolicy;
  onEvent: (event: FrameGuardEvent) => void;
}

/**
 * Every inbound frame of one connection passes here before Colyseus sees it.
 *
 * Three jobs, all at the one place that sees every frame (the socket's
 * 'message' emission), whatever the room or the connection's state:
 *
 * 1. Rate: `FrameRateLimit` decides pass, drop or kick (policy there).
 * 2. Shape: the `FramePolicy` closes senders of frames no client should
 *    send (framePolicy.ts).
 * 3. Firewall: `ws` emits 'message' from inside the TCP socket's 'data'
 *    handler with no try (websocket.js receiverOnMessage), so anything that
 *    throws synchronously while Colyseus decodes or dispatches a frame
 *    becomes an uncaught exception and ends the process (reproduced with a
 *    throwing listener). Room handlers are already wrapped by
 *    `onUncaughtException`; this catches the rest (core decoding, input
 *    decoding, the protocol switch) and closes only the connection that
 *    sent the frame, with 1011.
 */
export function guardFrames(ws: WebSocket, { messagesPerSecond, policy, onEvent }: FrameGuardOptions): void {
  const limit = new FrameRateLimit(messagesPerSecond);
  const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;

  const guardedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== "message") return emit(event, ...args);
    // Closed on purpose: `kick` removed the message listeners, so later frames
    // would go nowhere anyway. Ignored without an event, so one flood closed
    // with 4429 is one refusal in the logs and counters, not one per frame
    // still in flight.
    if (wasKicked(ws)) return true;
    switch (limit.admit()) {
      case "drop":
        onEvent({ kind: "rate_dropped" });
        if (limit.firstDropInWindow) tellRateLimited(ws);
        return true;
      case "kick":
        onEvent({ kind: "rate_kicked" });
        kick(ws, TickwireCloseCode.RateLimited, "rate limit exceeded");
        return true;
      case "pass":
        break;
    }
    const check = policy(args[0] as Buffer, args[1] === true);
    if (!check.ok) {
      onEvent({ kind: "refused", code: check.code, reason: check.reason });
      kick(ws, check.code, check.reason);
      return true;
    }
    try {
      return emit(event, ...args);
    } catch (error) {
      onEvent({ kind: "dispatch_threw", error });
      kick(ws, TickwireCloseCode.InternalError, "internal error");
      return true;
    }
  };
  ws.emit = guardedEmit as WebSocket["emit"];
}

/** A typed "error" message, framed as Colyseus ROOM_DATA so the SDK delivers it to `onMessage("error")`. */
function tellRateLimited(ws: WebSocket): void {
  const error: ProtocolError = {
    code: ProtocolErrorCode.RateLimited,
    type: "*",
    message: "too many messages: frames over the limit are dropped",
  };
  ws.send(getMessageBytes.raw(Protocol.ROOM_DATA, ServerMessage.Error, error));
}
