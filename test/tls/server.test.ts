import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { certificateDir, type TestCertificate } from "../helpers/certificates.ts";
import { httpsRequest } from "../helpers/https.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { TlsPlayer } from "../helpers/tlsPlayer.ts";

/**
 * Built-in TLS on the app factory: https:// and wss:// on the game port
 * (TLS_CERT_FILE, TLS_KEY_FILE) with the same edge limits as plain http, and
 * HTTP_REDIRECT_PORT. A 1 s header timeout (also the handshake's) and a cap
 * of 2 unfinished sockets per address keep the slow-client cases short; they
 * connect from 127.0.0.2 and up (Linux routes all of 127/8 to lo), each
 * case from its own, so none is counted with another's.
 */
const HEADERS_TIMEOUT_MS = 1000;
const CAP = 2;
/** Slack for a loaded, shared machine, as test/hostile/slow-http.test.ts allows. */
const MARGIN_MS = 1200;

let certs: Awaited<ReturnType<typeof certificateDir>>;
let cert: TestCertificate;
let ts: TestServer;

beforeAll(async () => {
  certs = await certificateDir();
  cert = await certs.create("server");
  ts = await startTestServer({
    tls: { certFile: cert.certificate, keyFile: cert.key, redirectPort: 0 },
    // 127.0.0.1, the players' address, is exempt from the cap as a trusted proxy (the SDK keeps sockets alive).
    net: { headersTimeoutMs: HEADERS_TIMEOUT_MS, maxHttpSocketsPerIp: CAP, trustedProxies: ["127.0.0.1"] },
  });
}, 30_000);

afterAll(async () => {
  await ts?.close();
  await certs?.remove();
});

