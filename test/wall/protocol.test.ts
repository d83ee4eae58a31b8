import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Protocol, ProtocolModifier, SchemaSerializer } from "@colyseus/core";
import { PROTOCOL_CODE_MASK as UPSTREAM_CODE_MASK } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import { PROTOCOL_CODE_MASK, TIMED_MODIFIER, TIMED_PREFIX_BYTES, bodyOffsetOf } from "../../colyseus/protocol.ts";
import { createEdge } from "../../server/net/edge.ts";
import { GuardedTransport, MAX_BUFFERED_CHUNKS, roomIdOf } from "../../colyseus/transport.ts";
import { tickwireFramePolicy } from "../../server/net/framePolicy.ts";
import { defaultConfig } from "../../server/config.ts";
import { sinkClient } from "../../colyseus/sinkClient.ts";
import { ArenaState, MoveInput, Player } from "../../shared/index.ts";

/**
 * Pins for colyseus/protocol.ts (the frame's first byte), colyseus/transport.ts
 * (what reaches ws through WebSocketTransport) and colyseus/webSocketGlobal.ts.
 */
const core = (path: string) =>
  readFileSync(join(import.meta.dirname, "../../node_modules/@colyseus/core", path), "utf8");

describe("protocol: the leading byte of a Colyseus frame", () => {
  it("the code mask and TIMED modifier are upstream's", () => {
    expect(PROTOCOL_CODE_MASK).toBe(UPSTREAM_CODE_MASK);
    expect(TIMED_MODIFIER).toBe(ProtocolModifier.TIMED);
  });

  it("the TIMED prefix is as long as core's serializer writes it", () => {
    const size = /TIMED_PREFIX_SIZE = (\d+);/.exec(core("build/serializer/SchemaSerializer.mjs"))?.[1];
    expect(Number(size)).toBe(TIMED_PREFIX_BYTES);
    expect(bodyOffsetOf(Uint8Array.of(ProtocolModifier.TIMED | 15))).toBe(1 + TIMED_PREFIX_BYTES);
    expect(bodyOffsetOf(Uint8Array.of(15))).toBe(1);
  });
});

describe("sinkClient: what core's SchemaSerializer reads of a client", () => {
  it("sends a joined sink client its patch through raw, with its own ackSeq in the TIMED prefix", () => {
    const state = new ArenaState();
    const player = new Player();
    Object.assign(player, { id: "p", name: "p", role: "player", x: 10, y: 10, hue: 1 });
    state.players.set("p", player);
    const serializer = new SchemaSerializer<ArenaState>();
    serializer.reset(state);
    const frames: Uint8Array[] = [];
    const client = sinkClient({ sessionId: "s", ackSeq: 4242, raw: (data) => frames.push(data.slice()) });
    player.x = 20;
    serializer.applyPatches([client], state, { sNow: 7 });
    expect(frames).toHaveLength(1);
    const frame = Buffer.from(frames[0]!);
    expect(frame[0]).toBe(Protocol.ROOM_STATE_PATCH | TIMED_MODIFIER);
    expect(frame.readUInt32LE(1)).toBe(7);
    expect(frame.readUInt32LE(5)).toBe(4242);
  });
});

describe("transport: Tickwire's limits reach ws through WebSocketTransport", () => {
  it("passes maxPayload, maxFragments, maxBufferedChunks and verifyClient to its WebSocketServer", () => {
    const { net } = defaultConfig();
    const transport = new GuardedTransport(
      createEdge({
        settings: net,
        production: true,
        framePolicy: tickwireFramePolicy(MoveInput),
        shuttingDown: () => false,
        logger: undefined,
      }),
    );
    const wss = (
      transport as unknown as { wss: { options: Record<string, unknown>; listenerCount(e: string): number } }
    ).wss;
    expect(wss.options).toMatchObject({
      maxPayload: net.maxPayloadBytes,
      maxFragments: net.maxFragments,
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
    });
    expect(typeof wss.options.verifyClient).toBe("function");
    // Core's onConnection and Tickwire's guards.
    expect(wss.listenerCount("connection")).toBe(2);
    expect(transport.server).toBeDefined();
    transport.shutdown();
  });

  it("reads the room id from the path shape WebSocketTransport#onConnection matches", () => {
    const source = readFileSync(
      join(import.meta.dirname, "../../node_modules/@colyseus/ws-transport/build/WebSocketTransport.mjs"),
      "utf8",
    );
    expect(source).toContain("/\\/[a-zA-Z0-9_\\-]+\\/([a-zA-Z0-9_\\-]+)$/");
    expect(roomIdOf({ url: "/proc_1/room-A?sessionId=s&reconnectionToken=secret" })).toBe("room-A");
  });
});

describe("webSocketGlobal: core reads the global WebSocket while a client reconnects", () => {
  it("core's Room still reads WebSocket.OPEN, and the global is set (test/setup.ts imports the module)", () => {
    expect(core("build/Room.mjs")).toContain("client.readyState !== WebSocket.OPEN");
    expect(globalThis.WebSocket.OPEN).toBe(1);
  });
});
