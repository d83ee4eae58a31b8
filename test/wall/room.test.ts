import { type EventEmitter, once } from "node:events";
import { Protocol, matchMaker, type Client } from "@colyseus/core";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tapClientFrames } from "../../colyseus/clientFrames.ts";
import { inputFrameCheck } from "../../colyseus/inputWire.ts";
import { protocolCodeOf } from "../../colyseus/protocol.ts";
import { dropUnclaimedSeats, releaseHeldSeat } from "../../colyseus/roomInternals.ts";
import { tapReceivedFrames } from "../../colyseus/sdkFrameTap.ts";
import { MoveInput } from "../../shared/index.ts";
import { hooks, startMiniServer, type MiniServer, type PinRoom } from "./miniServer.ts";

/**
 * Pins for the wall files that reach into Colyseus rooms, clients and the SDK
 * (colyseus/clientFrames.ts, sdkFrameTap.ts, inputWire.ts, roomInternals.ts),
 * against a bare Colyseus server and the real SDK. Through the whole app:
 * test/integration/metrics.test.ts, test/hostile/shutdown.test.ts,
 * reconnection.test.ts, test/unit/frames.test.ts.
 */
let mini: MiniServer;
beforeAll(async () => {
  mini = await startMiniServer();
});
afterAll(() => mini.close());
afterEach(() => {
  for (const key of Object.keys(hooks) as Array<keyof typeof hooks>) delete hooks[key];
});

type PinSdkRoom = SdkRoom<PinRoom, { ticks: number }>;

async function join(): Promise<PinSdkRoom> {
  const room = (await new SdkClient(mini.wsUrl).joinOrCreate("pin", {})) as unknown as PinSdkRoom;
  await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
  return room;
}

function echoed(room: PinSdkRoom): Promise<unknown> {
  return new Promise((resolve) => room.onMessage("echo", resolve));
}

describe("clientFrames + sdkFrameTap: client.raw carries every outbound frame, the SDK re-reads events.onmessage", () => {
  it("every frame the SDK receives after tapping went through the server client's raw, byte for byte", async () => {
    const sentByServer: Uint8Array[] = [];
    const receivedByServer: Buffer[] = [];
    hooks.onJoin = (_room, client) =>
      tapClientFrames(client, {
        sent: (frame) => sentByServer.push(Uint8Array.from(frame)),
        received: (frame) => receivedByServer.push(frame),
      });
    const room = await join();
    const receivedBySdk: Uint8Array[] = [];
    // Tapped after the SDK's socket got its onmessage: only a per-frame re-read sees these.
    tapReceivedFrames(room, (frame) => receivedBySdk.push(Uint8Array.from(frame)));

    const reply = echoed(room);
    room.send("echo", { n: 1 });
    await reply;
    // The echo changed the state: wait for its patch too.
    await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));

    expect(receivedBySdk.length).toBeGreaterThanOrEqual(2);
    expect(receivedBySdk.map(protocolCodeOf)).toContain(Protocol.ROOM_DATA);
    expect(receivedBySdk.map(protocolCodeOf)).toContain(Protocol.ROOM_STATE_PATCH);
    // The SDK's frames are the last ones the server's raw sent, in order.
    expect(sentByServer.slice(sentByServer.length - receivedBySdk.length)).toEqual(receivedBySdk);
    // And the server's socket saw the SDK's ROOM_DATA frame.
    expect(receivedByServer.map(protocolCodeOf)).toContain(Protocol.ROOM_DATA);
    await room.leave();
  });
});

describe("inputWire: the input frame layout is what the real SDK sends", () => {
  it("every input frame the SDK sends passes the structural check, and core buffers it", async () => {
    const inputFrames: Buffer[] = [];
    let serverRoom: PinRoom | undefined;
    let sessionId = "";
    hooks.onJoin = (room, client: Client) => {
      serverRoom = room;
      sessionId = client.sessionId;
      tapClientFrames(client, {
        sent: () => undefined,
        received: (frame) => {
          if (protocolCodeOf(frame) === Protocol.ROOM_INPUT_RELIABLE) inputFrames.push(frame);
        },
      });
    };
    const room = await join();
    const input = room.input({ type: MoveInput, mode: "reliable" });
    for (const [dx, dy] of [
      [1, 0],
      [-0.5, 0.25],
      [0, -1],
    ] as const) {
      input.data.dx = dx;
      input.data.dy = dy;
      input.send();
    }
    const reply = echoed(room);
    room.send("echo", {});
    await reply;
    const check = inputFrameCheck(MoveInput);
    expect(inputFrames.length).toBe(3);
    for (const frame of inputFrames) expect(check.reliable(frame.subarray(1))).toBe(true);
    // Core decoded the same bytes into the room's input buffer.
    const buffered = serverRoom?.inputs.get(sessionId);
    const first = buffered?.next();
    expect(first).toMatchObject({ dx: 1, dy: 0 });
    await room.leave();
  });
});

describe("roomInternals: the private Room fields Tickwire reaches", () => {
  it("a room still keeps _reservedSeats, _reconnections and resetAutoDisposeTimeout", async () => {
    const listing = await matchMaker.createRoom("pin", {});
    const room = matchMaker.getLocalRoomById(listing.roomId) as unknown as Record<string, unknown>;
    expect(room._reservedSeats).toEqual({});
    expect(room._reconnections).toEqual({});
    expect(typeof room.resetAutoDisposeTimeout).toBe("function");
    await matchMaker.remoteRoomCall(listing.roomId, "disconnect");
  });

  it("dropUnclaimedSeats lets a room with a seat nobody claims dispose at once", async () => {
    const listing = await matchMaker.createRoom("pin", {});
    const reservation = await matchMaker.reserveSeatFor(listing, {});
    const room = matchMaker.getLocalRoomById(listing.roomId);
    const seats = (room as unknown as { _reservedSeats: Record<string, unknown> })._reservedSeats;
    expect(Object.keys(seats)).toEqual([reservation.sessionId]);
    const events = (room as unknown as { _events: EventEmitter })._events;
    const disposed = once(events, "dispose");
    dropUnclaimedSeats(room);
    expect(Object.keys(seats)).toEqual([]);
    await disposed;
  });

  it("releaseHeldSeat ends a held reconnection seat: core runs onLeave", async () => {
    let serverRoom: PinRoom | undefined;
    let serverClient: Client | undefined;
    hooks.onJoin = (room, client) => {
      serverRoom = room;
      serverClient = client;
    };
    const held = new Promise<void>((resolve) => {
      hooks.onDrop = (room, client) => {
        room.allowReconnection(client, 60).catch(() => undefined);
        resolve();
      };
    });
    const left = new Promise<string>((resolve) => {
      hooks.onLeave = (_room, client) => resolve(client.sessionId);
    });
    const room = await join();
    // A drop without a goodbye; the SDK does not reconnect a room younger than 5 s.
    (serverClient!.ref as unknown as { terminate(): void }).terminate();
    await held;
    const reconnections = (serverRoom as unknown as { _reconnections: Record<string, [string, unknown]> })
      ._reconnections;
    expect(Object.values(reconnections).map(([sessionId]) => sessionId)).toEqual([room.sessionId]);
    releaseHeldSeat(serverRoom!, room.sessionId);
    expect(await left).toBe(room.sessionId);
  });
});
