import { matchMaker } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PROCESS_REGISTRY_KEY,
  ROOM_CACHE_KEY,
  presenceSubscriber,
  reRegisterProcess,
} from "../../colyseus/clusterRegistration.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for colyseus/clusterRegistration.ts against a bare Colyseus server on
 * the real RedisPresence and RedisDriver and a private redis-server: the
 * presence's subscriber connection, Colyseus' key names, and re-registration
 * after Redis forgot everything. Through the whole app: test/cluster/redis-faults.test.ts.
 */
let redis: RedisServer;
let mini: MiniServer;
let presence: RedisPresence;
let direct: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  presence = new RedisPresence(new Redis(redis.url));
  mini = await startMiniServer(undefined, { presence, driver: new RedisDriver(new Redis(redis.url)) });
  direct = new Redis(redis.url);
}, 30_000);

afterAll(async () => {
  direct?.disconnect();
  await mini?.close();
  await redis?.stop();
});

describe("colyseus/clusterRegistration.ts", () => {
  it("presenceSubscriber: the presence's own subscriber connection, subscribed to this process' channel", async () => {
    const sub = presenceSubscriber(presence) as Redis;
    expect(sub).toBeInstanceOf(Redis);
    expect(sub.status).toBe("ready");
    expect(await direct.pubsub("CHANNELS", "p:*")).toContain(`p:${matchMaker.processId}`);
  });

  it("Colyseus keeps listings in `roomcaches` and the process in `roomcount`; reRegisterProcess writes both again after a FLUSHALL", async () => {
    const listing = await matchMaker.createRoom("pin", {});
    expect(JSON.parse((await direct.hget(ROOM_CACHE_KEY, listing.roomId))!)).toMatchObject({
      roomId: listing.roomId,
      processId: matchMaker.processId,
    });
    expect(await direct.hexists(PROCESS_REGISTRY_KEY, matchMaker.processId)).toBe(1);

    await direct.flushall();
    expect(await reRegisterProcess()).toEqual({ relisted: 1, unlisted: 0 });
    expect(await direct.hget(ROOM_CACHE_KEY, listing.roomId)).not.toBeNull();
    expect(await direct.hget(PROCESS_REGISTRY_KEY, matchMaker.processId)).toBe("1,0");
  });

  it("reRegisterProcess removes a listing naming this process for a room it does not host", async () => {
    const ghost = { roomId: "ghost0001", name: "pin", processId: matchMaker.processId, clients: 0, maxClients: 10 };
    await direct.hset(ROOM_CACHE_KEY, ghost.roomId, JSON.stringify(ghost));
    expect(await reRegisterProcess()).toEqual({ relisted: 0, unlisted: 1 });
    expect(await direct.hget(ROOM_CACHE_KEY, ghost.roomId)).toBeNull();
  });
});
