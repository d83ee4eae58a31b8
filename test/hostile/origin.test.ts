import { describe, expect } from "vitest";
import { matchmake, RawClient, UpgradeRefused } from "../helpers/rawClient.ts";
import { attackerIp, fromIp, hostileCase, mintToken, seatsHeld, useHostileArena } from "./harness.ts";

/**
 * Origin allow-list, configured as in production: ALLOWED_ORIGINS =
 * https://play.example. (The default policy, same origin plus localhost
 * outside production, is covered by test/unit/originPolicy.test.ts.)
 */
const ALLOWED = "https://play.example";
const FOREIGN = "https://evil.example";
const get = useHostileArena({ net: { allowedOrigins: [ALLOWED] } });

describe("Origin allow-list", () => {
  hostileCase(get, `matchmaking from Origin ${FOREIGN} with a valid token`, "403, no seat", async (arena) => {
    const seatsBefore = await seatsHeld(arena);
    const answer = await matchmake(arena.ts, "joinOrCreate", "arena", {
      token: await mintToken(),
      headers: { origin: FOREIGN, ...fromIp(attackerIp()) },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: "origin_forbidden" });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(await seatsHeld(arena)).toBe(seatsBefore);
  });

  hostileCase(get, `a CORS preflight from ${FOREIGN}`, "403 without Access-Control-Allow-Origin", async (arena) => {
    const response = await fetch(`${arena.ts.httpUrl}/matchmake/joinOrCreate/arena`, {
      method: "OPTIONS",
      headers: { origin: FOREIGN, "access-control-request-method": "POST", ...fromIp(attackerIp()) },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  hostileCase(
    get,
    `a WebSocket upgrade from ${FOREIGN} holding a valid seat reservation`,
    "403; the seat is never taken",
    async (arena) => {
      const ip = attackerIp();
      const seat = await matchmake(arena.ts, "joinById", arena.room.roomId, {
        token: await mintToken(),
        headers: fromIp(ip),
      });
      expect(seat.status).toBe(200);
      const socket = RawClient.connect(RawClient.roomUrl(arena.ts, seat.body), { origin: FOREIGN, ...fromIp(ip) });
      await expect(socket.opened()).rejects.toEqual(new UpgradeRefused(403));
      expect(arena.room.clients.get(seat.body.sessionId)).toBeUndefined();
    },
  );

  hostileCase(get, 'Origin "null" (sandboxed iframe, file://)', "403 on matchmaking and upgrade", async (arena) => {
    const ip = attackerIp();
    const answer = await matchmake(arena.ts, "joinOrCreate", "arena", { headers: { origin: "null", ...fromIp(ip) } });
    expect(answer.status).toBe(403);
    const socket = RawClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, { origin: "null", ...fromIp(ip) });
    await expect(socket.opened()).rejects.toEqual(new UpgradeRefused(403));
  });

  hostileCase(
    get,
    "a localhost page when ALLOWED_ORIGINS is set",
    "403 (the list replaces the default)",
    async (arena) => {
      const answer = await matchmake(arena.ts, "joinOrCreate", "arena", {
        headers: { origin: "http://localhost:5173", ...fromIp(attackerIp()) },
      });
      expect(answer.status).toBe(403);
    },
  );

  hostileCase(
    get,
    `matchmaking and upgrade from the allowed ${ALLOWED}`,
    "joined, and CORS echoes exactly that origin",
    async (arena) => {
      const ip = attackerIp();
      const preflight = await fetch(`${arena.ts.httpUrl}/matchmake/joinById/${arena.room.roomId}`, {
        method: "OPTIONS",
        headers: { origin: ALLOWED, "access-control-request-method": "POST", ...fromIp(ip) },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED);
      const player = await RawClient.join(arena.ts, arena.room.roomId, await mintToken("Pat"), {
        origin: ALLOWED,
        ...fromIp(ip),
      });
      expect(arena.room.clients.get(player.seat?.sessionId ?? "")).toBeDefined();
      player.close();
    },
  );
});
