import { Protocol } from "@colyseus/core";
import { InputEncoder } from "@colyseus/schema/input";
import { describe, expect } from "vitest";
import { MAX_INPUT_SLOTS } from "../../colyseus/inputWire.ts";
import { MoveInput } from "../../shared/index.ts";
import { until } from "../helpers/until.ts";
import { hostileCase, rawAttacker, useHostileArena } from "./harness.ts";

/**
 * Issue 13, class 1: input frames that are cheap to send and expensive to
 * decode. Before the fix, each frame below passed the structural check and
 * core decoded all of it: an unreliable frame of 4,095 empty slots cost
 * ~2.9 ms of dispatch (one decode and one input clone per slot, measured), so
 * 32 connections × 120 frames/s from one address stalled the whole process.
 * Now an input may carry each field once and at most MAX_INPUT_SLOTS slots,
 * which is all the SDK's encoder writes; anything more closes with 1002.
 */
const get = useHostileArena();

const unreliableFrame = (body: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([Protocol.ROOM_INPUT_UNRELIABLE]), body]);

/** A full ring from the SDK's own encoder: `slots` consecutive inputs in one frame. */
function sdkRing(slots: number): Buffer {
  const encoder = new InputEncoder(new MoveInput(), { mode: "unreliable", historySize: slots });
  let body = new Uint8Array();
  for (let i = 0; i <= slots; i++) {
    encoder.instance.dx = i % 2 === 0 ? 1 : -1;
    body = encoder.encode().slice();
  }
  return unreliableFrame(body);
}

describe("input amplification", () => {
  hostileCase(get, "an unreliable input of 4,095 empty slots (4 KiB)", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(unreliableFrame(new Uint8Array(arena.net.maxPayloadBytes - 1)));
    expect((await mallory.closed).code).toBe(1002);
  });

  hostileCase(
    get,
    "the same 4 KiB of empty slots in MAX_FRAGMENTS WebSocket fragments",
    "closed with 1002 (ws reassembles, the check sees the whole frame)",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const frame = unreliableFrame(new Uint8Array(arena.net.maxPayloadBytes - 1));
      const size = Math.ceil(frame.length / arena.net.maxFragments);
      for (let offset = 0; offset < frame.length; offset += size) {
        mallory.ws.send(frame.subarray(offset, offset + size), { binary: true, fin: offset + size >= frame.length });
      }
      expect((await mallory.closed).code).toBe(1002);
    },
  );

  hostileCase(
    get,
    `an SDK-encoded unreliable ring of ${MAX_INPUT_SLOTS + 1} inputs`,
    "closed with 1002 (a ring of MAX_INPUT_SLOTS passes)",
    async (arena) => {
      const generous = await rawAttacker(arena);
      const inputs = arena.room.inputs.get(generous.seat!.sessionId);
      generous.send(sdkRing(MAX_INPUT_SLOTS));
      await until(() => inputs.size + inputs.consumedCount > 0, 5_000, "the 8-slot ring's inputs in the room");
      const mallory = await rawAttacker(arena);
      mallory.send(sdkRing(MAX_INPUT_SLOTS + 1));
      expect((await mallory.closed).code).toBe(1002);
      expect(generous.ws.readyState).toBe(generous.ws.OPEN);
      generous.ws.close();
    },
  );

  hostileCase(get, "a reliable input naming one field 1,365 times (4 KiB)", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    const body = Buffer.alloc(1365 * 3);
    for (let offset = 0; offset < body.length; offset += 3) body[offset] = 0x00; // REPLACE field 0
    mallory.send(Buffer.concat([Buffer.from([Protocol.ROOM_INPUT_RELIABLE]), body]));
    expect((await mallory.closed).code).toBe(1002);
  });
});
