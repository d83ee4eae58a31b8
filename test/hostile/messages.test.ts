import { Protocol } from "@colyseus/core";
import { describe, expect } from "vitest";
import { ProtocolErrorCode, TickwireCloseCode } from "../../shared/index.ts";
import { encodeFrame, encodeRoomData } from "../../colyseus/wireClient.ts";
import { hostileCase, rawAttacker, useHostileArena } from "./harness.ts";

/**
 * Well-framed messages with hostile content: wrong shapes, unknown types,
 * floods. Each case joins a raw client and says what it sends and what the
 * server must do.
 */
const get = useHostileArena();

describe("payload validation", () => {
  hostileCase(
    get,
    'a "chat" whose text is a number, then a valid "chat"',
    'typed "error" invalid_payload, counted, connection kept, room keeps ticking',
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const invalidBefore = arena.room.invalidPayloads;
      const tickBefore = arena.room.clock.elapsedTime;
      mallory.sendMessage("chat", { text: 42 });
      const error = await mallory.waitForMessage("error");
      expect(error).toMatchObject({ code: ProtocolErrorCode.InvalidPayload, type: "chat" });
      expect(arena.room.invalidPayloads).toBe(invalidBefore + 1);
      // A valid line afterwards is the barrier: the connection survived the bad one.
      mallory.sendMessage("chat", { text: "after the bad one" });
      await mallory.waitForMessage("chat", (line) => line.text === "after the bad one");
      expect(mallory.isOpen).toBe(true);
      await arena.room.waitForNextTimestep();
      expect(arena.room.clock.elapsedTime).toBeGreaterThan(tickBefore);
      mallory.close();
    },
  );

  hostileCase(
    get,
    '"chat:since" with afterId -1, 1.5 and "0"',
    "one typed error each, connection kept",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      for (const afterId of [-1, 1.5, "0"]) mallory.sendMessage("chat:since", { afterId });
      mallory.sendMessage("chat:since", { afterId: 0 });
      await mallory.waitForMessage("chat:since");
      expect(mallory.all("error").filter((e) => e.type === "chat:since")).toHaveLength(3);
      expect(mallory.isOpen).toBe(true);
      mallory.close();
    },
  );

  hostileCase(get, '"chat" with no payload at all', "typed error, connection kept", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(encodeRoomData("chat"));
    expect(await mallory.waitForMessage("error")).toMatchObject({ code: "invalid_payload", type: "chat" });
    expect(mallory.isOpen).toBe(true);
    mallory.close();
  });
});

describe("unknown message types", () => {
  const names: Array<[string, string | number]> = [
    ["a 150-character type name", "x".repeat(150)],
    ["a 3000-character type name", "é".repeat(1500)],
    ['the type "__proto__"', "__proto__"],
    ['the type "constructor"', "constructor"],
    ['the type "toString"', "toString"],
    ["the numeric type 7", 7],
  ];
  for (const [label, type] of names) {
    hostileCase(get, `ROOM_DATA with ${label}`, "only the sender closed, with 4400", async (arena) => {
      const mallory = await rawAttacker(arena);
      mallory.sendMessage(type, { x: 1 });
      const closed = await mallory.closed;
      expect(closed).toEqual({ code: TickwireCloseCode.UnknownMessage, reason: "unknown message type" });
    });
  }

  hostileCase(get, 'ROOM_DATA_BYTES with the type "__proto__"', "closed with 4400", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.concat([encodeFrame(Protocol.ROOM_DATA_BYTES, "__proto__"), Buffer.from([1, 2, 3])]));
    expect((await mallory.closed).code).toBe(TickwireCloseCode.UnknownMessage);
  });
});

describe("per-client message rate (MAX_MESSAGES_PER_S = 120)", () => {
  hostileCase(
    get,
    "a burst of 1.5 × the rate (180 pings) in one second",
    'frames over 120 dropped, one typed "error" rate_limited, connection kept',
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const rate = arena.net.maxMessagesPerSecond;
      const pongsBefore = countPongs(mallory.frames);
      for (let i = 0; i < rate * 1.5; i++) mallory.send(Buffer.from([Protocol.PING]));
      const error = await mallory.waitForMessage("error", (e) => e.code === ProtocolErrorCode.RateLimited);
      expect(error.type).toBe("*");
      expect(mallory.isOpen).toBe(true);
      // Every ping that passed is answered before the typed error (same socket, in order).
      expect(countPongs(mallory.frames) - pongsBefore).toBeLessThanOrEqual(rate);
      expect(mallory.all("error").filter((e) => e.code === "rate_limited")).toHaveLength(1);
      mallory.close();
    },
  );

  hostileCase(get, "a flood of 3 × the rate (360 pings) in one second", "closed with 4429", async (arena) => {
    const mallory = await rawAttacker(arena);
    for (let i = 0; i < arena.net.maxMessagesPerSecond * 3; i++) mallory.send(Buffer.from([Protocol.PING]));
    expect(await mallory.closed).toEqual({ code: TickwireCloseCode.RateLimited, reason: "rate limit exceeded" });
  });

  hostileCase(
    get,
    '"chat:since" 10 times at once (replay budget: 5, then 1/s)',
    "5 answers, 5 typed rate_limited errors",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      for (let i = 0; i < 10; i++) mallory.sendMessage("chat:since", { afterId: 0 });
      mallory.sendMessage("chat", { text: "barrier" });
      await mallory.waitForMessage("chat", (line) => line.text === "barrier");
      expect(mallory.all("chat:since")).toHaveLength(5);
      expect(mallory.all("error").filter((e) => e.code === "rate_limited" && e.type === "chat:since")).toHaveLength(5);
      mallory.close();
    },
  );
});

function countPongs(frames: Buffer[]): number {
  return frames.filter((f) => f.length === 1 && f[0] === Protocol.PING).length;
}
