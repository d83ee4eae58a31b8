// Adds waitForInitialState/waitForNextPatch to the SDK's Room (untilPatched uses them); no server runs in this process.
import "@colyseus/testing";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_REGISTRY_KEY } from "../../colyseus/clusterRegistration.ts";
import type { Health } from "../../server/http/health.ts";
import { MoveInput, ServerMessage, type RoomListing } from "../../shared/index.ts";
import { guestClient, Inbox, untilPatched, type ArenaSdkRoom, type ServerAddress } from "../helpers/clients.ts";
import { CLUSTER_SECRET, startClusterProcess, type ClusterProcess } from "../helpers/clusterProcess.ts";
import { freePort, startRedisServer, type RedisServer } from "../helpers/redisServer.ts";
import type { LogLine } from "../helpers/serverProcess.ts";
import { until, untilValue } from "../helpers/until.ts";

/**
 * Redis going away under a running cluster, and coming back empty (the test's
 * redis-server, like the machine's, keeps nothing on disk): two real
 * processes on this file's own redis-server, players in rooms on both.
 */
let redis: RedisServer;
let a: ClusterProcess;
let b: ClusterProcess;
const joined: ArenaSdkRoom[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const started = await Promise.allSettled([startClusterProcess(redis.url), startClusterProcess(redis.url)]);
  if (started[0].status === "fulfilled") a = started[0].value;
  if (started[1].status === "fulfilled") b = started[1].value;
  for (const result of started) if (result.status === "rejected") throw result.reason;
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const p of [a, b]) console.log(p?.processId, JSON.stringify(p?.server.logs.slice(-40), null, 1));
  }
  await Promise.all(joined.splice(0).map((room) => room.leave().catch(() => undefined)));
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

async function health(p: ServerAddress): Promise<Health> {
  return (await (await fetch(`${p.httpUrl}/health`)).json()) as Health;
}

async function listRooms(p: ServerAddress): Promise<RoomListing[]> {
  const answer = await fetch(`${p.httpUrl}/rooms`);
  return answer.ok ? ((await answer.json()) as RoomListing[]) : [];
}

/** A raw matchmaking request, as the SDK sends it, timed. */
async function matchmake(p: ServerAddress): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const answer = await fetch(`${p.httpUrl}/matchmake/joinOrCreate/arena`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const text = await answer.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion on the body shows the text
  }
  return { status: answer.status, body, ms: performance.now() - started };
}

interface Player {
  room: ArenaSdkRoom;
  inbox: Inbox;
}

async function play(p: ServerAddress, name: string, how: "joinOrCreate" | "create" | { roomId: string }) {
  const { client } = await guestClient(p, name);
  const room = (how === "joinOrCreate"
    ? await client.joinOrCreate("arena", {})
    : how === "create"
      ? await client.create("arena", {})
      : await client.joinById(how.roomId, {})) as unknown as ArenaSdkRoom;
  joined.push(room);
  const inbox = new Inbox(room);
  await room.waitForInitialState();
  return { room, inbox } satisfies Player;
}

function hostOf(processId: string): ClusterProcess {
  if (processId === a.processId) return a;
  if (processId === b.processId) return b;
  throw new Error(`unknown process ${processId}`);
}

/** Alice walks; Bob, in the same room, sees her move in his patches. */
async function bobSeesAliceMove(alice: Player, bob: Player): Promise<void> {
  const seen = () => bob.room.state.players.get(alice.room.sessionId);
  await untilPatched(bob.room, () => seen() !== undefined);
  const startX = seen()!.x;
  const input = alice.room.input({ type: MoveInput });
  input.data.dx = startX > 800 ? -1 : 1;
  input.data.dy = 0;
  await untilPatched(bob.room, () => {
    input.send();
    return Math.abs(seen()!.x - startX) >= 10;
  });
}

