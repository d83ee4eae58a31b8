import { matchMaker } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribedProcessIds } from "../../colyseus/processChannels.ts";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.ts";
import { untilValue } from "../helpers/until.ts";

/**
 * Pin for colyseus/processChannels.ts: a matchmaker on Redis presence is
 * subscribed to its process channel once it accepts, under the name the wall
 * reads, and is no longer once it shut down. (The kill -9 case, where Redis
 * drops the subscription with the socket: test/cluster/crash.test.ts.)
 */
let redis: RedisServer;
let presence: RedisPresence;

beforeAll(async () => {
  redis = await startRedisServer();
  presence = new RedisPresence(redis.url);
  await matchMaker.setup(presence, new RedisDriver(redis.url));
  await matchMaker.accept();
});

afterAll(async () => {
  presence?.shutdown();
  await redis?.stop();
});

describe("the process channels core subscribes", () => {
  it("lists this matchmaker's processId while it accepts, and not after its shutdown", async () => {
    expect(matchMaker.processId).toMatch(/\S/);
    expect(await subscribedProcessIds(presence)).toEqual(new Set([matchMaker.processId]));
    await matchMaker.gracefullyShutdown();
    await untilValue(
      () => subscribedProcessIds(presence),
      (ids) => !ids.has(matchMaker.processId),
      5000,
      "the process channel after shutdown",
    );
  });
});
