import { Client, ErrorCode, MatchMakeError } from "@colyseus/sdk";
import type { TickwireServer } from "../../server/app.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "../../server/auth/TokenService.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { AuthFailure, Role, type GuestTokenResponse } from "../../shared/index.ts";
import { guestClient, guestToken, joinArena, joinWith, type ArenaPlayer } from "../helpers/clients.ts";
import { captureLogs } from "../helpers/logs.ts";
import { TcpProxy } from "../helpers/tcpProxy.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { unsignedToken } from "../helpers/tokens.ts";

const SECRET = "integration-test-secret-0123456789abcdef";
const logs = captureLogs("trace");
const logLines = logs.lines;
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({
    auth: { secret: SECRET },
    arena: { maxClients: 2 },
    deps: { logger: logs.logger },
  });
});

/** Everything a player, another player or an operator could read: both sides' state, every message, every log line. */
function published(server: ArenaRoom, players: Array<Pick<ArenaPlayer, "room" | "inbox">>): string {
  return [
    JSON.stringify(server.state.toJSON()),
    ...players.map((p) => JSON.stringify(p.room.state.toJSON())),
    ...players.map((p) => JSON.stringify(p.inbox.received)),
    logLines.join("\n"),
  ].join("\n");
}
afterEach(async () => {
  await ts.colyseus.cleanup();
});
afterAll(async () => {
  await ts.close();
});

const tokensAt = (now: number, secret = SECRET) =>
  new TokenService({ secret: new TextEncoder().encode(secret), ttlSeconds: 60, now: () => now });

