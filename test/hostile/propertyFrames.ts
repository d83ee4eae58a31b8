import { Protocol } from "@colyseus/core";
import { encodeRoomData } from "../../colyseus/wireClient.ts";
import { ClientMessage } from "../../shared/index.ts";

/**
 * The costliest frames the documented limits let through, for the hostile
 * property's attacker (propertyAttacker.ts). Each is exactly or nearly
 * MAX_PAYLOAD_BYTES and passes the frame policy (server/net/framePolicy.ts):
 * the server must do the work, not close the sender.
 */

/** msgpack/schema unsigned number as uint32 (`0xce` + 4 bytes LE), the widest base seq. */
const UINT32 = 0xce;
/** Field op REPLACE (0x00) on field index `i` of MoveInput (dx = 0, dy = 1), two-byte quantized value. */
const FIELD_WRITE_BYTES = 3;

/**
 * `[ROOM_INPUT_RELIABLE]` + as many `[REPLACE|field][uint16]` writes as fit:
 * 1365 field writes in 4096 bytes, each decoded by core's InputDecoder.
 */
export function maxReliableInput(maxPayload: number): Buffer {
  return reliableInput(Math.floor((maxPayload - 1) / FIELD_WRITE_BYTES));
}

/** `[ROOM_INPUT_RELIABLE]` + `writes` field writes. */
export function reliableInput(writes: number): Buffer {
  const frame = Buffer.alloc(1 + writes * FIELD_WRITE_BYTES);
  frame[0] = Protocol.ROOM_INPUT_RELIABLE;
  for (let i = 0; i < writes; i++) {
    const at = 1 + i * FIELD_WRITE_BYTES;
    frame[at] = i % 2;
    frame.writeUInt16LE((i * 97) & 0xffff, at + 1);
  }
  return frame;
}

/**
 * `[ROOM_INPUT_UNRELIABLE][baseSeq][0][0]…`: a redundancy ring of empty slots,
 * one per byte (4090 in 4096 bytes). Core decodes every slot (schema
 * InputDecoder.decodeAll runs a Decoder pass per slot) and pushes each into the
 * input buffer. `baseSeq` advances by the slot count each frame, so no slot is
 * a duplicate of one already seen.
 */
export function maxUnreliableInput(maxPayload: number, baseSeq: number): Buffer {
  return unreliableInput(UNRELIABLE_SLOTS(maxPayload), baseSeq);
}

/** `[ROOM_INPUT_UNRELIABLE][baseSeq]` + `slots` empty slots. */
export function unreliableInput(slots: number, baseSeq: number): Buffer {
  const frame = Buffer.alloc(6 + slots);
  frame[0] = Protocol.ROOM_INPUT_UNRELIABLE;
  frame[1] = UINT32;
  frame.writeUInt32LE(baseSeq >>> 0, 2);
  return frame;
}

export const UNRELIABLE_SLOTS = (maxPayload: number): number => maxPayload - 6;

/**
 * The largest `n` in 1..max whose frame `admits` (the server's frame policy)
 * lets through, so the attack stays the costliest frame allowed when the
 * policy tightens (a fix that caps input slots or field writes); `max` when
 * even the smallest is refused (the attack then exercises the close path).
 */
export function largestAdmitted(build: (n: number) => Buffer, max: number, admits: (frame: Buffer) => boolean): number {
  if (admits(build(max))) return max;
  if (!admits(build(1))) return max;
  let [low, high] = [1, max];
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (admits(build(mid))) low = mid;
    else high = mid;
  }
  return low;
}

/** A frame split into `count` pieces of (nearly) equal size, sent as one message of `count` WebSocket fragments. */
export function fragments(frame: Buffer, count: number): Buffer[] {
  const size = Math.ceil(frame.length / count);
  const pieces: Buffer[] = [];
  for (let at = 0; at < frame.length; at += size) pieces.push(frame.subarray(at, at + size));
  return pieces;
}

/**
 * Chat text the hygiene has to work through (shared/text.ts, shared/names.ts):
 * Cyrillic look-alikes, stacked combining marks, zero-width joiners and
 * emoji, as long as fits in one frame. Over the 280 code point line limit,
 * so it is rejected (`too_long`) after hygiene, which runs on all of it.
 */
export function maxHostileChat(maxPayload: number, n: number): Buffer {
  const unit = "а\u0301\u0301\u0301\u0301е\u200dо👩\u200d💻";
  let text = `${n} `;
  for (;;) {
    const next = encodeRoomData(ClientMessage.Chat, { text: text + unit });
    if (next.length > maxPayload) break;
    text += unit;
  }
  return encodeRoomData(ClientMessage.Chat, { text });
}

/** A chat line at the length limit (280 code points), distinct per `n` so the repeat limit does not mute it. */
export function longestChatLine(n: number): Buffer {
  const head = `line ${n} `;
  return encodeRoomData(ClientMessage.Chat, { text: head + "x".repeat(280 - head.length) });
}
