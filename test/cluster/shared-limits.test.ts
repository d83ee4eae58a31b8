import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startClusterProcess, type ClusterProcess } from "../helpers/clusterProcess.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";
import { until, untilValue } from "../helpers/until.ts";

/**
 * The per-IP limits hold for the whole cluster (server/cluster/sharedLimits.ts):
 * real processes on a private redis-server, clients told apart by
 * X-Forwarded-For (TRUSTED_PROXIES=127.0.0.1), each case from its own IP.
 */
const TRUST_LOOPBACK = { TRUSTED_PROXIES: "127.0.0.1" };
let nextIp = 1;
const freshIp = () => `198.18.0.${nextIp++}`;

async function guest(
  p: ClusterProcess,
  ip: string,
): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${p.httpUrl}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ name: "Budget" }),
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started };
}

type Upgrade = { open: true; socket: WebSocket } | { open: false; status: number; body: string };

/** A WebSocket to the transport's latency-check path `/` (held open for a second by Colyseus), from `ip`. */
function upgrade(p: ClusterProcess, ip: string): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${p.port}/`, { headers: { "x-forwarded-for": ip } });
    socket.once("open", () => resolve({ open: true, socket }));
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ open: false, status: res.statusCode ?? 0, body }));
    });
    socket.once("error", reject);
  });
}

const logged = (p: ClusterProcess, msg: string) => p.server.logs.filter((line) => line.msg.startsWith(msg)).length;
const DOWN = "shared limits store unavailable";
const UP = "shared limits store answers again";

/** Two processes on `redis`; whatever started is pushed to `started` (stopped in afterAll) even if the other did not. */
async function startPair(
  redis: RedisServer,
  env: Record<string, string>,
  started: ClusterProcess[],
): Promise<[ClusterProcess, ClusterProcess]> {
  const results = await Promise.allSettled([startClusterProcess(redis.url, env), startClusterProcess(redis.url, env)]);
  for (const result of results) if (result.status === "fulfilled") started.push(result.value);
  for (const result of results) if (result.status === "rejected") throw result.reason;
  return [started[0]!, started[1]!];
}

describe("the per-IP request budget (HTTP_BURST 5, HTTP_RATE_PER_MIN 6: 5 per 50 s window)", () => {
  let redis: RedisServer;
  let a: ClusterProcess;
  let b: ClusterProcess;
  const processes: ClusterProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    [a, b] = await startPair(redis, { ...TRUST_LOOPBACK, HTTP_BURST: "5", HTTP_RATE_PER_MIN: "6" }, processes);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await redis?.stop();
  });

  it("is one budget for the cluster: spent through A, refused (429) through B", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await guest(a, ip)).status).toBe(200);
    const refused = await guest(b, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await guest(a, ip)).status).toBe(429);
    // Another client's budget is untouched.
    expect((await guest(b, freshIp())).status).toBe(200);
  });

  it("Redis stopped: each process falls back to its own budget, nothing hangs, logged once; shared again once Redis is back", async () => {
    await redis.stop();
    const ip = freshIp();
    const answers = [];
    for (const p of [a, b]) for (let i = 0; i < 6; i++) answers.push(await guest(p, ip));
    // Per process now: 5 admitted by A, then 5 more by B.
    expect(answers.map((answer) => answer.status)).toEqual([
      200, 200, 200, 200, 200, 429, 200, 200, 200, 200, 200, 429,
    ]);
    const slowest = Math.max(...answers.map((answer) => answer.ms));
    console.log(`Redis down: slowest of 12 answers ${slowest.toFixed(0)} ms`);
    expect(slowest).toBeLessThan(2000);
    for (const p of [a, b]) expect(logged(p, DOWN)).toBe(1);

    // Back on the same port: each process' periodic sync finds it again by itself.
    const back = performance.now();
    await redis.restart();
    await until(() => logged(a, UP) === 1 && logged(b, UP) === 1, 15_000, "both processes back on the shared store");
    console.log(`Redis back: limits shared again after ${(performance.now() - back).toFixed(0)} ms`);
    const again = freshIp();
    for (let i = 0; i < 5; i++) expect((await guest(a, again)).status).toBe(200);
    expect((await guest(b, again)).status).toBe(429);
    expect(logged(a, DOWN)).toBe(1);
  }, 40_000);
});

describe("the per-IP WebSocket cap (MAX_CONNECTIONS_PER_IP 2)", () => {
  let redis: RedisServer;
  let a: ClusterProcess;
  let b: ClusterProcess;
  const processes: ClusterProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    [a, b] = await startPair(redis, { ...TRUST_LOOPBACK, MAX_CONNECTIONS_PER_IP: "2" }, processes);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await redis?.stop();
  });

  it("counts the connections on both processes: one on A, one on B, a third refused on either", async () => {
    const ip = freshIp();
    const onA = await upgrade(a, ip);
    const onB = await upgrade(b, ip);
    expect([onA.open, onB.open]).toEqual([true, true]);
    for (const p of [a, b])
      expect(await upgrade(p, ip)).toEqual({ open: false, status: 429, body: "too many connections" });
    for (const held of [onA, onB]) if (held.open) held.socket.close();
  });

  it("a process killed with -9 gives its slots back within the slots' TTL (10 s)", async () => {
    const ip = freshIp();
    const held = await Promise.all([upgrade(a, ip), upgrade(a, ip)]);
    expect(held.map((h) => h.open)).toEqual([true, true]);
    a.server.child.kill("SIGKILL");
    const killedAt = performance.now();
    await a.server.exited;
    // Its two slots still count: no process released them.
    expect(await upgrade(b, ip)).toMatchObject({ open: false, status: 429, body: "too many connections" });
    const accepted = await untilValue(
      () => upgrade(b, ip),
      (answer) => answer.open || answer.body !== "too many connections",
      15_000,
      "a slot given back",
    );
    const backAfterMs = performance.now() - killedAt;
    console.log(`kill -9: the dead process' slots came back after ${backAfterMs.toFixed(0)} ms (TTL 10 s)`);
    expect(accepted.open).toBe(true);
    if (accepted.open) accepted.socket.close();
  }, 30_000);
});
