import { TickwireCloseCode } from "../../shared/index.ts";
import type { FrameEvent } from "./frameAdmission.ts";
import type { HttpRefusalReason } from "./httpAdmission.ts";

/**
 * What the edge refused, as the `type` and `reason` labels of
 * `tickwire_messages_rejected_total`. Every reason comes from a fixed set
 * here, never from what a client sent (a label per distinct client string
 * would let anyone grow the registry without bound).
 */
export type EdgeRefusal =
  | { type: "frame"; reason: FrameRefusalReason }
  | { type: "http"; reason: HttpRefusalReason }
  | { type: "upgrade"; reason: UpgradeRefusalReason }
  | { type: "connection"; reason: ConnectionRefusalReason };

export type CountEdgeRefusal = (refusal: EdgeRefusal) => void;

/**
 * A WebSocket frame dropped, or its connection closed:
 * - `rate_limited`: dropped, over MAX_MESSAGES_PER_S; `rate_kicked`: closed 4429 at twice that;
 * - closed by the frame policy: `protocol_error` (1002), `unsupported_data` (1003, text frames),
 *   `unknown_type` (4400, request frames);
 * - closed by `ws` itself: `protocol_error` (1002), `invalid_utf8` (1007), `too_many_fragments`
 *   (1008: MAX_FRAGMENTS or the buffered-chunks cap, one `ws` error code for both), `too_large`
 *   (1009, MAX_PAYLOAD_BYTES);
 * - `internal_error`: a frame whose handling threw (1011);
 * - `join_timeout`: closed 4408, the join handshake not acknowledged in time (or too many frames before it);
 * - `other`: a close code or `ws` error code not listed here (a newer `ws`).
 */
export type FrameRefusalReason =
  | "rate_limited"
  | "rate_kicked"
  | "protocol_error"
  | "unsupported_data"
  | "invalid_utf8"
  | "too_many_fragments"
  | "too_large"
  | "unknown_type"
  | "internal_error"
  | "join_timeout"
  | "other";

/**
 * A WebSocket upgrade refused before any frame (colyseus/transport.ts verifyClient); `too_costly`: the
 * address is over its connection cost budget with no live connection to cut (server/net/connectionCost.ts).
 */
export type UpgradeRefusalReason =
  "shutting_down" | "origin_forbidden" | "too_costly" | "rate_limited" | "not_a_room" | "too_many_connections";

/** A TCP connection closed on accept, before any byte was read (server/net/httpConnections.ts). */
export type ConnectionRefusalReason = "too_many_connections";

/** The reason label of a frame guard event (each one drops a frame or closes its connection). */
export function frameRefusal(event: FrameEvent): FrameRefusalReason {
  switch (event.kind) {
    case "rate_dropped":
      return "rate_limited";
    case "rate_kicked":
      return "rate_kicked";
    case "dispatch_threw":
      return "internal_error";
    case "refused":
      return closeCodeReason(event.code);
  }
}

/** RFC 6455 §7.4.1 codes and Tickwire's own, as used by the frame policy. */
function closeCodeReason(code: number): FrameRefusalReason {
  switch (code) {
    case 1002:
      return "protocol_error";
    case 1003:
      return "unsupported_data";
    case 1007:
      return "invalid_utf8";
    case 1009:
      return "too_large";
    case TickwireCloseCode.UnknownMessage:
      return "unknown_type";
    case TickwireCloseCode.InternalError:
      return "internal_error";
    default:
      return "other";
  }
}
