import { connect, type Socket } from "node:net";
import { describe, expect } from "vitest";
import { WebSocket } from "ws";
import { until } from "../helpers/until.ts";
import { hostileCase, useHostileArena } from "./harness.ts";

/**
 * Connections that never finish an HTTP request: a head trickled a byte at
 * a time, nothing at all after connecting, a keep-alive socket that trickles
 * its next request, and many of them from one address.
 *
 * A 1 s header timeout and a cap of 8 unfinished HTTP connections per
 * address (the defaults are 10 s and 16) keep each case short. The per-IP
 * cap is counted by the socket's peer address (no header has been read when
 * it applies), and the suite's 127.0.0.1 is a trusted proxy, exempt from it:
 * so the attacker and the bystander connect from addresses of their own on
 * the loopback interface (127.0.0.2, 127.0.0.3; Linux routes all of 127/8
 * to it).
 */
const HEADERS_TIMEOUT_MS = 1000;
const CAP = 8;
/** Slack for a loaded, shared machine: the bound itself is the timeout plus Node's check interval (100 ms here). */
const MARGIN_MS = 1200;
const get = useHostileArena({ net: { headersTimeoutMs: HEADERS_TIMEOUT_MS, maxHttpSocketsPerIp: CAP } });

interface Raw {
  socket: Socket;
  openedAt: number;
  /** Resolves with the time the server closed the socket (ms since `openedAt`). */
  closed: Promise<number>;
  /** Everything the server sent. */
  received(): string;
}

function rawSocket(port: number, localAddress = "127.0.0.1"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.once("error", () => undefined);
    const openedAt = Date.now();
    const closed = new Promise<number>((done) => socket.once("close", () => done(Date.now() - openedAt)));
    socket.once("connect", () => resolve({ socket, openedAt, closed, received: () => text }));
    socket.once("error", reject);
  });
}

