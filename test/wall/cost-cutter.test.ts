import { once } from "node:events";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { CostCutter } from "../../colyseus/costCutter.ts";
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
  it("reports once per frame, with the clock before and after the listeners ran, and the frame's length", async () => {
    const { serverSide, clientSide } = await connectedPair();
    serverSide.on("message", () => burn(3));
    const reports: Array<[number, number, number]> = [];
    tapInboundFrames(serverSide, DELIVER_ALL, (startedAt, endedAt, bytes) => reports.push([startedAt, endedAt, bytes]));
    const delivered = once(serverSide, "message");
    clientSide.send(Buffer.alloc(100, 13));
    await delivered;
    expect(reports).toHaveLength(1);
    const [startedAt, endedAt, bytes] = reports[0]!;
    expect(endedAt - startedAt).toBeGreaterThanOrEqual(3);
    expect(bytes).toBe(100);
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
