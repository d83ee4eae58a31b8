// Adds waitForInitialState/waitForNextPatch to the SDK's Room (untilPatched uses them); no server runs in this process.
import "@colyseus/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import { MoveInput, type RoomListing } from "../../shared/index.ts";
import { guestClient, Inbox, untilPatched, type ArenaSdkRoom, type ServerAddress } from "../helpers/clients.ts";
import { startClusterProcess, type ClusterProcess } from "../helpers/clusterProcess.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";
import { untilValue } from "../helpers/until.ts";

/**
 * Real server processes (`server/index.ts`) sharing rooms through a real,
 * private redis-server (this file's own, on a free port): matchmaking through
 * one process lands in rooms hosted by another, and the SDK then connects to
 * the hosting process at its PUBLIC_ADDRESS.
 */
let redis: RedisServer;
let a: ClusterProcess;
let b: ClusterProcess;
const joined: ArenaSdkRoom[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const started = await Promise.allSettled([startClusterProcess(redis.url), startClusterProcess(redis.url)]);
  // Whatever started is stopped in afterAll, even if the other did not.
  if (started[0].status === "fulfilled") a = started[0].value;
  if (started[1].status === "fulfilled") b = started[1].value;
  for (const result of started) if (result.status === "rejected") throw result.reason;
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === "fail") {
    for (const p of [a, b]) console.log(p.processId, JSON.stringify(p.server.logs.slice(-30), null, 1));
  }
  await Promise.all(joined.splice(0).map((room) => room.leave()));
  // Empty rooms dispose: the next test starts from a cluster with no rooms.
  for (const p of [a, b])
    await untilValue(
      () => health(p),
      (h) => h.rooms === 0,
      10_000,
      `${p.processId}'s rooms`,
    );
  await untilValue(
    () => listRooms(a),
    (rooms) => rooms.length === 0,
    10_000,
    "the room list",
  );
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

async function health(p: ServerAddress): Promise<Health> {
  return (await (await fetch(`${p.httpUrl}/health`)).json()) as Health;
}

async function listRooms(p: ServerAddress): Promise<RoomListing[]> {
  return (await (await fetch(`${p.httpUrl}/rooms`)).json()) as RoomListing[];
}

interface Player {
  room: ArenaSdkRoom;
  inbox: Inbox;
  /** How long matchmaking plus the connection took (the guest token is fetched before). */
  joinMs: number;
}

/** A guest matchmaking through process `p` (`joinOrCreate`, `create` or `joinById`), until its first state. */
async function play(
  p: ServerAddress,
  name: string,
  how: "joinOrCreate" | "create" | { roomId: string },
): Promise<Player> {
  const { client } = await guestClient(p, name);
  const started = performance.now();
  const room = (how === "joinOrCreate"
    ? await client.joinOrCreate("arena", {})
    : how === "create"
      ? await client.create("arena", {})
      : await client.joinById(how.roomId, {})) as unknown as ArenaSdkRoom;
  joined.push(room);
  const inbox = new Inbox(room);
  await room.waitForInitialState();
  return { room, inbox, joinMs: performance.now() - started };
}

/** The process hosting `roomId` (placement picks the one with the fewest rooms, not the one asked). */
async function hostAndOther(roomId: string): Promise<[ClusterProcess, ClusterProcess]> {
  const listing = (await listRooms(a)).find((room) => room.roomId === roomId);
  if (listing === undefined) throw new Error(`${roomId} is not listed`);
  if (listing.processId === a.processId) return [a, b];
  if (listing.processId === b.processId) return [b, a];
  throw new Error(`${roomId} is hosted by an unknown process ${listing.processId}`);
}