describe("Redis stops under a running cluster and comes back empty", () => {
  it("rooms keep running, matchmaking and /rooms answer 503 at once, /health says down; once Redis is back the cluster recovers by itself", async () => {
    // One room on each process: the second create goes to the process with fewer rooms once the first is counted.
    const alice = await play(a, "Alice", "create");
    const first = (await listRooms(a)).find((room) => room.roomId === alice.room.roomId)!;
    const direct = new Redis(redis.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 1 });
    direct.on("error", () => undefined);
    try {
      await direct.connect();
      await untilValue(
        () => direct.hget(PROCESS_REGISTRY_KEY, first.processId),
        (count) => count?.startsWith("1,") === true,
        5000,
        "the first room counted",
      );
    } finally {
      direct.disconnect();
    }
    const carol = await play(a, "Carol", "create");
    const bob = await play(b, "Bob", { roomId: alice.room.roomId });
    const before = await listRooms(b);
    expect(before.map((room) => room.roomId).sort()).toEqual([alice.room.roomId, carol.room.roomId].sort());
    const hosts = new Map(before.map((room) => [room.roomId, room.processId]));
    console.log(`rooms on ${new Set(hosts.values()).size} process(es) before the outage`);

    const stoppedAt = performance.now();
    await redis.stop();
    for (const p of [a, b]) {
      await untilValue(
        () => health(p),
        (h) => h.redis === "down",
        5000,
        `${p.processId}'s /health`,
      );
    }
    console.log(`Redis stopped: both /health say down after ${(performance.now() - stoppedAt).toFixed(0)} ms`);
    expect(await health(a)).toMatchObject({ status: "degraded", redis: "down", processId: a.processId });

    // The rooms keep ticking for their players: movement and chat within the room.
    await bobSeesAliceMove(alice, bob);
    bob.room.send("chat", { text: "still here" });
    await alice.inbox.waitFor("chat", (line) => line.kind === "say" && line.text === "still here");

    // Matchmaking: a clear 503 with a JSON body, at once, on both processes; /rooms too.
    const refusals = [];
    for (const p of [a, b]) for (let i = 0; i < 3; i++) refusals.push(await matchmake(p));
    for (const refusal of refusals)
      expect(refusal).toMatchObject({ status: 503, body: { error: "matchmaking_unavailable" } });
    const times = refusals.map((refusal) => refusal.ms).sort((x, y) => x - y);
    console.log(
      `Redis down: /matchmake 503 in ${times.map((ms) => ms.toFixed(1)).join(", ")} ms (median ${times[3]!.toFixed(1)})`,
    );
    const { client } = await guestClient(a, "Dave");
    await expect(client.joinOrCreate("arena", {})).rejects.toThrow(/matchmaking_unavailable/);
    const rooms = await fetch(`${b.httpUrl}/rooms`);
    expect(rooms.status).toBe(503);
    expect(await rooms.json()).toEqual({ error: "rooms_unavailable" });
    // The processes are still up after a few seconds without Redis (no unhandled rejection ended them).
    await bobSeesAliceMove(bob, alice);
    expect([a.server.child.exitCode, b.server.child.exitCode]).toEqual([null, null]);

    // Back, empty, on the same port: each process reconnects, re-registers and lists its rooms again.
    const backAt = performance.now();
    await redis.restart();
    for (const p of [a, b]) {
      await untilValue(
        () => health(p),
        (h) => h.redis === "up" && h.status === "ok",
        15_000,
        `${p.processId}'s /health`,
      );
    }
    const upMs = performance.now() - backAt;
    for (const p of [a, b]) {
      const listed = await untilValue(
        () => listRooms(p),
        (list) => list.length === 2,
        5000,
        `${p.processId}'s /rooms`,
      );
      expect(new Map(listed.map((room) => [room.roomId, room.processId]))).toEqual(hosts);
    }
    console.log(
      `Redis restarted empty: /health up on both after ${upMs.toFixed(0)} ms, ` +
        `both rooms listed on both after ${(performance.now() - backAt).toFixed(0)} ms`,
    );
    expect(a.server.logs.some((line) => line.msg === "re-registered this process and its rooms in Redis")).toBe(true);

    // Matchmaking across processes again: joinById through the process that does not host the room, joinOrCreate too.
    const aliceHost = hostOf(hosts.get(alice.room.roomId)!);
    const other = aliceHost === a ? b : a;
    const started = performance.now();
    const erin = await play(other, "Erin", { roomId: alice.room.roomId });
    const joinByIdMs = performance.now() - started;
    const frank = await play(other, "Frank", "joinOrCreate");
    expect(erin.room.roomId).toBe(alice.room.roomId);
    expect([alice.room.roomId, carol.room.roomId]).toContain(frank.room.roomId);
    await untilPatched(alice.room, () => alice.room.state.players.has(erin.room.sessionId));
    console.log(`after recovery: joinById through the other process ${joinByIdMs.toFixed(0)} ms`);
    // A brand-new room is placed and listed everywhere.
    const grace = await play(other, "Grace", "create");
    for (const p of [a, b])
      await untilValue(
        () => listRooms(p),
        (list) => list.some((room) => room.roomId === grace.room.roomId),
        5000,
        `${p.processId}'s /rooms with the new room`,
      );
  }, 90_000);
});

