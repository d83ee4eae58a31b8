import { Protocol } from "@colyseus/core";
import { schema, t } from "@colyseus/schema";
import { InputEncoder } from "@colyseus/schema/input";
import { describe, expect, it } from "vitest";
import { inputFrameCheck, MAX_INPUT_SLOTS } from "../../colyseus/inputWire.ts";
import { tickwireFramePolicy } from "../../server/net/framePolicy.ts";
import { MoveInput, TickwireCloseCode } from "../../shared/index.ts";

describe("input frame check", () => {
  const check = inputFrameCheck(MoveInput);

  it("accepts whatever the SDK's encoder produces, reliable and unreliable", () => {
    const reliable = new InputEncoder(new MoveInput());
    const unreliable = new InputEncoder(new MoveInput(), { mode: "unreliable", historySize: 4 });
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [1, -1],
      [-0.3, 0.7],
      [-0.3, 0.7],
      [0.25, -1],
    ] as const) {
      reliable.instance.dx = dx;
      reliable.instance.dy = dy;
      unreliable.instance.dx = dx;
      unreliable.instance.dy = dy;
      expect(check.reliable(reliable.encode())).toBe(true);
      expect(check.unreliable(unreliable.encode())).toBe(true);
    }
  });

  it.each([
    ["an unknown field index", [0x82, 0, 0]],
    ["a DELETE op", [0x40, 0, 0]],
    ["a value cut short", [0x80, 0xff]],
    ["trailing bytes", [0x80, 1, 2, 3]],
  ])("refuses a reliable body with %s", (_label, body) => {
    expect(check.reliable(Uint8Array.from(body))).toBe(false);
  });

  it.each([
    ["no base seq", []],
    ["a slot longer than the frame", [1, 9, 0x80, 0, 0]],
    ["a malformed slot", [1, 2, 0x80, 0]],
    ["a 64-bit length", [1, 0xcf, 0, 0, 0, 0, 0, 0, 0, 0]],
  ])("refuses an unreliable body with %s", (_label, body) => {
    expect(check.unreliable(Uint8Array.from(body))).toBe(false);
  });

  it("bounds an input's shape by what an encoder can write: each field once, MAX_INPUT_SLOTS slots", () => {
    const fullRing = (historySize: number): Uint8Array => {
      const encoder = new InputEncoder(new MoveInput(), { mode: "unreliable", historySize });
      let frame = new Uint8Array();
      for (let i = 0; i < historySize + 2; i++) {
        encoder.instance.dx = i % 2 === 0 ? 1 : -1;
        frame = encoder.encode().slice();
      }
      return frame;
    };
    expect(check.unreliable(fullRing(MAX_INPUT_SLOTS))).toBe(true);
    expect(check.unreliable(fullRing(MAX_INPUT_SLOTS + 1))).toBe(false);
    // 4 KiB of empty slots: each would be decoded and cloned by core.
    expect(check.unreliable(new Uint8Array(4096))).toBe(false);
    expect(check.unreliable(new Uint8Array(1 + MAX_INPUT_SLOTS))).toBe(true);
    expect(check.reliable(Uint8Array.from([0x80, 1, 2, 0x81, 3, 4]))).toBe(true);
    expect(check.reliable(Uint8Array.from([0x80, 1, 2, 0x00, 3, 4]))).toBe(false);
    // The check keeps no state between bodies.
    expect(check.reliable(Uint8Array.from([0x00, 3, 4]))).toBe(true);
    expect(check.unreliable(Uint8Array.from([5, 3, 0x80, 1, 2, 3, 0x80, 1, 2]))).toBe(true);
    expect(check.unreliable(Uint8Array.from([5, 6, 0x80, 1, 2, 0x80, 1, 2]))).toBe(false);
  });

  it("refuses to build for a field it cannot size", () => {
    const Loose = schema({ dx: t.number() }, "Loose");
    expect(() => inputFrameCheck(Loose)).toThrow(/only t.quantized/);
  });
});

describe("frame policy", () => {
  const policy = tickwireFramePolicy(MoveInput);
  const frame = (...bytes: number[]) => Buffer.from(bytes);

  it("passes the codes a client sends", () => {
    for (const code of [Protocol.JOIN_ROOM, Protocol.LEAVE_ROOM, Protocol.PING, Protocol.ROOM_DATA]) {
      expect(policy(frame(code), true)).toEqual({ ok: true });
    }
    expect(policy(frame(Protocol.ROOM_INPUT_RELIABLE, 0x80, 0, 0), true)).toEqual({ ok: true });
  });

  it.each([
    ["a text frame", frame(Protocol.PING), false, 1003],
    ["an empty frame", frame(), true, 1002],
    ["an unknown code", frame(0x1f), true, 1002],
    ["a server-to-client code", frame(Protocol.ROOM_STATE_PATCH), true, 1002],
    ["a modifier bit", frame(0x80 | Protocol.ROOM_INPUT_RELIABLE), true, 1002],
    ["a request", frame(Protocol.ROOM_REQUEST, 0, 0xa1, 0x78), true, TickwireCloseCode.UnknownMessage],
    ["a malformed input", frame(Protocol.ROOM_INPUT_RELIABLE, 0x99), true, 1002],
  ])("closes on %s", (_label, data, isBinary, code) => {
    expect(policy(data, isBinary)).toMatchObject({ ok: false, code });
  });
});
