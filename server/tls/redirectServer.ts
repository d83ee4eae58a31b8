import http from "node:http";
import { connectionsCheckingIntervalFor, REQUEST_TIMEOUT_MS } from "../../colyseus/httpServerGate.ts";
import type { HttpConnectionAdmission } from "../net/httpConnections.ts";
import { BAD_REQUEST_BODY } from "../http/plainAnswers.ts";
import { redirectToHttps, type ServesHost } from "./httpsRedirect.ts";

export interface RedirectServerOptions {
  /** The https port's bound port (known once it listens; PORT=0 in tests). */
  httpsPort: () => number;
  serves: ServesHost;
  /** The game port's request head deadline (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** The game port's per-IP socket cap (MAX_HTTP_SOCKETS_PER_IP), counted together with it. */
  admitConnection: HttpConnectionAdmission;
}

/**
 * HTTP_REDIRECT_PORT: a plain http.Server that only redirects
 * (httpsRedirect.ts). The same slow-request protection as the game port: a
 * request head must be complete within HTTP_HEADERS_TIMEOUT_MS, checked every
 * tenth of it (the game port's bounds, colyseus/httpServerGate.ts), and one address holds at most MAX_HTTP_SOCKETS_PER_IP unfinished
 * sockets, counted with those it holds on the game port. Every answer closes
 * its connection: a redirect is a browser's one request here, so nothing
 * idles in keep-alive.
 */
export function createRedirectServer({
  httpsPort,
  serves,
  headersTimeoutMs,
  admitConnection,
}: RedirectServerOptions): http.Server {
  const server = http.createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeoutMs),
      connectionsCheckingInterval: connectionsCheckingIntervalFor(headersTimeoutMs),
    },
    (req, res) => {
      const answer = redirectToHttps({ host: req.headers.host, url: req.url }, httpsPort(), serves);
      if (answer.status === 308) {
        res.writeHead(308, { location: answer.location, "content-length": 0, connection: "close" });
        res.end();
        return;
      }
      res.writeHead(400, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(BAD_REQUEST_BODY),
        connection: "close",
      });
      res.end(BAD_REQUEST_BODY);
    },
  );
  // Node's own 'connection' listener was added first; destroying the socket here still ends it before a byte is parsed.
  server.on("connection", (socket) => {
    const verdict = admitConnection(socket.remoteAddress);
    if (!verdict.admitted) {
      socket.destroy();
      return;
    }
    socket.once("close", verdict.release);
  });
  return server;
}
