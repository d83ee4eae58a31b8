import { connect } from "node:net";
import { describe, expect } from "vitest";
import { attackerIp, hostileCase, useHostileArena, type HostileArena } from "./harness.ts";

/**
 * Fingerprinting: no answer of the server names what it is built with
 * (express, Colyseus, Node) or a version, whatever is asked: pages, API
 * routes, unknown routes and methods, malformed requests and bodies, the
 * framework's own routes. Requests are sent raw, so each answer is checked
 * byte for byte, headers included.
 *
 * Not covered, and documented in SECURITY.md: the Colyseus protocol itself
 * (/matchmake's answers, the WebSocket frames) is what the SDK speaks; an
 * open /metrics (METRICS_TOKEN unset) lists prom-client's `nodejs_*` families.
 */
const get = useHostileArena();

/** Names and signatures of the stack: framework and runtime names, version strings, express' ETag and 404 page. */
const FINGERPRINT = /express|colyseus|x-powered-by|\bnode(\.js)?\b|\bv?\d+\.\d+\.\d+\b|W\/"|Cannot [A-Z]+ \//i;

/** Send `head` (and `body`) as they are; resolves with the whole answer once the server ends it. */
function raw(arena: HostileArena, head: string, body = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(arena.ts.port, "127.0.0.1", () => {
      const length = body === "" ? "" : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      socket.write(
        `${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Forwarded-For: ${attackerIp()}\r\n${length}\r\n`,
      );
      socket.end(body);
    });
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

const JSON_TYPE = "Content-Type: application/json";

/** [what is asked, request line and headers, body]. */
const REQUESTS: Array<[string, string, string?]> = [
  ["the root (no client served)", "GET / HTTP/1.1"],
  ["an unknown route", "GET /nope HTTP/1.1"],
  ["an unknown route, HEAD", "HEAD /nope HTTP/1.1"],
  ["Colyseus' built-in health check", "GET /__healthcheck HTTP/1.1"],
  ["Colyseus' built-in health check, another spelling", "GET //__HealthCheck HTTP/1.1"],
  ["/health", "GET /health HTTP/1.1"],
  ["/rooms", "GET /rooms HTTP/1.1"],
  ["POST /health (wrong method)", "POST /health HTTP/1.1"],
  ["DELETE /rooms (wrong method)", "DELETE /rooms HTTP/1.1"],
  ["TRACE /", "TRACE / HTTP/1.1"],
  ["OPTIONS /", "OPTIONS / HTTP/1.1"],
  ["GET /matchmake", "GET /matchmake HTTP/1.1"],
  ["GET on a matchmaking route", "GET /matchmake/joinOrCreate/arena HTTP/1.1"],
  ["matchmaking with a malformed JSON body", `POST /matchmake/joinOrCreate/arena HTTP/1.1\r\n${JSON_TYPE}`, "{x"],
  ["matchmaking an unknown room type", `POST /matchmake/joinOrCreate/nosuch HTTP/1.1\r\n${JSON_TYPE}`, "{}"],
  ["matchmaking an unknown method", `POST /matchmake/bogus/arena HTTP/1.1\r\n${JSON_TYPE}`, "{}"],
  ["/auth/guest with a malformed JSON body", `POST /auth/guest HTTP/1.1\r\n${JSON_TYPE}`, "{x"],
  ["GET /auth/guest (wrong method)", "GET /auth/guest HTTP/1.1"],
  ["an unknown route with a malformed JSON body", `POST /nope HTTP/1.1\r\n${JSON_TYPE}`, "{x"],
  ["a malformed percent-escape", "GET /%E0%A4%A HTTP/1.1"],
  ["a lone percent sign", "GET /% HTTP/1.1"],
  ["an absolute-form target", "GET http://x/nope HTTP/1.1"],
  ["a malformed request line", "GARBAGE"],
  [
    "a WebSocket upgrade of an unsupported version",
    "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99",
  ],
  [
    "a WebSocket upgrade to a path that is no room",
    "GET /a/b/c HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
  ],
];

describe("fingerprinting", () => {
  for (const [what, head, body] of REQUESTS) {
    hostileCase(
      get,
      `${what} (${head.split("\r\n")[0]})`,
      "an answer naming no framework, runtime or version",
      async (arena) => {
        // The Prometheus text format's own version (`text/plain; version=0.0.4`) is the protocol, not the software.
        const answer = (await raw(arena, head, body)).replace("; version=0.0.4", "");
        expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
        expect(answer.match(FINGERPRINT)?.[0]).toBeUndefined();
      },
    );
  }

  hostileCase(
    get,
    "GET /metrics, open (METRICS_TOKEN unset)",
    "no framework name, no version string (prom-client's nodejs_* families do name the runtime: SECURITY.md)",
    async (arena) => {
      // The Prometheus text format's own version (`text/plain; version=0.0.4`) is the protocol, not the software.
      const answer = (await raw(arena, "GET /metrics HTTP/1.1")).replace("; version=0.0.4", "");
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).not.toContain("nodejs_version_info");
      expect(answer.replace(/nodejs_|Node\.js/g, "").match(FINGERPRINT)?.[0]).toBeUndefined();
    },
  );

  hostileCase(get, "an unknown route and the built-in health check", "404 with the same JSON body", async (arena) => {
    for (const path of ["/nope", "/__healthcheck"]) {
      const answer = await raw(arena, `GET ${path} HTTP/1.1`);
      expect(answer.split("\r\n")[0], path).toBe("HTTP/1.1 404 Not Found");
      expect(answer.split("\r\n\r\n")[1], path).toBe('{"error":"not_found"}');
    }
  });
});
