import { describe, expect } from "vitest";
import { matchmake, WireClient, UpgradeRefused } from "../../colyseus/wireClient.ts";
import { postRaw } from "../helpers/http.ts";
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
      const socket = WireClient.connect(WireClient.roomUrl(arena.ts, seat.body), { origin: FOREIGN, ...fromIp(ip) });
      await expect(socket.opened()).rejects.toEqual(new UpgradeRefused(403));
      expect(arena.room.clients.get(seat.body.sessionId)).toBeUndefined();
    },
  );

  hostileCase(get, 'Origin "null" (sandboxed iframe, file://)', "403 on matchmaking and upgrade", async (arena) => {
    const ip = attackerIp();
    const answer = await matchmake(arena.ts, "joinOrCreate", "arena", { headers: { origin: "null", ...fromIp(ip) } });
    expect(answer.status).toBe(403);
    const socket = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, { origin: "null", ...fromIp(ip) });
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
      const player = await WireClient.join(arena.ts, arena.room.roomId, await mintToken("Pat"), {
        origin: ALLOWED,
        ...fromIp(ip),
      });
      expect(arena.room.clients.get(player.seat?.sessionId ?? "")).toBeDefined();
      player.close();
    },
  );

  // Spellings Express routes to POST /auth/guest (it matches case-insensitively,
  // reads absolute-form targets, ignores one trailing slash) and spellings
  // Colyseus' matchmaking router accepts (the method segment is case-insensitive).
  const GUEST_SPELLINGS = ["/Auth/guest", "/AUTH/GUEST", "http://x/auth/guest", "http://x/Auth/guest", "/auth/guest/"];
  const MATCHMAKE_SPELLINGS = ["/matchmake/JOINORCREATE/arena", "/matchmake/joinOrCreate/arena?x=1"];
  // Spellings no router serves today, gated anyway so that a router upgrade cannot open a way round.
  const UNROUTED_SPELLINGS = [
    "/MATCHMAKE/joinOrCreate/arena",
    "http://x/matchmake/joinOrCreate/arena",
    "//matchmake/joinOrCreate/arena",
    "/%6datchmake/joinOrCreate/arena",
    "//auth/guest",
    "/auth//guest",
    "/%61uth/guest",
    "/x/../auth/guest",
  ];

  hostileCase(
    get,
    `POST ${GUEST_SPELLINGS.join(", ")} from ${FOREIGN}`,
    "403 and no token for each (without Origin each spelling does reach the guest route)",
    async (arena) => {
      for (const target of GUEST_SPELLINGS) {
        const ip = attackerIp();
        const honest = await postRaw(arena.ts, target, { headers: fromIp(ip) });
        expect(honest.status, target).toBe(200);
        expect(typeof honest.body.token, target).toBe("string");
        const forbidden = await postRaw(arena.ts, target, { headers: { origin: FOREIGN, ...fromIp(ip) } });
        expect(forbidden.status, target).toBe(403);
        expect(forbidden.body, target).toEqual({ error: "origin_forbidden" });
      }
    },
  );

  hostileCase(
    get,
    `matchmaking as ${MATCHMAKE_SPELLINGS.join(", ")} from ${FOREIGN} with a valid token`,
    "403 and no seat for each (without Origin each reaches the matchmaker)",
    async (arena) => {
      const seatsBefore = await seatsHeld(arena);
      for (const target of MATCHMAKE_SPELLINGS) {
        const ip = attackerIp();
        // No token: the matchmaker itself refuses (a 52x code, not express' 404), so the route was reached.
        const reached = await postRaw(arena.ts, target, { headers: fromIp(ip) });
        expect(reached.status, target).toBeGreaterThanOrEqual(520);
        const forbidden = await postRaw(arena.ts, target, {
          headers: { origin: FOREIGN, authorization: `Bearer ${await mintToken()}`, ...fromIp(ip) },
        });
        expect(forbidden.status, target).toBe(403);
      }
      expect(await seatsHeld(arena)).toBe(seatsBefore);
    },
  );

  hostileCase(
    get,
    `${UNROUTED_SPELLINGS.length} other spellings of /auth and /matchmake (//, %61, ../, upper case) from ${FOREIGN}`,
    "403 for each",
    async (arena) => {
      for (const target of UNROUTED_SPELLINGS) {
        const answer = await postRaw(arena.ts, target, { headers: { origin: FOREIGN, ...fromIp(attackerIp()) } });
        expect(answer.status, target).toBe(403);
      }
    },
  );
});
