import type { Schema } from "@colyseus/schema";

/**
 * Mirrors: @colyseus/schema@5.0.34 src/input/InputEncoder.ts (reliable and unreliable body layout), src/Metadata.ts (`Symbol.metadata` field table, `type.quantized.bits`)
 * Mirrors: @colyseus/core@0.18.17 src/input/RoomInput.ts (decodeReliable, decodeUnreliable)
 *
 * Structural check of input frame bodies against the room's input schema,
 * before core's decoder sees them.
 *
 * Why not decode and catch: @colyseus/schema's Decoder does not throw on
 * garbage; it writes to the console instead ("field not defined at …",
 * "refId not found …", "definition mismatch": 2–4 unstructured lines per bad
 * frame, measured), so every garbage input frame a client sends would become
 * server log lines. Core then counts the frame as a received input.
 *
 * The wire format checked is what InputEncoder emits for a flat schema
 * (measured with the SDK's encoder): a reliable body is zero or more
 * `[op | fieldIndex][value]` where op is ADD (0x80) or REPLACE (0x00) and the
 * value is the field's fixed wire width; an unreliable body is
 * `[baseSeq][len][body]…` with msgpack-style unsigned numbers. Only
 * `t.quantized()` fields have a fixed width, and they are all Tickwire's
 * input has: any other field type refuses to build, so changing the input
 * schema cannot silently weaken this check.
 *
 * Why bound the shape, not only check it: decode cost must follow what an
 * honest encoder can produce, not the frame size. Core decodes every slot of
 * an unreliable frame and clones the input into the buffer for each
 * (RoomInput#capture), so a 4 KiB frame of ~4,000 empty slots cost ~2.9 ms to
 * dispatch (measured), and 32 connections × 120 frames/s of them stalled the
 * process. The SDK's encoder writes each changed field once per input and
 * `historySize` slots per unreliable frame (default 3), so a field named
 * twice, or more than MAX_INPUT_SLOTS slots, is refused.
 */
export interface InputFrameCheck {
  reliable(body: Uint8Array): boolean;
  unreliable(body: Uint8Array): boolean;
}

/**
 * Most slots an unreliable input frame may carry: the SDK's `historySize`
 * (default 3; Tickwire's client sends reliable inputs). Eight keeps room for a
 * client that asks for more redundancy on a lossy link.
 */
export const MAX_INPUT_SLOTS = 8;

const ADD = 0x80;
const REPLACE = 0x00;
const INDEX_MASK = 0x3f;

interface FieldMetadata {
  name: string;
  type: unknown;
}

export function inputFrameCheck(schema: new () => Schema): InputFrameCheck {
  const widths = fieldWidths(schema);
  // Which fields this body named, by the body's generation: no allocation or
  // clearing per frame (frames are checked one at a time, synchronously).
  const namedIn = new Float64Array(widths.length);
  let generation = 0;
  const reliable = (body: Uint8Array): boolean => {
    let offset = 0;
    generation++;
    while (offset < body.length) {
      const op = body[offset]!;
      const index = op & INDEX_MASK;
      const width = widths[index];
      if ((op & ~INDEX_MASK) !== ADD && (op & ~INDEX_MASK) !== REPLACE) return false;
      if (width === undefined) return false;
      if (namedIn[index] === generation) return false; // a field named twice
      namedIn[index] = generation;
      offset += 1 + width;
    }
    return offset === body.length;
  };
  return {
    reliable,
    unreliable(body) {
      const cursor = { offset: 0 };
      if (readUnsigned(body, cursor) === undefined) return false; // base seq
      for (let slots = 0; cursor.offset < body.length; slots++) {
        if (slots === MAX_INPUT_SLOTS) return false;
        const length = readUnsigned(body, cursor);
        if (length === undefined || cursor.offset + length > body.length) return false;
        if (!reliable(body.subarray(cursor.offset, cursor.offset + length))) return false;
        cursor.offset += length;
      }
      return true;
    },
  };
}

/** Wire width in bytes of each field, by field index. */
function fieldWidths(schema: new () => Schema): number[] {
  const metadata = (schema as unknown as Record<symbol, Record<number, FieldMetadata> | undefined>)[Symbol.metadata];
  if (metadata === undefined) throw new Error("input schema has no metadata");
  const widths: number[] = [];
  for (let index = 0; metadata[index] !== undefined; index++) {
    const field = metadata[index]!;
    const bits = quantizedBits(field.type);
    if (bits === undefined) {
      throw new Error(
        `input field "${field.name}": only t.quantized() fields are checked; extend colyseus/inputWire.ts`,
      );
    }
    widths[index] = bits / 8;
  }
  if (widths.length > INDEX_MASK + 1) throw new Error("input schema has too many fields");
  return widths;
}

function quantizedBits(type: unknown): number | undefined {
  if (typeof type !== "object" || type === null || !("quantized" in type)) return undefined;
  const quantized = type.quantized;
  if (typeof quantized !== "object" || quantized === null || !("bits" in quantized)) return undefined;
  const bits = quantized.bits;
  return bits === 8 || bits === 16 || bits === 32 ? bits : undefined;
}

/** A msgpack positive fixint, uint8, uint16 or uint32 (schema's `encode.number` for non-negative integers). */
function readUnsigned(bytes: Uint8Array, cursor: { offset: number }): number | undefined {
  const prefix = bytes[cursor.offset];
  if (prefix === undefined) return undefined;
  const width = prefix < 0x80 ? 0 : prefix === 0xcc ? 1 : prefix === 0xcd ? 2 : prefix === 0xce ? 4 : -1;
  if (width < 0 || cursor.offset + 1 + width > bytes.length) return undefined;
  let value = width === 0 ? prefix : 0;
  for (let i = 0; i < width; i++) value += bytes[cursor.offset + 1 + i]! * 2 ** (8 * i);
  cursor.offset += 1 + width;
  return value;
}
