import { ProtocolErrorCode, TickwireCloseCode, type ProtocolError } from "../../shared/index.ts";
import type { FramePolicy } from "./framePolicy.ts";
import { FrameRateLimit } from "./rateLimits.ts";

export type FrameEvent =
  | { kind: "rate_dropped" }
  | { kind: "rate_kicked" }
  | { kind: "refused"; code: number; reason: string }
  | { kind: "dispatch_threw"; error: unknown };

export interface FrameAdmissionOptions {
  messagesPerSecond: number;
  policy: FramePolicy;
  onEvent: (event: FrameEvent) => void;
}

/** What becomes of one inbound frame before Colyseus sees it. */
export type FrameDecision =
  | { action: "deliver" }
  /** Not dispatched; `tellSender`, when set, goes back to the sender as a typed "error" message. */
  | { action: "drop"; tellSender: ProtocolError | undefined }
  /** Not dispatched, and the sender is closed on purpose with this code. */
  | { action: "close"; code: number; reason: string };

/** Decides the fate of each inbound frame of one connection (`admit`); reports what went wrong in a dispatch. */
export interface FrameAdmission {
  admit(frame: Buffer, isBinary: boolean): FrameDecision;
  /** A delivered frame's dispatch threw: the sender is closed with this. */
  dispatchThrew(error: unknown): FrameDecision & { action: "close" };
}

/** One shared verdict for the common case: no allocation per delivered frame. */
const DELIVER: FrameDecision = Object.freeze({ action: "deliver" });

const RATE_LIMITED_NOTICE: ProtocolError = {
  code: ProtocolErrorCode.RateLimited,
  type: "*",
  message: "too many messages: frames over the limit are dropped",
};

/**
 * The frame guard's decisions for one connection, applied to every inbound
 * frame by the transport's frame tap (colyseus/frameTap.ts), whatever the
 * room or the connection's state:
 *
 * 1. Rate: `FrameRateLimit` decides pass, drop or close (policy there); the
 *    first dropped frame of a window tells the sender.
 * 2. Shape: the `FramePolicy` closes senders of frames no client should
 *    send (framePolicy.ts).
 * 3. Firewall: a frame whose dispatch throws closes only its sender, with
 *    1011 (why the tap catches at all: colyseus/frameTap.ts).
 */
export function createFrameAdmission({ messagesPerSecond, policy, onEvent }: FrameAdmissionOptions): FrameAdmission {
  const limit = new FrameRateLimit(messagesPerSecond);
  return {
    admit(frame, isBinary) {
      switch (limit.admit()) {
        case "drop":
          onEvent({ kind: "rate_dropped" });
          return { action: "drop", tellSender: limit.firstDropInWindow ? RATE_LIMITED_NOTICE : undefined };
        case "close":
          onEvent({ kind: "rate_kicked" });
          return { action: "close", code: TickwireCloseCode.RateLimited, reason: "rate limit exceeded" };
        case "pass":
          break;
      }
      const check = policy(frame, isBinary);
      if (!check.ok) {
        onEvent({ kind: "refused", code: check.code, reason: check.reason });
        return { action: "close", code: check.code, reason: check.reason };
      }
      return DELIVER;
    },
    dispatchThrew(error) {
      onEvent({ kind: "dispatch_threw", error });
      return { action: "close", code: TickwireCloseCode.InternalError, reason: "internal error" };
    },
  };
}
