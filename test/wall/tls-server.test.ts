import { readFile } from "node:fs/promises";
import type http from "node:http";
import type https from "node:https";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createGatedHttpServer } from "../../colyseus/httpServerGate.ts";
import { certificateDir, type TestCertificate } from "../helpers/certificates.ts";
import { httpsRequest } from "../helpers/https.ts";
import { until } from "../helpers/until.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for what colyseus/httpServerGate.ts relies on when the server is an
 * https.Server (TLS_CERT_FILE), against a bare Colyseus server on the gated
 * TLS server:
 * - Node emits 'connection' with the raw TCP socket, before the handshake,
 *   and that socket's 'close' fires when the TLS connection ends;
 * - the request's and 'upgrade''s socket is the TLSSocket, a different object
 *   with the same address pair (the gate's slot key);
 * - ws-transport's `server` option takes the https.Server: a wss:// upgrade
 *   completes, and the slot is given back at the upgrade;
 * - `handshakeTimeout` closes a socket that never sends a ClientHello.
 */
const TIMEOUT_MS = 300;
const DEADLINE_MS = TIMEOUT_MS + 900;

let certs: Awaited<ReturnType<typeof certificateDir>>;
let cert: TestCertificate;
let gated: https.Server;
let mini: MiniServer;
const accepted: Socket[] = [];
let released = 0;
const requestSockets: Socket[] = [];
const upgradeSockets: Socket[] = [];

beforeAll(async () => {
  certs = await certificateDir();
  cert = await certs.create("pin");
  gated = createGatedHttpServer(() => undefined, {
    headersTimeoutMs: TIMEOUT_MS,
    admitConnection: () => ({ admitted: true, release: () => released++ }),
    tls: { cert: await readFile(cert.certificate), key: await readFile(cert.key) },
  }) as https.Server;
  gated.prependListener("connection", (socket: Socket) => accepted.push(socket));
  gated.prependListener("request", (req: http.IncomingMessage) => requestSockets.push(req.socket));
  gated.prependListener("upgrade", (req: http.IncomingMessage) => upgradeSockets.push(req.socket));
  mini = await startMiniServer(gated);
}, 30_000);

afterAll(async () => {
  await mini?.close();
  await certs?.remove();
});

const pairOf = (s: Socket) => [s.remoteAddress, s.remotePort, s.localAddress, s.localPort];

describe("Node's https.Server under the gate", () => {
  it("'connection' carries the raw socket; the request's socket is another object with the same address pair", async () => {
    const before = accepted.length;
    const releasedBefore = released;
    await httpsRequest(mini.port, "/pin", { ca: cert.pem });
    const raw = accepted[before];
    const tlsSocket = requestSockets.at(-1);
    if (raw === undefined || tlsSocket === undefined) throw new Error("no socket seen");
    expect(raw).not.toBe(tlsSocket);
    expect(raw.constructor.name).toBe("Socket");
    expect(tlsSocket.constructor.name).toBe("TLSSocket");
    expect(pairOf(tlsSocket)).toEqual(pairOf(raw));
    // The raw socket still reports its end, so the slot is given back.
    await until(() => raw.destroyed && released === releasedBefore + 1, 2000, "the raw socket's close");
  });

  it("ws-transport upgrades wss:// on it; the upgrade's socket has the accepted one's address pair", async () => {
    const before = accepted.length;
    const releasedBefore = released;
    const ws = new WebSocket(`wss://127.0.0.1:${mini.port}/`, { ca: cert.pem });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const raw = accepted[before];
    const upgraded = upgradeSockets.at(-1);
    if (raw === undefined || upgraded === undefined) throw new Error("no socket seen");
    expect(pairOf(upgraded)).toEqual(pairOf(raw));
    // Given back at the upgrade, while the WebSocket is open.
    expect(released).toBe(releasedBefore + 1);
    ws.terminate();
  });

  it("handshakeTimeout closes a socket that sends no ClientHello", async () => {
    const socket = connect({ host: "127.0.0.1", port: mini.port });
    socket.resume();
    socket.once("error", () => undefined);
    const openedAt = Date.now();
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - openedAt)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"open">((resolve) => (timer = setTimeout(() => resolve("open"), DEADLINE_MS)));
    const ms = await Promise.race([closed, late]);
    clearTimeout(timer);
    socket.destroy();
    expect(ms).not.toBe("open");
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  });
});