/** The socket's close time, or a failure naming what was expected once `deadlineMs` passed. */
async function closedWithin(raw: Raw, deadlineMs: number, what: string): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: still open ${deadlineMs} ms after connecting`)),
      deadlineMs - (Date.now() - raw.openedAt),
    );
  });
  try {
    return await Promise.race([raw.closed, late]);
  } finally {
    clearTimeout(timer);
    raw.socket.destroy();
  }
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(raw: Raw, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed || i >= text.length) return clearInterval(timer);
    raw.socket.write(text[i++]!);
  }, everyMs);
  void raw.closed.then(() => clearInterval(timer));
}

const HEAD = "GET /health HTTP/1.1\r\nHost: tickwire.test\r\nUser-Agent: slowloris\r\nAccept: */*\r\n\r\n";

async function getHealth(port: number, localAddress: string): Promise<{ status: number; ms: number }> {
  const raw = await rawSocket(port, localAddress);
  const start = Date.now();
  raw.socket.write("GET /health HTTP/1.1\r\nHost: tickwire.test\r\nConnection: close\r\n\r\n");
  await raw.closed;
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(raw.received())?.[1] ?? 0), ms: Date.now() - start };
}

describe(`slow HTTP requests (header timeout ${HEADERS_TIMEOUT_MS} ms here, 10 s by default)`, () => {
  hostileCase(
    get,
    "a request head sent one byte every 200 ms",
    "closed within the header timeout (plus a margin), though bytes keep arriving",
    async (arena) => {
      const raw = await rawSocket(arena.ts.port);
      trickle(raw, HEAD, 200);
      const ms = await closedWithin(raw, HEADERS_TIMEOUT_MS + MARGIN_MS, "a trickled head");
      // The head's clock starts at its first byte, written 200 ms after connecting.
      console.log(`slow http: trickled head closed ${ms} ms after connecting (first byte at 200 ms)`);
      expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
    },
  );

  hostileCase(
    get,
    "a connection that sends nothing",
    "closed within the header timeout (plus a margin)",
    async (arena) => {
      const raw = await rawSocket(arena.ts.port);
      const ms = await closedWithin(raw, HEADERS_TIMEOUT_MS + MARGIN_MS, "a silent connection");
      console.log(`slow http: silent connection closed after ${ms} ms (header timeout ${HEADERS_TIMEOUT_MS} ms)`);
      // Node answers an expired head with 408 and closes.
      expect(raw.received()).toMatch(/^(HTTP\/1\.1 408 [^]*)?$/);
    },
  );

  hostileCase(
    get,
    "one quick GET /health, then the next request's head a byte every 200 ms on the same keep-alive connection",
    "answered, then closed within the header timeout of the second head (plus a margin)",
    async (arena) => {
      const raw = await rawSocket(arena.ts.port);
      raw.socket.write("GET /health HTTP/1.1\r\nHost: tickwire.test\r\n\r\n");
      const answered = Date.now();
      while (!raw.received().includes("\r\n\r\n")) {
        expect(Date.now() - answered, "the first request was answered").toBeLessThan(2000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(raw.received()).toMatch(/^HTTP\/1\.1 200 /);
      const startedAt = Date.now();
      trickle(raw, HEAD, 200);
      const ms = await closedWithin(
        { ...raw, openedAt: startedAt },
        HEADERS_TIMEOUT_MS + MARGIN_MS,
        "a trickled second head",
      );
      console.log(`slow http: trickled second head closed ${ms} ms after it began`);
    },
  );
});

describe(`unfinished HTTP connections per IP (cap ${CAP} here, 64 by default)`, () => {
  hostileCase(
    get,
    `${CAP + 4} silent connections from 127.0.0.2`,
    `the first ${CAP} are held until the header timeout, the rest closed at once; 127.0.0.3 still gets /health and a WebSocket, and 127.0.0.2 connects again once its sockets are gone`,
    async (arena) => {
      const port = arena.ts.port;
      const held: Raw[] = [];
      for (let i = 0; i < CAP; i++) held.push(await rawSocket(port, "127.0.0.2"));
      const excess = await Promise.all(Array.from({ length: 4 }, () => rawSocket(port, "127.0.0.2")));
      // "At once": well before the header timeout would have closed them.
      const refusedMs = await Promise.all(
        excess.map((raw) => closedWithin(raw, HEADERS_TIMEOUT_MS / 2, "a connection over the cap")),
      );
      console.log(`slow http: connections over the cap closed after ${refusedMs.join(", ")} ms`);
      for (const raw of held) expect(raw.socket.destroyed, "a connection under the cap").toBe(false);

      // Another address is served meanwhile, quickly.
      const health = await getHealth(port, "127.0.0.3");
      console.log(`slow http: /health from another IP answered in ${health.ms} ms while ${CAP} sockets are held`);
      expect(health.status).toBe(200);
      expect(health.ms).toBeLessThan(1000);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: "127.0.0.3" });
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      ws.close();

      // The held ones time out, and give their slots back.
      await Promise.all(held.map((raw) => closedWithin(raw, HEADERS_TIMEOUT_MS + MARGIN_MS, "a held connection")));
      const again = await getHealth(port, "127.0.0.2");
      expect(again.status).toBe(200);
    },
    20_000,
  );

  hostileCase(
    get,
    `${CAP} silent connections from 127.0.0.2, then WebSocket upgrades from it`,
    "an upgrade is refused while the cap is full (its connection closed at once), and accepted once a slot is free; a WebSocket no longer counts against the cap",
    async (arena) => {
      const port = arena.ts.port;
      const held: Raw[] = [];
      for (let i = 0; i < CAP; i++) held.push(await rawSocket(port, "127.0.0.2"));
      const refused = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: "127.0.0.2" });
      const outcome = await new Promise<string>((resolve) => {
        refused.once("open", () => resolve("open"));
        refused.once("error", (error: Error) => resolve(error.message));
      });
      expect(outcome).not.toBe("open");
      held.pop()!.socket.destroy();
      await until(
        () => arena.ts.app.transport.edge.httpConnections.count("127.0.0.2") === CAP - 1,
        5000,
        "the slot given back",
      );
      const sockets: WebSocket[] = [];
      for (let i = 0; i < 3; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { localAddress: "127.0.0.2" });
        await new Promise<void>((resolve, reject) => {
          ws.once("open", () => resolve());
          ws.once("error", reject);
        });
        sockets.push(ws);
      }
      expect(arena.ts.app.transport.edge.httpConnections.count("127.0.0.2")).toBe(CAP - 1);
      for (const ws of sockets) ws.close();
      for (const raw of held) raw.socket.destroy();
    },
  );
});
