import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { connectionsCheckingIntervalFor, createGatedHttpServer } from "../../colyseus/httpServerGate.ts";
import type { HttpConnectionVerdict } from "../../server/net/httpConnections.ts";
import { until } from "../helpers/until.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for what colyseus/httpServerGate.ts relies on in Node's http.Server
 * (and ws-transport's use of its 'upgrade' event), against a bare Colyseus
 * server on the gated server:
 * - `headersTimeout` expires a connection that sends nothing (Node counts
 *   a connection's first head from accept) and a trickled head, and is
 *   checked every `connectionsCheckingInterval` (a constructor option);
 * - the 'connection' emission comes before any byte is parsed, and the
 *   'upgrade' emission when the WebSocket handshake request is complete.
 * Through the whole app: test/hostile/slow-http.test.ts.
 */
const TIMEOUT_MS = 300;
/** Node's interval here is 50 ms; the rest is slack for a loaded machine. */
const DEADLINE_MS = TIMEOUT_MS + 900;

const admitted: string[] = [];
let released = 0;
let refuseNext = false;
const gated = createGatedHttpServer(() => undefined, {
  headersTimeoutMs: TIMEOUT_MS,
  admitConnection: (peer): HttpConnectionVerdict => {
    if (refuseNext) {
      refuseNext = false;
      return { admitted: false, ip: peer ?? "unknown" };
    }
    admitted.push(peer ?? "unknown");
    return { admitted: true, release: () => released++ };
  },
});
let mini: MiniServer;

beforeAll(async () => {
  mini = await startMiniServer(gated);
});
afterAll(() => mini.close());

function open(): Promise<{ socket: Socket; openedAt: number; closed: Promise<number>; text: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: mini.port });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    const openedAt = Date.now();
    const closed = new Promise<number>((done) => socket.once("close", () => done(Date.now() - openedAt)));
    socket.once("connect", () => resolve({ socket, openedAt, closed, text: () => text }));
    socket.once("error", reject);
  });
}

async function closedBy(closed: Promise<number>, deadlineMs: number): Promise<number | "open"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"open">((resolve) => (timer = setTimeout(() => resolve("open"), deadlineMs)));
  try {
    return await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("Node's http.Server: headersTimeout, checked every connectionsCheckingInterval", () => {
  it("the interval is a tenth of the timeout, between 50 ms and 1 s", () => {
    expect([100, 300, 1000, 10_000, 30_000].map(connectionsCheckingIntervalFor)).toEqual([50, 50, 100, 1000, 1000]);
  });

  it("a connection that sends nothing gets 408 and is closed once the timeout passes", async () => {
    const raw = await open();
    const ms = await closedBy(raw.closed, DEADLINE_MS);
    expect(ms).not.toBe("open");
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(raw.text()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("a head trickled a byte every 50 ms is closed once the timeout passes, bytes or not", async () => {
    const raw = await open();
    const head = "GET /__healthcheck HTTP/1.1\r\nHost: pin\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let i = 0;
    const timer = setInterval(() => {
      if (!raw.socket.destroyed && i < head.length) raw.socket.write(head[i++]!);
    }, 50);
    try {
      const ms = await closedBy(raw.closed, DEADLINE_MS);
      expect(ms).not.toBe("open");
      expect(i).toBeLessThan(head.length);
    } finally {
      clearInterval(timer);
    }
  });
});

describe("the gate's 'connection' and 'upgrade' interception", () => {
  it("each accepted socket is admitted by its peer address; a refused one is closed at once, unanswered", async () => {
    const before = admitted.length;
    const kept = await open();
    await until(() => admitted.length === before + 1, 2000, "the admission");
    expect(admitted.at(-1)).toBe("127.0.0.1");
    refuseNext = true;
    const refused = await open();
    expect(await closedBy(refused.closed, 200)).not.toBe("open");
    expect(refused.text()).toBe("");
    const releasedBefore = released;
    kept.socket.destroy();
    await until(() => released === releasedBefore + 1, 2000, "the slot given back on close");
  });

  it("a request does not give the slot back (keep-alive counts); the WebSocket upgrade does, once", async () => {
    const raw = await open();
    const releasedBefore = released;
    raw.socket.write("GET /__healthcheck HTTP/1.1\r\nHost: pin\r\n\r\n");
    await until(() => raw.text().includes("\r\n\r\n"), 2000, "the answer");
    expect(released).toBe(releasedBefore);
    raw.socket.destroy();
    await until(() => released === releasedBefore + 1, 2000, "the slot given back on close");

    const ws = new WebSocket(`${mini.wsUrl}/`);
    await new Promise<void>((resolve) => ws.once("open", () => resolve()));
    expect(released).toBe(releasedBefore + 2);
    ws.close();
    await new Promise<void>((resolve) => ws.once("close", () => resolve()));
    // The socket's close calls it again: ConnectionLimits' release is idempotent, so the slot is given back once.
    await until(() => released === releasedBefore + 3, 2000, "the release called on close too");
  });
});
