import { once } from "node:events";
import { ClientState, Protocol, getMessageBytes, type Client } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { CostCutter } from "../../colyseus/costCutter.ts";
import { sendToEach, uncharged } from "../../colyseus/fanOut.ts";
import { tapInboundFrames } from "../../colyseus/frameTap.ts";
import type { ConnectionCostSettings, Cut } from "../../server/net/connectionCost.ts";
import type { FrameAdmission } from "../../server/net/frameAdmission.ts";
import { until } from "../helpers/until.ts";
import { useWsPairs } from "../helpers/wsPair.ts";

/**
 * Pins for colyseus/costCutter.ts and the frame tap's meter against real `ws`
 * sockets: the time reported for a frame is the time its listeners took, a
 * costly socket is closed 4413, a socket whose unsent queue (`bufferedAmount`)
 * is over its IP's budget is terminated. The policy's arithmetic:
 * test/unit/connection-cost.test.ts; through the app:
 * test/hostile/costly-connections.test.ts.
 */
const connectedPair = useWsPairs();

const DELIVER_ALL: FrameAdmission = {
  admit: () => ({ action: "deliver" }),
  dispatchThrew: () => ({ action: "close", code: 1011, reason: "internal error" }),
};

const GENEROUS: ConnectionCostSettings = {
  maxDispatchMsPerS: 1000,
  maxDispatchMsPerSPerIp: 1000,
  maxFramesPerSPerIp: 1_000_000,
  maxQueuedBytesPerIp: 1024 * 1024 * 1024,
  loopLagCutMs: 0,
};

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const label = { ip: "203.0.113.9", roomId: "room1", sessionId: "s1" };

describe("frameTap: the meter sees each frame's whole dispatch", () => {
  it("reports once per frame, with its whole dispatch time charged, the clock after it, and the frame's length", async () => {
    const { serverSide, clientSide } = await connectedPair();
    serverSide.on("message", () => burn(3));
    const reports: Array<[number, number, number]> = [];
    tapInboundFrames(serverSide, DELIVER_ALL, (chargedMs, endedAt, bytes) => reports.push([chargedMs, endedAt, bytes]));
    const delivered = once(serverSide, "message");
    clientSide.send(Buffer.alloc(100, 13));
    await delivered;
    const after = performance.now();
    expect(reports).toHaveLength(1);
    const [chargedMs, endedAt, bytes] = reports[0]!;
    expect(chargedMs).toBeGreaterThanOrEqual(3);
    expect(endedAt).toBeLessThanOrEqual(after);
    expect(bytes).toBe(100);
  });

  it("a fan-out inside a dispatch is not charged to the frame: only the time around it", async () => {
    const { serverSide, clientSide } = await connectedPair();
    // 20 recipients whose send costs 1 ms each: 20 ms of fan-out inside a dispatch that otherwise burns 3 ms.
    const recipients = Array.from({ length: 20 }, () => ({ enqueueRaw: () => burn(1) }) as unknown as Client);
    let dispatchMs = 0;
    serverSide.on("message", () => {
      const startedAt = performance.now();
      burn(3);
      sendToEach(recipients, "chat", { text: "hello" });
      dispatchMs = performance.now() - startedAt;
    });
    const reports: number[] = [];
    tapInboundFrames(serverSide, DELIVER_ALL, (chargedMs) => reports.push(chargedMs));
    const delivered = once(serverSide, "message");
    clientSide.send(Buffer.from([13, 1]));
    await delivered;
    expect(dispatchMs).toBeGreaterThanOrEqual(23);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toBeGreaterThanOrEqual(3);
    expect(reports[0]).toBeLessThanOrEqual(dispatchMs - 20);
  });

  it("the connection's first JOIN_ROOM frame is charged nothing (core answers it with the full state); a second is", async () => {
    const { serverSide, clientSide } = await connectedPair();
    serverSide.on("message", () => burn(3));
    const reports: Array<[number, number]> = [];
    tapInboundFrames(serverSide, DELIVER_ALL, (chargedMs, _endedAt, bytes) => reports.push([chargedMs, bytes]));
    for (const frame of [[Protocol.JOIN_ROOM], [Protocol.JOIN_ROOM], [Protocol.ROOM_DATA, 1]]) {
      const delivered = once(serverSide, "message");
      clientSide.send(Uint8Array.from(frame));
      await delivered;
    }
    expect(reports.map(([, bytes]) => bytes)).toEqual([1, 1, 2]);
    expect(reports[0]![0]).toBe(0);
    expect(reports[1]![0]).toBeGreaterThanOrEqual(3);
    expect(reports[2]![0]).toBeGreaterThanOrEqual(3);
  });
});

