import type { FrameRefusalReason } from "../server/net/edgeRefusals.ts";

/**
 * Mirrors: ws@8.23.0 lib/receiver.js (the `WS_ERR_*` codes of the errors its Receiver raises; undocumented)
 *
 * `ws` names each protocol violation it closes a connection for with an
 * error code string; these strings are not part of its documented API, so
 * test/wall/ws-socket.test.ts fails when receiver.js raises one not mapped here.
 */

/**
 * The reason label of an error `ws` emitted before closing a connection for a
 * protocol violation (receiver.js: each carries a fixed `code` and the close
 * code it sends).
 */
export function wsErrorRefusal(error: unknown): FrameRefusalReason {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  if (typeof code !== "string") return "other";
  switch (code) {
    case "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH":
    case "WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH":
      return "too_large";
    case "WS_ERR_TOO_MANY_BUFFERED_PARTS":
      return "too_many_fragments";
    case "WS_ERR_INVALID_UTF8":
      return "invalid_utf8";
    case "WS_ERR_INVALID_OPCODE":
    case "WS_ERR_EXPECTED_FIN":
    case "WS_ERR_EXPECTED_MASK":
    case "WS_ERR_UNEXPECTED_MASK":
    case "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH":
    case "WS_ERR_INVALID_CLOSE_CODE":
    case "WS_ERR_UNEXPECTED_RSV_1":
    case "WS_ERR_UNEXPECTED_RSV_2_3":
      return "protocol_error";
    default:
      return "other";
  }
}
