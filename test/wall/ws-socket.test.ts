import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocketClient } from "@colyseus/ws-transport";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { closeOnPurpose, denyReconnection, reconnectionDenied } from "../../colyseus/closeSocket.ts";
import { tapInboundFrames } from "../../colyseus/frameTap.ts";
import { guardSlowConsumer } from "../../colyseus/sendGuard.ts";
import { wsErrorRefusal } from "../../colyseus/wsErrors.ts";
import type { FrameAdmission, FrameDecision } from "../../server/net/frameAdmission.ts";
import { useWsPairs } from "../helpers/wsPair.ts";

/**
 * Pins for the wall files that reach into `ws` sockets (colyseus/closeSocket.ts,
 * frameTap.ts, sendGuard.ts, wsErrors.ts), against a real ws server and client.
 * Behaviour through the whole app: test/hostile/frames.test.ts, limits.test.ts,
 * test/unit/closeReason.test.ts.
 */
const connectedPair = useWsPairs();

/** An admission that records what it saw and answers with `decide`. */
function recordingAdmission(decide: () => FrameDecision): FrameAdmission & { seen: Array<[Buffer, boolean]> } {
  const seen: Array<[Buffer, boolean]> = [];
  return {
    seen,
    admit(frame, isBinary) {
      seen.push([frame, isBinary]);
      return decide();
    },
    dispatchThrew: () => ({ action: "close", code: 1011, reason: "internal error" }),
  };
}

describe("frameTap: ws delivers every inbound frame through emit('message', data, isBinary)", () => {
  it("sees each frame, with its binary flag, before a listener added earlier (as core's is)", async () => {
    const { serverSide, clientSide } = await connectedPair();
    const order: string[] = [];
    serverSide.on("message", (data: Buffer) => order.push(`listener:${data.toString("hex")}`));
    const admission = recordingAdmission(() => {
      order.push("admission");
      return { action: "deliver" };
    });
    tapInboundFrames(serverSide, admission);
    const delivered = once(serverSide, "message");
    clientSide.send(Buffer.from([0x0d, 0x01]));
    await delivered;
    expect(admission.seen).toEqual([[Buffer.from([0x0d, 0x01]), true]]);
    expect(order).toEqual(["admission", "listener:0d01"]);

    const text = once(serverSide, "message");
    clientSide.send("hi");
    await text;
    expect(admission.seen[1]?.[1]).toBe(false);
  });

  it("a dropped frame reaches no listener; a closing decision closes the sender with its code", async () => {
    const { serverSide, clientSide } = await connectedPair();
    let reached = 0;
    serverSide.on("message", () => reached++);
    const decisions: FrameDecision[] = [
      { action: "drop", tellSender: undefined },
      { action: "close", code: 4429, reason: "rate limit exceeded" },
    ];
    const admission = recordingAdmission(() => decisions.shift() ?? { action: "deliver" });
    tapInboundFrames(serverSide, admission);
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    clientSide.send(Buffer.from([1]));
    clientSide.send(Buffer.from([2]));
    const [code] = await closed;
    expect(code).toBe(4429);
    expect(reached).toBe(0);
    expect(reconnectionDenied(serverSide)).toBe(true);
  });

  it("a listener that throws (ws has no try around emit) closes only that socket, with 1011", async () => {
    const { serverSide, clientSide } = await connectedPair();
    serverSide.on("message", () => {
      throw new Error("decoder blew up");
    });
    tapInboundFrames(
      serverSide,
      recordingAdmission(() => ({ action: "deliver" })),
    );
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    clientSide.send(Buffer.from([1]));
    const [code] = await closed;
    expect(code).toBe(1011);
  });
});

describe("closeSocket: closing on purpose", () => {
  it("removes the 'message' listeners, closes with the code, and marks the socket", async () => {
    const { serverSide, clientSide } = await connectedPair();
    serverSide.on("message", () => undefined);
    expect(reconnectionDenied(serverSide)).toBe(false);
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    closeOnPurpose(serverSide, 4400, "unknown message type");
    expect(serverSide.listenerCount("message")).toBe(0);
    expect(reconnectionDenied(serverSide)).toBe(true);
    const [code, reason] = await closed;
    expect(code).toBe(4400);
    expect(reason.toString()).toBe("unknown message type");
  });

  it("denyReconnection only marks: the socket stays open", async () => {
    const { serverSide } = await connectedPair();
    denyReconnection(serverSide);
    expect(reconnectionDenied(serverSide)).toBe(true);
    expect(serverSide.readyState).toBe(WebSocket.OPEN);
  });

  it("ws sockets still have the close/terminate/removeAllListeners the close relies on", () => {
    for (const method of ["close", "terminate", "removeAllListeners"] as const) {
      expect(typeof WebSocket.prototype[method]).toBe("function");
    }
  });
});

describe("sendGuard: every outbound frame goes through ws.send, and ws reports bufferedAmount", () => {
  it("WebSocketClient#raw (what core's enqueueClientRaw calls) sends through `ref.send`", () => {
    const sent: unknown[] = [];
    const ref = { send: (data: unknown) => sent.push(data), readyState: 1 };
    const client = new WebSocketClient("s1", ref as unknown as WebSocket);
    client.raw(Uint8Array.from([14, 1, 2]));
    expect(sent).toEqual([Uint8Array.from([14, 1, 2])]);
  });

  it("bufferedAmount is a getter on ws sockets; over the cap the guard terminates instead of sending", async () => {
    const descriptor = Object.getOwnPropertyDescriptor(WebSocket.prototype, "bufferedAmount");
    expect(typeof descriptor?.get).toBe("function");
    const { serverSide, clientSide } = await connectedPair();
    const cutOff: number[] = [];
    // A cap of -1: any queue (even an empty one) is over it, so the first send cuts off.
    guardSlowConsumer(serverSide, -1, (buffered) => cutOff.push(buffered));
    const closed = once(clientSide, "close") as Promise<[number, Buffer]>;
    serverSide.send(Buffer.from([1]));
    const [code] = await closed;
    expect(cutOff).toEqual([0]);
    expect(code).toBe(1006);
  });
});

describe("wsErrors: the error codes ws's receiver raises", () => {
  it("maps every WS_ERR_* code in ws/lib/receiver.js to a reason label", () => {
    const receiver = readFileSync(join(import.meta.dirname, "../../node_modules/ws/lib/receiver.js"), "utf8");
    const codes = new Set([...receiver.matchAll(/'(WS_ERR_[A-Z0-9_]+)'/g)].map(([, code]) => code!));
    expect(codes.size).toBeGreaterThan(5);
    for (const code of codes) expect(wsErrorRefusal({ code }), code).not.toBe("other");
  });
});