async function postGuest(body: string, headers: Record<string, string> = {}) {
  return fetch(`${ts.httpUrl}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/** Attempt a join with `token` and return how it was refused. */
async function refusal(roomId: string, token: string | undefined): Promise<{ code: number; message: string }> {
  const client = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
  if (token !== undefined) client.auth.token = token;
  try {
    await client.joinById(roomId, {});
  } catch (error) {
    if (error instanceof MatchMakeError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("join was accepted");
}

describe("POST /auth/guest", () => {
  it("issues a player token with the sanitised name", async () => {
    const response = await postGuest(JSON.stringify({ name: "  Zo\u200Bë\u0007  " }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as GuestTokenResponse;
    expect(body).toMatchObject({ name: "Zoë", role: Role.Player });
    expect(body.playerId).toMatch(/^p_/);
    expect(body.expiresAt).toBeGreaterThan(Date.now());
    expect(await tokensAt(Date.now()).verify(body.token)).toEqual({
      playerId: body.playerId,
      name: "Zoë",
      role: "player",
    });
  });

  it("generates a name when none is usable", async () => {
    expect((await guestToken(ts)).name).toMatch(/^Player-[0-9A-F]{4}$/);
    expect((await guestToken(ts, "\u200B\u3164")).name).toMatch(/^Player-[0-9A-F]{4}$/);
  });

  it("keeps the player id when renewing with the renewal token, rotating it, never the role", async () => {
    const first = (await (await postGuest(JSON.stringify({ name: "Old" }))).json()) as GuestTokenResponse;
    const renew = async (renewToken: string, name: string) =>
      (await (
        await postGuest(JSON.stringify({ name }), { authorization: `Bearer ${renewToken}` })
      ).json()) as GuestTokenResponse;
    const second = await renew(first.renewToken, "New");
    expect(second).toMatchObject({ playerId: first.playerId, name: "New", role: Role.Player });
    expect(second.renewToken).not.toBe(first.renewToken);
    expect(second.token).not.toBe(first.token);
    // The rotated one renews too.
    expect((await renew(second.renewToken, "Newer")).playerId).toBe(first.playerId);
  });

  it("gives a new id for an access token as Bearer, valid or expired, whatever its role", async () => {
    const fresh = await guestToken(ts, "Victim");
    const old = await tokensAt(Date.now() - 3600_000).issue({
      playerId: "p_returning",
      name: "Old",
      role: Role.Moderator,
    });
    for (const token of [fresh.token, old.token]) {
      const body = (await (
        await postGuest(JSON.stringify({ name: "Thief" }), { authorization: `Bearer ${token}` })
      ).json()) as GuestTokenResponse;
      expect(body.playerId).toMatch(/^p_/);
      expect([fresh.playerId, "p_returning"]).not.toContain(body.playerId);
      expect(body.role).toBe(Role.Player);
    }
  });

  it("gives a new id for an expired renewal token", async () => {
    const DAY_MS = 24 * 3600_000;
    const stale = await tokensAt(Date.now() - 31 * DAY_MS).issueRenewal("p_returning");
    expect(stale.expiresAt).toBeLessThan(Date.now());
    const body = (await (
      await postGuest("{}", { authorization: `Bearer ${stale.renewToken}` })
    ).json()) as GuestTokenResponse;
    expect(body.playerId).not.toBe("p_returning");
  });

  it("gives a new id when the renewal token is not ours", async () => {
    const foreign = await tokensAt(Date.now(), "f".repeat(40)).issueRenewal("p_forged");
    const body = (await (
      await postGuest("{}", { authorization: `Bearer ${foreign.renewToken}` })
    ).json()) as GuestTokenResponse;
    expect(body.playerId).not.toBe("p_forged");
  });

  it.each([
    ["malformed JSON", "{name:", 400, "invalid_body"],
    ["a wrong type", JSON.stringify({ name: 5 }), 400, "invalid_body"],
    ["unknown fields", JSON.stringify({ name: "A", role: "admin" }), 400, "invalid_body"],
    ["an oversize body", JSON.stringify({ name: "x".repeat(5000) }), 413, "too_large"],
  ])("answers %s with %i JSON", async (_label, body, status, error) => {
    const response = await postGuest(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });
});

describe("joining requires a valid token", () => {
  it("refuses missing, expired, foreign, alg:none and renewal tokens with a clear code, holding no seat", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const { renewToken } = await guestToken(ts, "R");
    const expired = (await tokensAt(Date.now() - 120_000).issue({ playerId: "p_e", name: "E", role: "player" })).token;
    const foreign = (await tokensAt(Date.now(), "f".repeat(40)).issue({ playerId: "p_f", name: "F", role: "admin" }))
      .token;
    const cases: Array<[string | undefined, string]> = [
      [undefined, AuthFailure.Missing],
      [expired, AuthFailure.Expired],
      [foreign, AuthFailure.Invalid],
      [unsignedToken(Date.now()), AuthFailure.Algorithm],
      ["garbage", AuthFailure.Invalid],
      [renewToken, AuthFailure.Invalid],
    ];
    for (const [token, expected] of cases) {
      expect(await refusal(server.roomId, token)).toEqual({ code: ErrorCode.AUTH_FAILED, message: expected });
    }
    // maxClients is 2 here: if any refusal had kept a seat, these joins would not both fit.
    expect(server.clients.length).toBe(0);
    const a = await joinArena(ts, server.roomId, { name: "A" });
    const b = await joinArena(ts, server.roomId, { name: "B" });
    expect(server.clients.length).toBe(2);
    expect(new Set([a.room.roomId, b.room.roomId])).toEqual(new Set([server.roomId]));
  });

  it("takes name, id and role from the token, not from join options", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const { client, identity } = await guestClient(ts, "Honest");
    const { room } = await joinWith(client, server.roomId, { name: "Admin" });
    const player = server.state.players.get(room.sessionId);
    expect({ id: player?.id, name: player?.name, role: player?.role }).toEqual({
      id: identity.playerId,
      name: "Honest",
      role: "player",
    });
    expect(room.state.players.get(room.sessionId)?.name).toBe("Honest");
  });

  it("never puts tokens in state, broadcasts or logs", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    alice.room.send("chat", { text: "hello" });
    await bob.inbox.waitFor("chat");
    const secrets = [
      alice.identity.token,
      alice.identity.renewToken,
      bob.identity.token,
      bob.identity.renewToken,
      alice.room.reconnectionToken,
      bob.room.reconnectionToken,
      SECRET,
    ];
    const everything = published(server, [alice, bob]);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
    }
  });

  it("never puts reconnection tokens in state, broadcasts or logs, across a dropped connection", async () => {
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const proxy = await TcpProxy.start(ts.port);
    try {
      const { identity } = await guestClient(ts, "Alice");
      const client = new Client<TickwireServer>(`ws://127.0.0.1:${proxy.port}`);
      client.auth.token = identity.token;
      const alice = await joinWith(client, server.roomId);
      const bob = await joinArena(ts, server.roomId, { name: "Bob" });
      alice.room.reconnection.minUptime = 0;
      const before = alice.room.reconnectionToken;
      const reconnected = new Promise<void>((resolve) => alice.room.onReconnect.once(() => resolve()));
      proxy.drop();
      await reconnected;
      const after = alice.room.reconnectionToken;
      expect(after).not.toBe(before);
      alice.room.send("chat", { text: "back" });
      await bob.inbox.waitFor("chat", (l) => l.text === "back");
      const everything = published(server, [alice, bob]);
      for (const token of [before, after, bob.room.reconnectionToken]) {
        const secret = token.split(":")[1] ?? "";
        expect(secret.length).toBeGreaterThan(8);
        expect(everything).not.toContain(secret);
      }
    } finally {
      await proxy.close();
    }
  });
});
