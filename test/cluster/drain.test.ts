// Adds waitForInitialState to the SDK's Room; no server runs in this process.
import "@colyseus/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROCESS_REGISTRY_KEY, ROOM_CACHE_KEY } from "../../colyseus/clusterRegistration.ts";
import { ServerMessage, type RoomListing } from "../../shared/index.ts";
import { closed, guestClient, Inbox, type ArenaSdkRoom, type ServerAddress } from "../helpers/clients.ts";
import { startClusterProcess, type ClusterProcess } from "../helpers/clusterProcess.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";

/**
 * A deploy: SIGTERM on one of two real processes sharing this file's own
 * redis-server. The draining process tells its players and closes them
 * (4001), places no new seat, and its rooms leave every listing when it exits
 * (by SHUTDOWN_TIMEOUT_S even when a room never finishes disposing: core
 * removes a room's listing before its onDispose, and the process from the
 * registry when the drain begins).
 */
const SHUTDOWN_TIMEOUT_S = 5;
/** Colyseus' close code for a server shutdown (@colyseus/shared-types CloseCode.SERVER_SHUTDOWN). */
const SERVER_SHUTDOWN = 4001;
let redis: RedisServer;
let processes: ClusterProcess[] = [];
const joined: ArenaSdkRoom[] = [];

const ENV = { SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S) };

beforeEach(async () => {
  redis ??= await startRedisServer();
  const started = await Promise.allSettled([startClusterProcess(redis.url, ENV), startClusterProcess(redis.url, ENV)]);
  processes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  for (const result of started) if (result.status === "rejected") throw result.reason;
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const p of processes) console.log(p.processId, JSON.stringify(p.server.logs.slice(-40), null, 1));
  }
  // Rooms of the drained process are closed already (leave() would wait for an answer that never comes).
  await Promise.all(
    joined.splice(0).map(async (room) => (room.connection.isOpen ? room.leave().catch(() => undefined) : undefined)),
  );
  await Promise.all(processes.map((p) => p.stop()));
}, 30_000);

afterAll(async () => {
  await redis?.stop();
});

async function listRooms(p: ServerAddress): Promise<RoomListing[]> {
  return (await (await fetch(`${p.httpUrl}/rooms`)).json()) as RoomListing[];
}

async function play(p: ServerAddress, name: string, how: "create" | "joinOrCreate" | { roomId: string }) {
  const { client } = await guestClient(p, name);
  const room = (how === "create"
    ? await client.create("arena", {})
    : how === "joinOrCreate"
      ? await client.joinOrCreate("arena", {})
      : await client.joinById(how.roomId, {})) as unknown as ArenaSdkRoom;
  joined.push(room);
  const inbox = new Inbox(room);
  const leaves = closed(room);
  await room.waitForInitialState();
  return { room, inbox, leaves };
}

/** The host of `roomId` and the other process. */
async function hostAndOther(roomId: string): Promise<[ClusterProcess, ClusterProcess]> {
  const listing = (await listRooms(processes[0]!)).find((room) => room.roomId === roomId);
  const host = processes.find((p) => p.processId === listing?.processId);
  const other = processes.find((p) => p !== host);
  if (host === undefined || other === undefined) throw new Error(`no host for ${roomId}`);
  return [host, other];
}

