import { createServer } from "node:http";
import type { Client } from "@colyseus/core";
import { CloseCode, Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stopReconnecting } from "../../colyseus/sdkReconnection.ts";
import { hooks, startMiniServer, type MiniServer, type PinRoom } from "./miniServer.ts";

/**
 * Pins colyseus/sdkReconnection.ts against a bare Colyseus server and the
 * real SDK: what happens to a retry the SDK has already scheduled when the
 * client gives up on the room. Each WebSocket the SDK opens is an HTTP
 * upgrade on the server, counted here.
 */
const httpServer = createServer();
let upgrades = 0;
httpServer.on("upgrade", () => upgrades++);
let mini: MiniServer;
beforeAll(async () => {
  mini = await startMiniServer(httpServer);
});
afterAll(() => mini.close());
afterEach(() => {
  for (const key of Object.keys(hooks) as Array<keyof typeof hooks>) delete hooks[key];
});

type PinSdkRoom = SdkRoom<PinRoom, { ticks: number }>;

/**
 * Join, cut the connection from the server's side (no close frame: 1006, which
 * the SDK retries), and run `giveUp` once the SDK has scheduled its first
 * retry. Resolves with the SDK's leave code and the upgrades after the join.
 */
async function dropAndGiveUp(giveUp: (room: PinSdkRoom) => void): Promise<{ code: number; upgrades: number }> {
  let serverClient: Client | undefined;
  hooks.onJoin = (_room, client) => (serverClient = client);
  const room = (await new SdkClient(mini.wsUrl).joinOrCreate("pin", {})) as unknown as PinSdkRoom;
  await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
  room.reconnection.minUptime = 0;
  const upgradesAtJoin = upgrades;
  const left = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
  // onDrop runs just before the SDK schedules the retry (200 ms away): give up right after.
  room.onDrop(() => setTimeout(() => giveUp(room), 0));
  (serverClient!.ref as unknown as { terminate(): void }).terminate();
  const code = await left;
  return { code, upgrades: upgrades - upgradesAtJoin };
}

describe("sdkReconnection: a retry the SDK already scheduled", () => {
  it("upstream: turning reconnection off does not cancel it (one more socket is opened)", async () => {
    const { upgrades } = await dropAndGiveUp((room) => {
      room.reconnection.enabled = false;
      room.reconnection.maxRetries = 0;
    });
    expect(upgrades).toBe(1);
  });

  it("stopReconnecting: the SDK ends the room with FAILED_TO_RECONNECT and opens no socket", async () => {
    const result = await dropAndGiveUp(stopReconnecting);
    expect(result).toEqual({ code: CloseCode.FAILED_TO_RECONNECT, upgrades: 0 });
  });
});