/** A server process whose start may fail: its log lines and stderr, kept whatever happens. */
function spawnServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      SERVE_CLIENT: "none",
      AUTH_SECRET: CLUSTER_SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once("exit", (code) => resolve({ code, at: performance.now() })),
  );
  return { child, logs, stderr: () => stderr, exited };
}

describe("SIGTERM while Redis is down", () => {
  it("the players are still told (server:shutdown) and closed 4001 at once; the process exits 0 by SHUTDOWN_TIMEOUT_S", async () => {
    const SHUTDOWN_TIMEOUT_S = 4;
    const draining = await startClusterProcess(redis.url, { SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S) });
    try {
      const { client } = await guestClient(draining, "Ivy");
      const room = (await client.create("arena", {})) as unknown as ArenaSdkRoom;
      const inbox = new Inbox(room);
      const leaves = new Promise<number>((resolve) => room.onLeave.once((code) => resolve(code)));
      await room.waitForInitialState();
      await redis.stop();
      await untilValue(
        () => health(draining),
        (h) => h.redis === "down",
        10_000,
        "/health down",
      );
      const signalledAt = performance.now();
      const signalledAtEpoch = Date.now();
      draining.server.child.kill("SIGTERM");
      // Core's drain starts with a Redis write that waits for Redis: without the lifecycle's own notice these two
      // would only come at the deadline (a dropped socket, no message).
      expect(await inbox.waitFor(ServerMessage.ServerShutdown, () => true, 3000)).toMatchObject({ reason: "SIGTERM" });
      expect(await leaves).toBe(4001);
      const toldMs = performance.now() - signalledAt;
      const exit = await draining.server.exited;
      expect(exit.code).toBe(0);
      console.log(
        `SIGTERM with Redis down: player told and closed 4001 after ${toldMs.toFixed(0)} ms, exit 0 after ` +
          `${exit.at - signalledAtEpoch} ms (deadline ${SHUTDOWN_TIMEOUT_S} s)`,
      );
    } finally {
      await draining.stop();
      await redis.restart();
    }
  }, 40_000);
});

describe("a process started while Redis is down", () => {
  const children: Array<ReturnType<typeof spawnServer>> = [];
  afterAll(async () => {
    for (const started of children) {
      if (started.child.exitCode === null) started.child.kill("SIGTERM");
      await started.exited;
    }
  });

  it("waits REDIS_CONNECT_TIMEOUT_S with one clear line, then exits 1 naming Redis; nothing on stderr", async () => {
    const port = await freePort();
    const deadPort = await freePort();
    const started = performance.now();
    const server = spawnServer({
      REDIS_URL: `redis://127.0.0.1:${deadPort}/0`,
      REDIS_CONNECT_TIMEOUT_S: "2",
      PORT: String(port),
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    });
    children.push(server);
    const { code, at } = await server.exited;
    console.log(`Redis down at start (REDIS_CONNECT_TIMEOUT_S=2): exit ${code} after ${(at - started).toFixed(0)} ms`);
    expect(code).toBe(1);
    expect(server.logs.filter((line) => line.msg === "waiting for Redis before listening")).toHaveLength(1);
    const fatal = server.logs.find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(
      /^Redis at redis:\/\/127\.0\.0\.1:\d+\/0 did not answer within 2 s \(REDIS_CONNECT_TIMEOUT_S/,
    );
    expect(server.logs.some((line) => line.msg === "tickwire listening")).toBe(false);
    expect(server.stderr()).toBe("");
  }, 30_000);

  it("listens once Redis comes up within the wait, and then matchmakes", async () => {
    await redis.stop();
    const port = await freePort();
    const server = spawnServer({
      REDIS_URL: redis.url,
      REDIS_CONNECT_TIMEOUT_S: "30",
      PORT: String(port),
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    });
    children.push(server);
    await until(
      () => server.logs.some((line) => line.msg === "waiting for Redis before listening"),
      15_000,
      "the waiting line",
    );
    const upAt = performance.now();
    await redis.restart();
    await until(() => server.logs.some((line) => line.msg === "tickwire listening"), 15_000, "listening");
    console.log(`Redis up during the wait: listening ${(performance.now() - upAt).toFixed(0)} ms later`);
    const address = { port, httpUrl: `http://127.0.0.1:${port}` };
    expect(await health(address)).toMatchObject({ status: "ok", redis: "up" });
    const player = await play(address, "Heidi", "joinOrCreate");
    expect(player.room.roomId).toBeTruthy();
    expect(server.stderr()).toBe("");
  }, 40_000);
});