describe("SIGTERM on one process of two (a deploy)", () => {
  it("drains: players told and closed 4001; while it drains no new seat is placed on it; exit 0; its rooms leave the listing", async () => {
    const alice = await play(processes[0]!, "Alice", "create");
    const roomId = alice.room.roomId;
    const [host, other] = await hostAndOther(roomId);
    const bob = await play(other, "Bob", { roomId });

    const signalledAt = performance.now();
    host.server.child.kill("SIGTERM");
    // Inside the drain: the first thing a room does is tell its players (onBeforeShutdown), before closing them.
    const notice = await alice.inbox.waitFor(ServerMessage.ServerShutdown);
    expect(notice).toMatchObject({ reason: "SIGTERM" });
    const { client } = await guestClient(other, "Carol");
    const [refusal, ...quickPlays] = await Promise.all([
      client.joinById(roomId, {}).then(
        () => undefined,
        (error: unknown) => error,
      ),
      ...["Dave", "Erin", "Frank"].map((name) => play(other, name, "joinOrCreate")),
    ]);
    // joinById of the draining room through the survivor: a clear refusal, no seat.
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(new RegExp(`room "${roomId}" (is locked|not found)`));
    expect([await alice.leaves, await bob.leaves]).toEqual([SERVER_SHUTDOWN, SERVER_SHUTDOWN]);
    const exit = await host.server.exited;
    const exitMs = performance.now() - signalledAt;
    expect(exit.code).toBe(0);
    // Quick play through the survivor during the drain: rooms on the survivor, never on the draining process.
    const listed = await listRooms(other);
    for (const player of quickPlays) {
      expect(player.room.roomId).not.toBe(roomId);
      expect(listed.find((room) => room.roomId === player.room.roomId)?.processId).toBe(other.processId);
      expect(player.room.connection.isOpen).toBe(true);
    }
    expect(listed.some((room) => room.roomId === roomId)).toBe(false);
    console.log(
      `drain: joinById through the survivor refused with "${(refusal as Error).message}"; ` +
        `3 Quick plays placed on the survivor; exit 0 after ${exitMs.toFixed(0)} ms; its room unlisted at exit`,
    );
  }, 60_000);

  it("a drain with nothing holding it: exit 0 at once, its rooms unlisted, Quick play through the survivor lands on the survivor", async () => {
    const alice = await play(processes[0]!, "Alice", "create");
    const roomId = alice.room.roomId;
    const [host, other] = await hostAndOther(roomId);
    const signalledAt = performance.now();
    host.server.child.kill("SIGTERM");
    expect(await alice.leaves).toBe(SERVER_SHUTDOWN);
    const exit = await host.server.exited;
    const exitMs = performance.now() - signalledAt;
    expect(exit.code).toBe(0);
    expect(host.server.logs.some((line) => line.msg === "shutdown complete")).toBe(true);
    expect((await listRooms(other)).some((room) => room.roomId === roomId)).toBe(false);
    const bob = await play(other, "Bob", "joinOrCreate");
    expect((await listRooms(other)).find((room) => room.roomId === bob.room.roomId)?.processId).toBe(other.processId);
    console.log(`plain drain: exit 0 after ${exitMs.toFixed(0)} ms, room unlisted at exit`);
  }, 60_000);

  it("a drain that cannot finish (a room whose onDispose never settles): exit 0 at SHUTDOWN_TIMEOUT_S, and none of its listings is left in Redis", async () => {
    // A third process with the "hang" room type (test/fixtures/hangingServer.ts); the room is created on it directly.
    const hanging = await startClusterProcess(redis.url, ENV, "test/fixtures/hangingServer.ts");
    processes.push(hanging);
    const { client } = await guestClient(hanging, "Ivan");
    const reservation = await fetch(`${hanging.httpUrl}/matchmake/create/hang`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${client.auth.token}` },
      body: "{}",
    });
    const { roomId } = (await reservation.json()) as { roomId: string; processId: string };
    const direct = new Redis(redis.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
    direct.on("error", () => undefined);
    try {
      const listingsOf = async (processId: string) =>
        Object.values(await direct.hgetall(ROOM_CACHE_KEY)).filter((raw) => raw.includes(`"processId":"${processId}"`));
      const listing = JSON.parse((await direct.hget(ROOM_CACHE_KEY, roomId)) ?? "{}") as { processId?: string };
      // Placement may have put it elsewhere; the test is about the process hosting it.
      const host = processes.find((p) => p.processId === listing.processId)!;
      expect(host).toBe(hanging);
      const signalledAt = performance.now();
      hanging.server.child.kill("SIGTERM");
      const exit = await hanging.server.exited;
      const exitMs = performance.now() - signalledAt;
      expect(exit.code).toBe(0);
      expect(hanging.server.logs.some((line) => line.msg.startsWith("shutdown deadline reached"))).toBe(true);
      expect(await listingsOf(hanging.processId)).toEqual([]);
      expect(await direct.hexists(PROCESS_REGISTRY_KEY, hanging.processId)).toBe(0);
      console.log(
        `drain past its deadline: exit 0 after ${exitMs.toFixed(0)} ms, no listing left (SHUTDOWN_TIMEOUT_S=${SHUTDOWN_TIMEOUT_S})`,
      );
    } finally {
      direct.disconnect();
    }
  }, 60_000);
});
