import { request } from "node:http";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restrictMatchmakingCors } from "../../colyseus/cors.ts";
import { createGatedHttpServer } from "../../colyseus/httpServerGate.ts";
import type { HttpRefusalResponse, HttpRequestHead } from "../../server/net/httpAdmission.ts";
import { createOriginPolicy } from "../../server/net/originPolicy.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for colyseus/httpServerGate.ts and colyseus/cors.ts against a bare
 * Colyseus server listening on the gated http.Server. Through the whole app:
 * test/hostile/origin.test.ts, limits.test.ts (the gate's refusals and CORS).
 */
const GOOD = "https://good.example";
const EVIL = "https://evil.example";
const seen: HttpRequestHead[] = [];
let refuseNext = false;
const gated = createGatedHttpServer((head): HttpRefusalResponse | undefined => {
  seen.push(head);
  if (!refuseNext) return undefined;
  refuseNext = false;
  return { status: 403, headers: { "content-type": "application/json" }, body: '{"error":"gate"}' };
});
let mini: MiniServer;

beforeAll(async () => {
  mini = await startMiniServer(gated);
});
afterAll(() => mini.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: mini.port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const matchmake = (headers: Record<string, string> = {}) =>
  call("POST", "/matchmake/joinOrCreate/pin", { "content-type": "application/json", ...headers }, "{}");

describe("httpServerGate: Colyseus' router answers on the http.Server's 'request' event", () => {
  it("the router is a 'request' listener, and /matchmake reaches it through the gate", async () => {
    expect(gated.listeners("request").length).toBeGreaterThan(0);
    const before = seen.length;
    const answer = await matchmake();
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/matchmake/joinOrCreate/pin" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty("sessionId");
  });

  it("a refusal answers first: no 'request' listener, the router's included, sees the request", async () => {
    let listened = 0;
    const listener = () => listened++;
    // Prepended: it would run before the router's own (prepended at listen) listener.
    gated.prependListener("request", listener);
    try {
      await call("GET", "/");
      expect(listened).toBe(1);
      refuseNext = true;
      const answer = await matchmake();
      expect(answer).toMatchObject({ status: 403, body: '{"error":"gate"}' });
      expect(listened).toBe(1);
    } finally {
      gated.removeListener("request", listener);
    }
  });
});

describe("httpServerGate: Colyseus' built-in /__healthcheck (router/index.ts bindRouterToTransport) is hidden", () => {
  it("answers 404 not_found itself, in every spelling the routers accept; no listener sees it", async () => {
    let listened = 0;
    const listener = () => listened++;
    gated.prependListener("request", listener);
    try {
      for (const path of ["/__healthcheck", "/__HealthCheck", "//__healthcheck", "/__healthcheck?x=1"]) {
        const answer = await call("GET", path);
        expect(answer, path).toMatchObject({ status: 404, body: '{"error":"not_found"}' });
      }
      expect(listened).toBe(0);
    } finally {
      gated.removeListener("request", listener);
    }
  });
});

describe("cors: matchMaker.controller's DEFAULT_CORS_HEADERS and getCorsHeaders make every answer's CORS headers", () => {
  it("by default any origin is echoed; once restricted, only allowed ones", async () => {
    expect(matchMaker.controller.DEFAULT_CORS_HEADERS["Access-Control-Allow-Origin"]).toBe("*");
    const open = await call("OPTIONS", "/matchmake/joinOrCreate/pin", { origin: EVIL });
    expect(open.headers["access-control-allow-origin"]).toBe(EVIL);

    restrictMatchmakingCors(createOriginPolicy({ allowedOrigins: [GOOD], allowLocalhost: false }));
    expect(matchMaker.controller.DEFAULT_CORS_HEADERS).not.toHaveProperty("Access-Control-Allow-Origin");
    const evil = await call("OPTIONS", "/matchmake/joinOrCreate/pin", { origin: EVIL });
    expect(evil.status).toBe(204);
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
    expect(evil.headers.vary).toBe("Origin");
    const good = await call("OPTIONS", "/matchmake/joinOrCreate/pin", { origin: GOOD });
    expect(good.headers["access-control-allow-origin"]).toBe(GOOD);
    // Not only preflights: the router sets the same headers on every answer.
    const post = await matchmake({ origin: GOOD });
    expect(post.headers["access-control-allow-origin"]).toBe(GOOD);
  });
});
