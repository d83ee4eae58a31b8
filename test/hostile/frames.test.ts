import { Protocol } from "@colyseus/core";
import { describe, expect, vi } from "vitest";
import { TickwireCloseCode } from "../../shared/index.ts";
import { encodeFrame, encodeRoomData } from "../../colyseus/wireClient.ts";
import { HEARTBEAT, hostileCase, rawAttacker, useHostileArena } from "./harness.ts";

/**
 * Malformed traffic at the transport and protocol level. Each case: a raw
 * client joins the arena properly, then sends one kind of bad frame. The
 * offender alone is closed; the process, the room and the honest players
 * carry on.
 */
const get = useHostileArena();

describe("transport limits", () => {
  hostileCase(get, "one message of MAX_PAYLOAD_BYTES + 1 (4097 B)", "closed with 1009", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.alloc(arena.net.maxPayloadBytes + 1, Protocol.ROOM_DATA));
    expect((await mallory.closed).code).toBe(1009);
  });

  hostileCase(get, "one message split into MAX_FRAGMENTS + 1 (17) fragments", "closed with 1008", async (arena) => {
    const mallory = await rawAttacker(arena);
    const fragments = arena.net.maxFragments + 1;
    for (let i = 0; i < fragments; i++) {
      mallory.ws.send(Buffer.from([Protocol.PING]), { fin: i === fragments - 1, binary: true });
    }
    expect((await mallory.closed).code).toBe(1008);
  });

  hostileCase(
    get,
    "one 2000-byte frame trickled a byte per write",
    "closed with 1008 once 256 reads are pending",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      // A masked binary frame (mask key 0: the payload goes as is), written by hand under ws' framing.
      const payload = Buffer.alloc(2000, Protocol.PING);
      const frame = Buffer.concat([Buffer.from([0x82, 0x80 | 126, 2000 >> 8, 2000 & 0xff, 0, 0, 0, 0]), payload]);
      const socket = (mallory.ws as unknown as { _socket: { write(b: Buffer): boolean } })._socket;
      let closed = false;
      void mallory.closed.then(() => (closed = true));
      for (let i = 0; i < frame.length && !closed; i++) {
        socket.write(frame.subarray(i, i + 1));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect((await mallory.closed).code).toBe(1008);
    },
    20_000,
  );

  hostileCase(
    get,
    "a peer that stops answering pings (HEARTBEAT_INTERVAL_MS 300, HEARTBEAT_MAX_MISSED 2)",
    "terminated within (2 + 1) × 300 ms",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      // `ws` answers pings by itself unless told not to: this is a peer whose application is gone.
      mallory.ws.pong = () => undefined;
      const stoppedAt = Date.now();
      await mallory.closed;
      const detectedMs = Date.now() - stoppedAt;
      const bound = (HEARTBEAT.heartbeatMaxMissed + 1) * HEARTBEAT.heartbeatIntervalMs;
      console.log(`heartbeat: silent peer terminated after ${detectedMs} ms (bound ${bound} ms)`);
      // Timer slack on a loaded machine: one extra interval and a little.
      expect(detectedMs).toBeLessThanOrEqual(bound + HEARTBEAT.heartbeatIntervalMs + 300);
    },
  );
});

describe("malformed frames", () => {
  hostileCase(get, "a text frame", "closed with 1003", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.ws.send("hello", { binary: false });
    expect((await mallory.closed).code).toBe(1003);
  });

  hostileCase(get, "an empty binary frame", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.alloc(0));
    expect((await mallory.closed).code).toBe(1002);
  });

  hostileCase(
    get,
    "64 random bytes starting with an unused protocol code (0x07)",
    "closed with 1002",
    async (arena) => {
      const mallory = await rawAttacker(arena);
      const frame = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff));
      frame[0] = 0x07;
      mallory.send(frame);
      expect((await mallory.closed).code).toBe(1002);
    },
  );

  hostileCase(get, "a valid input code with a modifier bit set (0x80 | 19)", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.from([0x80 | Protocol.ROOM_INPUT_RELIABLE, 0x80, 0xff, 0xff]));
    expect((await mallory.closed).code).toBe(1002);
  });

  hostileCase(get, "ROOM_INPUT_RELIABLE followed by garbage", "closed with 1002, no console output", async (arena) => {
    // @colyseus/schema's decoder reports garbage on the console, unthrottled: it must never see it.
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    try {
      const mallory = await rawAttacker(arena);
      mallory.send(Buffer.from([Protocol.ROOM_INPUT_RELIABLE, 0x85, 0x01, 0x02, 0x03]));
      expect((await mallory.closed).code).toBe(1002);
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  hostileCase(get, "ROOM_INPUT_UNRELIABLE whose slot length overruns the frame", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.from([Protocol.ROOM_INPUT_UNRELIABLE, 0x01, 0x09, 0x80, 0x00]));
    expect((await mallory.closed).code).toBe(1002);
  });

  hostileCase(get, "a truncated input (op byte, half a value)", "closed with 1002", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.from([Protocol.ROOM_INPUT_RELIABLE, 0x80, 0xff]));
    expect((await mallory.closed).code).toBe(1002);
  });

  hostileCase(get, 'a "chat" message whose msgpack payload is cut short', "closed with 4002 (core)", async (arena) => {
    const mallory = await rawAttacker(arena);
    const frame = encodeRoomData("chat", { text: "a message that will be cut" });
    mallory.send(frame.subarray(0, frame.length - 8));
    expect((await mallory.closed).code).toBe(4002);
  });

  hostileCase(get, "ROOM_DATA followed by random bytes", "closed (4400 or 4002), only the sender", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(Buffer.from([Protocol.ROOM_DATA, 0xd9, 0xff, 0x01, 0xc1, 0xc1, 0x00]));
    expect([TickwireCloseCode.UnknownMessage, 4002]).toContain((await mallory.closed).code);
  });

  hostileCase(get, "ROOM_REQUEST for any type (Tickwire answers none)", "closed with 4400", async (arena) => {
    const mallory = await rawAttacker(arena);
    mallory.send(encodeFrame(Protocol.ROOM_REQUEST, "x".repeat(2000), { any: 1 }, 1));
    expect((await mallory.closed).code).toBe(TickwireCloseCode.UnknownMessage);
  });
});
