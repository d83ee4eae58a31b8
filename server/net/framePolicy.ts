import { Protocol } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";
import { TickwireCloseCode } from "../../shared/index.ts";
import { inputFrameCheck } from "../../colyseus/inputWire.ts";
import { PROTOCOL_CODE_MASK } from "../../colyseus/protocol.ts";

/** A frame's fate before Colyseus sees it: pass, or close the sender with this code. */
export type FrameCheck = { ok: true } | { ok: false; code: number; reason: string };

/** Checks one inbound frame. */
export type FramePolicy = (frame: Buffer, isBinary: boolean) => FrameCheck;

/** RFC 6455 §7.4.1: 1002 protocol error, 1003 unsupported data. */
const PROTOCOL_ERROR = 1002;
const UNSUPPORTED_DATA = 1003;
const OK: FrameCheck = { ok: true };
const MALFORMED_INPUT: FrameCheck = { ok: false, code: PROTOCOL_ERROR, reason: "malformed input" };

/**
 * What a Tickwire client may send, checked on every frame.
 *
 * Core ignores frames whose first byte is no client→server code, and drops an
 * input frame it cannot decode after logging it at error level
 * (RoomInput#decodeReliable), so random bytes and garbage inputs would cost
 * the sender nothing and fill the log. Here they close the sender:
 *
 * - empty or text frames (the protocol is binary): 1002 / 1003;
 * - a first byte that is not JOIN_ROOM, LEAVE_ROOM, ROOM_DATA, ROOM_DATA_BYTES,
 *   PING or an input code, or that carries modifier bits (Tickwire rooms use
 *   no lag compensation, so no client stamps inputs): 1002;
 * - ROOM_REQUEST: no Tickwire room answers requests, and core would echo
 *   the unknown type name back in its "no_handler" reply: 4400, like any
 *   unknown message type;
 * - an input frame whose body is not a well-formed encoding of the room's
 *   input schema (colyseus/inputWire.ts): 1002.
 *
 * ROOM_DATA payloads are left to the room: unknown types close with 4400
 * (PlayRoom's "*" handler), undecodable msgpack with core's 4002, and a
 * known type with a wrong shape gets a typed "error" message.
 */
export function tickwireFramePolicy(inputSchema: new () => Schema): FramePolicy {
  const inputs = inputFrameCheck(inputSchema);
  return (frame, isBinary) => {
    if (!isBinary) return { ok: false, code: UNSUPPORTED_DATA, reason: "binary frames only" };
    const first = frame[0];
    if (first === undefined) return { ok: false, code: PROTOCOL_ERROR, reason: "empty frame" };
    if ((first & ~PROTOCOL_CODE_MASK) !== 0) return { ok: false, code: PROTOCOL_ERROR, reason: "unexpected modifier" };
    switch (first) {
      case Protocol.JOIN_ROOM:
      case Protocol.LEAVE_ROOM:
      case Protocol.ROOM_DATA:
      case Protocol.ROOM_DATA_BYTES:
      case Protocol.PING:
        return OK;
      case Protocol.ROOM_REQUEST:
        return { ok: false, code: TickwireCloseCode.UnknownMessage, reason: "unknown message type" };
      case Protocol.ROOM_INPUT_RELIABLE:
        return inputs.reliable(frame.subarray(1)) ? OK : MALFORMED_INPUT;
      case Protocol.ROOM_INPUT_UNRELIABLE:
        return inputs.unreliable(frame.subarray(1)) ? OK : MALFORMED_INPUT;
      default:
        return { ok: false, code: PROTOCOL_ERROR, reason: "unknown protocol code" };
    }
  };
}
