import { once } from "node:events";
import { ClientState, Protocol, enqueueClientRaw } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { bytesQueuedBeforeJoin, gateJoinHandshake } from "../../colyseus/joinGate.ts";
import { TickwireCloseCode } from "../../shared/index.ts";
import { useWsPairs } from "../helpers/wsPair.ts";

/**
 * Pins for colyseus/joinGate.ts: the wire shape of the handshake it watches
 * (server JOIN_ROOM out through ws.send, `[JOIN_ROOM]` in through
 * emit('message')) and core's per-client queue for a client not JOINED.
 * Through the whole app: test/hostile/join-handshake.test.ts.
 */
const connectedPair = useWsPairs();
const JOIN = Uint8Array.of(Protocol.JOIN_ROOM);

function listen(ws: WebSocket): Buffer[] {
  const seen: Buffer[] = [];
  ws.on("message", (data: Buffer) => seen.push(data));
  return seen;
}

describe("joinGate: frames before the acknowledgement", () => {
  it("holds them, then delivers the acknowledgement and them in order", async () => {
    const { serverSide, clientSide } = await connectedPair();
    gateJoinHandshake(serverSide, 60_000, () => undefined);
    const seen = listen(serverSide);
    serverSide.send(Uint8Array.of(Protocol.JOIN_ROOM, 0));
    await once(clientSide, "message");
    clientSide.send(Buffer.from([Protocol.ROOM_DATA, 1]));
    clientSide.send(JOIN);
    clientSide.send(Buffer.from([Protocol.ROOM_DATA, 2]));
    while (seen.length < 3) await once(serverSide, "message");
    expect(seen.map((b) => [...b])).toEqual([[Protocol.JOIN_ROOM], [Protocol.ROOM_DATA, 1], [Protocol.ROOM_DATA, 2]]);
  });

  it("an acknowledgement before the server's JOIN_ROOM is held like any frame", async () => {
    const { serverSide, clientSide } = await connectedPair();
    gateJoinHandshake(serverSide, 60_000, () => undefined);
    const seen = listen(serverSide);
    clientSide.send(JOIN);
    clientSide.send(Buffer.from([Protocol.ROOM_DATA, 1]));
    // The pong comes back after the server has read both frames (one TCP stream, in order).
    clientSide.ping();
    await once(clientSide, "pong");
    expect(seen).toEqual([]);
    serverSide.send(Uint8Array.of(Protocol.JOIN_ROOM, 0));
    await once(clientSide, "message");
    clientSide.send(JOIN);
    while (seen.length < 3) await once(serverSide, "message");
    expect(seen.map((b) => b[0])).toEqual([Protocol.JOIN_ROOM, Protocol.JOIN_ROOM, Protocol.ROOM_DATA]);
  });

  it("closes with 4408 when JOIN_ROOM is not acknowledged within the deadline", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const refused: string[] = [];
    gateJoinHandshake(serverSide, 100, (why) => refused.push(why));
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    serverSide.send(Uint8Array.of(Protocol.JOIN_ROOM, 0));
    const [code, reason] = await closed;
    expect([code, reason.toString()]).toEqual([TickwireCloseCode.JoinTimeout, "join not acknowledged in time"]);
    expect(refused).toEqual(["timeout"]);
    expect(reconnectionDenied(serverSide)).toBe(true);
  });

  it("closes with 4408 past MAX_EARLY_FRAMES held frames", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const refused: string[] = [];
    gateJoinHandshake(serverSide, 60_000, (why) => refused.push(why));
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    for (let i = 0; i < 9; i++) clientSide.send(Buffer.from([Protocol.ROOM_DATA, i]));
    const [code] = await closed;
    expect(code).toBe(TickwireCloseCode.JoinTimeout);
    expect(refused).toEqual(["overflow"]);
  });
});

describe("core: what is queued for a client not JOINED", () => {
  it("a new WebSocketClient is JOINING with an empty `_enqueuedMessages`, which enqueueClientRaw fills", async () => {
    const { serverSide } = await connectedPair();
    const client = new WebSocketClient("s1", serverSide);
    expect(client.state).toBe(ClientState.JOINING);
    expect(bytesQueuedBeforeJoin(client)).toBe(0);
    enqueueClientRaw(client, new Uint8Array(100));
    client.enqueueRaw(new Uint8Array(20));
    expect(bytesQueuedBeforeJoin(client)).toBe(120);
    client.state = ClientState.JOINED;
    delete (client as { _enqueuedMessages?: unknown })._enqueuedMessages;
    expect(bytesQueuedBeforeJoin(client)).toBe(0);
  });
});
