import { Protocol } from "@colyseus/core";
import { pack } from "msgpackr";
import { randomInt, type Random } from "../../shared/index.ts";
import { encodeFrame, encodeRoomData } from "../../colyseus/wireClient.ts";

/**
 * Seeded generator of client→server frames for the fuzz test: valid frames
 * with random content, valid frames mutated (truncated, bit-flipped, random
 * tail, wrong protocol byte), ROOM_DATA with random type names and random
 * msgpack payloads, raw random bytes of random sizes, and the odd text frame.
 * Everything is drawn from `random`, so a seed reproduces a run exactly.
 */
export type FuzzFrame = { kind: string; data: Buffer; text?: false } | { kind: "text"; data: string; text: true };

const NASTY_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "then", "chat", "text"];
const KNOWN_TYPES = ["chat", "chat:since", "__proto__", "constructor", "*", "", "error", "_$b", "undefined"];

export function fuzzFrames(random: Random, maxPayload: number): () => FuzzFrame {
  const pick = <T>(items: readonly T[]): T => items[randomInt(random, 0, items.length - 1)]!;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => randomInt(random, 0, 255)));

  const text = (max: number): string => {
    const length = randomInt(random, 0, max);
    let out = "";
    for (let i = 0; i < length; i++) {
      const roll = random();
      // ASCII mostly; then BMP (incl. lone surrogates, bidi controls), then astral.
      out +=
        roll < 0.7
          ? String.fromCharCode(randomInt(random, 0x20, 0x7e))
          : roll < 0.95
            ? String.fromCharCode(randomInt(random, 0, 0xffff))
            : String.fromCodePoint(randomInt(random, 0x10000, 0x10ffff));
    }
    return out;
  };

  const value = (depth: number): unknown => {
    const roll = randomInt(random, 0, depth > 2 ? 6 : 9);
    switch (roll) {
      case 0:
        return randomInt(random, -1e9, 1e9);
      case 1:
        return pick([NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2, 1e308, 5e-324]);
      case 2:
        return text(40);
      case 3:
        return pick([true, false, null, undefined]);
      case 4:
        return random() * 1e6 - 5e5;
      case 5:
        return bytes(randomInt(random, 0, 16));
      case 6:
        return BigInt(randomInt(random, 0, 1e9)) * 1_000_000_000n;
      case 7:
        return Array.from({ length: randomInt(random, 0, 5) }, () => value(depth + 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let i = randomInt(random, 0, 4); i > 0; i--) {
          const key = random() < 0.4 ? pick(NASTY_KEYS) : text(12);
          Object.defineProperty(object, key, { value: value(depth + 1), enumerable: true, configurable: true });
        }
        return object;
      }
    }
  };

  const validFrame = (): Buffer => {
    switch (randomInt(random, 0, 5)) {
      case 0:
        return encodeRoomData("chat", { text: text(300) });
      case 1:
        return encodeRoomData("chat:since", { afterId: randomInt(random, 0, 1000) });
      case 2: {
        const frame = Buffer.from([Protocol.ROOM_INPUT_RELIABLE, 0x80, 0, 0, 0x81, 0, 0]);
        frame.writeUInt16LE(randomInt(random, 0, 0xffff), 2);
        frame.writeUInt16LE(randomInt(random, 0, 0xffff), 5);
        return frame.subarray(0, pick([1, 4, 7]));
      }
      case 3:
        return Buffer.from([Protocol.ROOM_INPUT_UNRELIABLE, randomInt(random, 0, 127), 3, 0x80, 1, 2]);
      case 4:
        return Buffer.from([Protocol.PING]);
      default:
        return Buffer.from([Protocol.JOIN_ROOM]);
    }
  };

  const mutate = (frame: Buffer): Buffer => {
    const copy = Buffer.from(frame);
    switch (randomInt(random, 0, 4)) {
      case 0: // truncated
        return copy.subarray(0, randomInt(random, 0, Math.max(0, copy.length - 1)));
      case 1: // random tail after a valid prefix
        return Buffer.concat([copy.subarray(0, randomInt(random, 1, copy.length)), bytes(randomInt(random, 1, 64))]);
      case 2: // bit flips
        for (let i = randomInt(random, 1, 4); i > 0; i--)
          copy[randomInt(random, 0, copy.length - 1)]! ^= 1 << randomInt(random, 0, 7);
        return copy;
      case 3: // another protocol byte
        copy[0] = randomInt(random, 0, 255);
        return copy;
      default: // overwritten range
        bytes(Math.min(8, copy.length)).copy(copy, randomInt(random, 0, Math.max(0, copy.length - 8)));
        return copy;
    }
  };

  return () => {
    const roll = random();
    if (roll < 0.62) return { kind: "valid", data: validFrame() };
    if (roll < 0.8) return { kind: "mutated", data: mutate(validFrame()) };
    if (roll < 0.86) {
      const type = random() < 0.5 ? pick(KNOWN_TYPES) : random() < 0.8 ? text(150) : randomInt(random, -1e6, 1e6);
      return { kind: "random-type", data: encodeFrame(Protocol.ROOM_DATA, type, value(0)) };
    }
    if (roll < 0.9) {
      return { kind: "random-payload", data: encodeFrame(Protocol.ROOM_DATA, pick(["chat", "chat:since"]), value(0)) };
    }
    if (roll < 0.93) {
      return { kind: "raw-msgpack", data: Buffer.concat([Buffer.from([Protocol.ROOM_DATA]), pack(value(0))]) };
    }
    if (roll < 0.985) return { kind: "random-bytes", data: bytes(randomInt(random, 0, 96)) };
    if (roll < 0.995) return { kind: "oversize", data: bytes(randomInt(random, maxPayload + 1, maxPayload * 2)) };
    return { kind: "text", data: text(32), text: true };
  };
}