/** A TCP connection that the test drives by hand; `closed` resolves with ms since connect. */
function tcp(port: number, localAddress: string): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: "127.0.0.1", port, localAddress });
    socket.once("error", () => undefined);
    // Read (and drop) whatever comes, so the server's FIN is seen.
    socket.resume();
    const openedAt = Date.now();
    const closed = new Promise<number>((done) => socket.once("close", () => done(Date.now() - openedAt)));
    socket.once("connect", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("https:// and wss:// on the game port", () => {
  it("serves /health over TLS with the configured certificate", async () => {
    const answer = await httpsRequest(ts.port, "/health", { ca: cert.pem });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: "ok" });
    expect(answer.fingerprint256).toBe(cert.fingerprint256);
  });

  it("exports the certificate's expiry as tickwire_tls_cert_expiry_seconds", async () => {
    const answer = await httpsRequest(ts.port, "/metrics", { ca: cert.pem });
    const expiry = Math.floor((ts.app.tls?.current.expiresAt ?? 0) / 1000);
    expect(expiry).toBeGreaterThan(Date.now() / 1000);
    expect(answer.body).toContain(`\ntickwire_tls_cert_expiry_seconds ${expiry}\n`);
  });

  it("an SDK player joins over wss:// and sees itself move", async () => {
    const player = new TlsPlayer(`https://127.0.0.1:${ts.port}`, "Alice", cert.certificate);
    try {
      const joined = await player.waitFor("joined");
      expect(joined.url).toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${ts.port}/`));
      const start = await player.waitFor("players", (e) => e.players.some((p) => p.sessionId === joined.sessionId));
      const x0 = start.players.find((p) => p.sessionId === joined.sessionId)?.x ?? 0;
      const dx = x0 > 1000 ? -1 : 1;
      player.send({ do: "move", dx, dy: 0 });
      await player.waitFor("players", (e) =>
        e.players.some((p) => p.sessionId === joined.sessionId && (p.x - x0) * dx >= 50),
      );
    } finally {
      await player.leave();
    }
  });
});

describe("slow clients over TLS (the plain port's protections)", () => {
  it("closes a connection that never starts its TLS handshake after the header timeout", async () => {
    const { closed } = await tcp(ts.port, "127.0.0.2");
    const ms = await within(closed, HEADERS_TIMEOUT_MS + MARGIN_MS, "silent socket");
    expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  it("answers 408 to a request head trickled after the handshake, within the header timeout", async () => {
    const socket = tlsConnect({
      socket: netConnect({ host: "127.0.0.1", port: ts.port, localAddress: "127.0.0.7" }),
      ca: cert.pem,
      servername: "localhost",
    });
    socket.once("error", () => undefined);
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    await new Promise<void>((resolve) => socket.once("secureConnect", () => resolve()));
    const secureAt = Date.now();
    const head = "GET /health HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slowloris\r\n\r\n";
    let i = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && i < head.length) socket.write(head[i++]!);
    }, 100);
    try {
      await within(
        new Promise((resolve) => socket.once("close", resolve)),
        HEADERS_TIMEOUT_MS + MARGIN_MS,
        "trickled head",
      );
    } finally {
      clearInterval(timer);
    }
    expect(Date.now() - secureAt).toBeLessThan(HEADERS_TIMEOUT_MS + MARGIN_MS);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("caps unfinished sockets per address before any TLS work, and serves another address", async () => {
    const held = await Promise.all([tcp(ts.port, "127.0.0.3"), tcp(ts.port, "127.0.0.3")]);
    try {
      const third = await tcp(ts.port, "127.0.0.3");
      // Closed on accept: well before the header timeout would have closed it.
      const ms = await within(third.closed, HEADERS_TIMEOUT_MS, "the socket over the cap");
      expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS);
      expect((await httpsRequest(ts.port, "/health", { ca: cert.pem, localAddress: "127.0.0.4" })).status).toBe(200);
    } finally {
      for (const { socket } of held) socket.destroy();
    }
  });

  it("gives the socket's slot back once it is a WebSocket (the TLSSocket is not the socket accepted)", async () => {
    const ip = "127.0.0.5";
    const sockets: WebSocket[] = [];
    try {
      // The latency-check target (upgradeTarget.ts), a WebSocket Colyseus closes 1 s later.
      for (let i = 0; i < CAP; i++) {
        const ws = new WebSocket(`wss://127.0.0.1:${ts.port}/`, { ca: cert.pem, localAddress: ip });
        sockets.push(ws);
        await new Promise<void>((resolve, reject) => {
          ws.once("open", () => resolve());
          ws.once("error", reject);
        });
      }
      // Both are WebSockets now: MAX_CONNECTIONS_PER_IP counts them, not the HTTP socket cap.
      expect(ts.app.transport.edge.httpConnections.count(ip)).toBe(0);
      expect((await httpsRequest(ts.port, "/health", { ca: cert.pem, localAddress: ip })).status).toBe(200);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});

/** A plain-HTTP request to the redirect port, with the Host header (or the whole head) as given. */
function plainGet(
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function rawExchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: "127.0.0.1", port }, () => socket.write(head));
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.once("close", () => resolve(text));
    socket.once("error", reject);
  });
}

describe("HTTP_REDIRECT_PORT", () => {
  const redirectPort = () => {
    const port = ts.app.redirectPort;
    if (port === undefined) throw new Error("no redirect port");
    return port;
  };

  it("answers 308 to the same path on https://<host>:<PORT>", async () => {
    const answer = await plainGet(redirectPort(), "/?room=abc123", `localhost:${redirectPort()}`);
    expect(answer).toMatchObject({ status: 308, location: `https://localhost:${ts.port}/?room=abc123` });
    expect((await plainGet(redirectPort(), "/health", "127.0.0.1")).location).toBe(
      `https://127.0.0.1:${ts.port}/health`,
    );
  });

  it("refuses a host the certificate does not name, and a missing Host, with 400", async () => {
    const foreign = await plainGet(redirectPort(), "/", "evil.example");
    expect(foreign).toMatchObject({ status: 400, location: undefined, body: '{"error":"bad_request"}' });
    const noHost = await rawExchange(redirectPort(), "GET / HTTP/1.0\r\n\r\n");
    expect(noHost).toMatch(/^HTTP\/1\.1 400 /);
    expect(noHost).not.toMatch(/location:/i);
    const absolute = await rawExchange(redirectPort(), "GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("closes a silent socket after the header timeout", async () => {
    const { closed } = await tcp(redirectPort(), "127.0.0.6");
    await within(closed, HEADERS_TIMEOUT_MS + MARGIN_MS, "silent socket on the redirect port");
  });

  it("closes with the app", async () => {
    const port = redirectPort();
    await ts.close();
    await expect(plainGet(port, "/", "localhost")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