describe("fanOut: one encode for every recipient", () => {
  it("sends each client the bytes client.send would, the same buffer to all; a joining client has it held until JOIN", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const received: Buffer[] = [];
    clientSide.on("message", (data: Buffer) => received.push(data));
    const joined = new WebSocketClient("s1", serverSide);
    joined.state = ClientState.JOINED;
    const joining = new WebSocketClient("s2", serverSide);
    const sent: Uint8Array[] = [];
    const spy = (client: WebSocketClient) => {
      const enqueueRaw = client.enqueueRaw.bind(client);
      client.enqueueRaw = (data, options) => {
        sent.push(data);
        enqueueRaw(data, options);
      };
    };
    spy(joined);
    spy(joining);
    const line = { id: 7, kind: "player", text: "hello", from: "Ann" };
    const before = uncharged.ms;
    sendToEach([joined, joining], "chat", line);
    expect(uncharged.ms).toBeGreaterThan(before);
    // What WebSocketClient#send would have built for one of them.
    const expected = getMessageBytes.raw(Protocol.ROOM_DATA, "chat", line);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBe(sent[1]);
    expect(Buffer.from(sent[0]!)).toEqual(expected);
    await until(() => received.length === 1, 5000, "the joined client's frame");
    expect(received[0]).toEqual(expected);
    // Held for the joining one, as core holds any send before its JOIN_ROOM acknowledgement.
    expect((joining as unknown as { _enqueuedMessages: Uint8Array[] })._enqueuedMessages).toEqual([sent[0]]);
  });
});

describe("CostCutter: applying the policy's cuts to ws sockets", () => {
  it("a socket whose frames cost over its budget is closed 4413 'too costly: cpu', once, and reported", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const cuts: Array<Cut<WebSocket>> = [];
    const cutter = new CostCutter({ ...GENEROUS, maxDispatchMsPerS: 10 }, (cut) => cuts.push(cut));
    try {
      serverSide.on("message", () => burn(3));
      tapInboundFrames(serverSide, DELIVER_ALL, cutter.meter(serverSide, label));
      const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
      for (let i = 0; i < 20; i++) clientSide.send(Buffer.from([13, i]));
      await until(() => cuts.length > 0, 5000, "the cut");
      const [code, reason] = await closed;
      expect([code, reason.toString()]).toEqual([4413, "too costly: cpu"]);
      expect(cuts.map((cut) => [cut.reason, cut.label])).toEqual([["cpu", label]]);
      expect(reconnectionDenied(serverSide)).toBe(true);
      // Closed sockets leave the meter.
      await until(() => cutter.costs.connections === 0, 5000, "the socket left the meter");
    } finally {
      cutter.stop();
    }
  });

  it("a socket whose unsent queue (bufferedAmount) is over its IP's budget is terminated by the sweep", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const cuts: Array<Cut<WebSocket>> = [];
    const cutter = new CostCutter({ ...GENEROUS, maxQueuedBytesPerIp: 1024 * 1024 }, (cut) => cuts.push(cut));
    try {
      tapInboundFrames(serverSide, DELIVER_ALL, cutter.meter(serverSide, label));
      // The client stops reading: once the kernel's buffers are full, ws queues what the server sends.
      const clientSocket = (clientSide as unknown as { _socket: Socket })._socket;
      clientSocket.pause();
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 32 && serverSide.bufferedAmount <= 2 * 1024 * 1024; i++) serverSide.send(chunk);
      expect(serverSide.bufferedAmount).toBeGreaterThan(1024 * 1024);
      await until(() => cuts.length > 0, 5000, "the sweep's cut");
      expect(cuts.map((cut) => cut.reason)).toEqual(["queued_bytes"]);
      expect(cuts[0]?.queuedBytes).toBeGreaterThan(1024 * 1024);
      const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
      clientSocket.resume();
      const [code] = await closed;
      expect(code).toBe(1006);
    } finally {
      cutter.stop();
    }
  });
});