describe("a cluster of two processes on one Redis", () => {
  it("joinOrCreate and joinById through the process that does not host a room land in it (same roomId); /rooms on both lists it", async () => {
    const alice = await play(a, "Alice", "create");
    const roomId = alice.room.roomId;
    const [host, other] = await hostAndOther(roomId);
    expect(host.processId).not.toBe(other.processId);

    const bob = await play(other, "Bob", "joinOrCreate");
    const carol = await play(other, "Carol", { roomId });
    const dave = await play(host, "Dave", { roomId });
    expect([bob.room.roomId, carol.room.roomId, dave.room.roomId]).toEqual([roomId, roomId, roomId]);
    console.log(
      `join latency: joinOrCreate via the other process ${bob.joinMs.toFixed(0)} ms, ` +
        `joinById via the other ${carol.joinMs.toFixed(0)} ms, via the host ${dave.joinMs.toFixed(0)} ms`,
    );

    for (const p of [a, b]) {
      const rooms = await untilValue(
        () => listRooms(p),
        (list) => list.some((room) => room.roomId === roomId && room.clients === 4),
        5000,
        `${p.processId}'s /rooms`,
      );
      expect(rooms).toHaveLength(1);
      expect(rooms[0]).toMatchObject({ roomId, clients: 4, processId: host.processId, locked: false });
    }
  });

  it("two players matched through different processes see each other move and chat", async () => {
    const alice = await play(a, "Alice", "joinOrCreate");
    const bob = await play(b, "Bob", "joinOrCreate");
    expect(bob.room.roomId).toBe(alice.room.roomId);

    // Bob watches Alice walk: her inputs go to the hosting process, his patches come from it.
    const aliceSeenByBob = () => bob.room.state.players.get(alice.room.sessionId);
    await untilPatched(bob.room, () => aliceSeenByBob() !== undefined);
    const startX = aliceSeenByBob()!.x;
    const input = alice.room.input({ type: MoveInput });
    input.data.dx = startX > 800 ? -1 : 1;
    input.data.dy = 0;
    await untilPatched(bob.room, () => {
      input.send();
      return Math.abs(aliceSeenByBob()!.x - startX) >= 10;
    });
    const bobSeenByAlice = alice.room.state.players.get(bob.room.sessionId);
    expect(bobSeenByAlice?.name).toBe("Bob");

    bob.room.send("chat", { text: "hello from b" });
    alice.room.send("chat", { text: "hello from a" });
    const [toAlice, toBob] = await Promise.all([
      alice.inbox.waitFor("chat", (line) => line.kind === "say" && line.text === "hello from b"),
      bob.inbox.waitFor("chat", (line) => line.kind === "say" && line.text === "hello from a"),
    ]);
    expect(toAlice).toMatchObject({ text: "hello from b" });
    expect(toBob).toMatchObject({ text: "hello from a" });
  });

  it("/health on each process names that process and counts only its own rooms and clients", async () => {
    const alice = await play(a, "Alice", "joinOrCreate");
    const bob = await play(b, "Bob", "joinOrCreate");
    expect(bob.room.roomId).toBe(alice.room.roomId);
    const [host, other] = await hostAndOther(alice.room.roomId);

    const hostHealth = await untilValue(
      () => health(host),
      (h) => h.clients === 2,
      5000,
      "the host's clients",
    );
    expect(hostHealth).toMatchObject({
      status: "ok",
      processId: host.processId,
      publicAddress: `127.0.0.1:${host.port}`,
      rooms: 1,
      clients: 2,
    });
    expect(await health(other)).toMatchObject({
      status: "ok",
      processId: other.processId,
      publicAddress: `127.0.0.1:${other.port}`,
      rooms: 0,
      clients: 0,
    });
  });

  it("a process started later joins the cluster: it lists the existing room, joins it by id and matchmakes into it", async () => {
    const alice = await play(a, "Alice", "create");
    const roomId = alice.room.roomId;
    const [host] = await hostAndOther(roomId);
    const startedAt = performance.now();
    const c = await startClusterProcess(redis.url);
    try {
      console.log(`third process: listening ${(performance.now() - startedAt).toFixed(0)} ms after spawn`);
      expect(c.processId).not.toBe(a.processId);
      expect(c.processId).not.toBe(b.processId);
      expect(await listRooms(c)).toEqual([expect.objectContaining({ roomId, processId: host.processId })]);

      const bob = await play(c, "Bob", { roomId });
      const carol = await play(c, "Carol", "joinOrCreate");
      expect([bob.room.roomId, carol.room.roomId]).toEqual([roomId, roomId]);
      await untilPatched(alice.room, () => alice.room.state.players.size === 3);

      expect(await health(c)).toMatchObject({ processId: c.processId, rooms: 0, clients: 0 });
      await untilValue(
        () => health(host),
        (h) => h.clients === 3,
        5000,
        "the host's clients",
      );
    } finally {
      await Promise.all(joined.splice(0).map((room) => room.leave()));
      await c.stop();
    }
    expect(await c.server.exited).toMatchObject({ code: 0 });
  }, 60_000);
});
