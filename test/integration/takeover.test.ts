import { Client } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TickwireServer } from "../../server/app.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { guestClient, joinArena, joinWith, untilPatched } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { TcpProxy } from "../helpers/tcpProxy.ts";
import { until } from "../helpers/until.ts";

/**
 * A reload: the page's connection goes without a goodbye (the server holds
 * the seat for RECONNECT_GRACE_S) and the same player, same token, joins
 * again on a new session, because the reconnection token died with the page.
 */
let ts: TestServer;
let proxy: TcpProxy;

beforeAll(async () => {
  // A long grace: without the takeover the held player would outlive the test.
  ts = await startTestServer({ arena: { reconnectGraceSeconds: 120 } });
  proxy = await TcpProxy.start(ts.port);
});
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await proxy.close();
  await ts.close();
});

describe("the same player joining again while their seat is held", () => {
  it("takes over the held seat at once: one player, where the held one stood", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const { identity } = await guestClient(ts, "Alice");
    const viaProxy = new Client<TickwireServer>(`ws://127.0.0.1:${proxy.port}`);
    viaProxy.auth.token = identity.token;
    const before = await joinWith(viaProxy, server.roomId);
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    const held = server.state.players.get(before.room.sessionId);
    if (held === undefined) throw new Error("Alice is not in the room");
    const place = { x: held.x, y: held.y, hue: held.hue };

    // The old page is gone: no reconnection from it.
    before.room.reconnection.enabled = false;
    proxy.drop();
    await until(() => server.state.players.get(before.room.sessionId)?.connected === false, 5000, "seat held");

    const direct = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
    direct.auth.token = identity.token;
    const after = await joinWith(direct, server.roomId);

    await untilPatched(bob.room, () => !bob.room.state.players.has(before.room.sessionId));
    const alices = [...server.state.players.values()].filter((p) => p.id === identity.playerId);
    expect(alices).toHaveLength(1);
    const now = server.state.players.get(after.room.sessionId);
    expect(now?.connected).toBe(true);
    expect(now?.name).toBe("Alice");
    expect({ x: now?.x, y: now?.y, hue: now?.hue }).toEqual(place);
    expect(bob.room.state.players.size).toBe(2);
  });

  it("leaves a second tab of the same player alone while it is connected", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const { identity } = await guestClient(ts, "Carol");
    const tab = (token: string) => {
      const client = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
      client.auth.token = token;
      return joinWith(client, server.roomId);
    };
    const first = await tab(identity.token);
    const second = await tab(identity.token);
    await untilPatched(second.room, () => second.room.state.players.size === 2);
    expect(server.state.players.get(first.room.sessionId)?.connected).toBe(true);
    expect(server.state.players.get(second.room.sessionId)?.connected).toBe(true);
  });
});
