import { Room, matchMaker, type AuthContext, type Client } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatedHttpServer } from "../../colyseus/httpServerGate.ts";
import { matchmakeClientKey } from "../../colyseus/matchmakeContext.ts";
import { guardSeatReservations, type HeldSeat } from "../../colyseus/roomInternals.ts";
import { matchmake, WireClient } from "../../colyseus/wireClient.ts";
import { until } from "../helpers/until.ts";
import type { MatchmakeAdmitted } from "../../server/net/httpAdmission.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for the seat limits' reaches (colyseus/matchmakeContext.ts,
 * httpServerGate.ts watchAnswer, roomInternals.ts guardSeatReservations)
 * against a bare Colyseus server behind the gate: core calls the static
 * `onAuth` inside the matchmaking request's async chain, answers a seat with
 * a 200 JSON body naming its sessionId, and treats `_reserveSeat` answering
 * false as a full room. Through the app: test/hostile/seats.test.ts.
 */
const answers: Array<{ status: number; body: string }> = [];
const keysSeenByOnAuth: Array<string | undefined> = [];
let guardSaw: unknown[][] = [];
let heldSaw: HeldSeat[][] = [];
let seatsPerRoom = Infinity;

class KeyedRoom extends Room {
  static override async onAuth(_token: string, _options: unknown, _context: AuthContext) {
    // After an await, as the real onAuth verifies a token first.
    await Promise.resolve();
    const clientKey = matchmakeClientKey();
    keysSeenByOnAuth.push(clientKey);
    return { clientKey };
  }

  override onDrop(client: Client): void {
    this.allowReconnection(client, 20).catch(() => undefined);
  }

  override onCreate(): void {
    guardSeatReservations(this, (_auth, held) => {
      guardSaw.push(held.map((seat) => seat.auth));
      heldSaw.push(held);
      return held.length < seatsPerRoom;
    });
  }
}

let mini: MiniServer;
beforeAll(async () => {
  const gated = createGatedHttpServer((head) => {
    if (!(head.url ?? "").startsWith("/matchmake/")) return undefined;
    return {
      clientKey: `key-of-${head.headers["x-test-client"] as string}`,
      answered: (status, body) => answers.push({ status, body }),
    } satisfies MatchmakeAdmitted;
  });
  mini = await startMiniServer(gated);
  matchMaker.defineRoomType("keyed", KeyedRoom);
});
afterAll(() => mini.close());

describe("matchmakeContext + watchAnswer: the gate's client address reaches onAuth, the answer reaches the gate", () => {
  it("onAuth sees the address of its own request, also for concurrent requests", async () => {
    keysSeenByOnAuth.length = 0;
    answers.length = 0;
    const results = await Promise.all(
      ["a", "b", "c"].map((client) =>
        matchmake(mini.httpUrl, "joinOrCreate", "keyed", { token: "t", headers: { "x-test-client": client } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect([...keysSeenByOnAuth].sort()).toEqual(["key-of-a", "key-of-b", "key-of-c"]);
    // Outside a request there is no address.
    expect(matchmakeClientKey()).toBeUndefined();
    // The gate was told each answer: status 200 and the reservation's JSON with its sessionId.
    expect(answers).toHaveLength(3);
    const sessionIds = answers.map((answer) => (JSON.parse(answer.body) as { sessionId: string }).sessionId);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(sessionIds.sort()).toEqual(results.map((r) => r.body.sessionId).sort());
  });
});

describe("guardSeatReservations: the guard sees every seat's auth data; false is core's full room", () => {
  it("held lists the reserved seats' auth data, and a refusal reserves nothing and answers an error", async () => {
    seatsPerRoom = 2;
    guardSaw = [];
    answers.length = 0;
    const { roomId } = await matchMaker.createRoom("keyed", {});
    const room = matchMaker.getLocalRoomById(roomId) as unknown as { _reservedSeats: Record<string, unknown> };
    const first = await matchmake(mini.httpUrl, "joinById", roomId, { token: "t", headers: { "x-test-client": "a" } });
    const second = await matchmake(mini.httpUrl, "joinById", roomId, { token: "t", headers: { "x-test-client": "b" } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(guardSaw[1]).toEqual([{ clientKey: "key-of-a" }]);
    const refused = await matchmake(mini.httpUrl, "joinById", roomId, {
      token: "t",
      headers: { "x-test-client": "c" },
    });
    expect(guardSaw[2]).toEqual([{ clientKey: "key-of-a" }, { clientKey: "key-of-b" }]);
    expect(refused.status).not.toBe(200);
    expect(refused.body.error).toMatch(/full/);
    expect(Object.keys(room._reservedSeats).sort()).toEqual([first.body.sessionId, second.body.sessionId].sort());
    // The gate is told it was not a seat.
    expect(answers.at(-1)?.status).toBe(refused.status);
    console.log(`seats wall: a guarded refusal answers ${refused.status} ${JSON.stringify(refused.body)}`);
  });

  it("a dropped client's reconnection seat is seen as awaiting reconnection, and reconnecting is never guarded", async () => {
    seatsPerRoom = Infinity;
    heldSaw = [];
    const { roomId } = await matchMaker.createRoom("keyed", {});
    const headers = { "x-test-client": "a" };
    const first = await WireClient.join(mini.httpUrl, roomId, "t", headers);
    first.ws.terminate();
    const room = matchMaker.getLocalRoomById(roomId) as unknown as { _reservedSeats: Record<string, unknown[]> };
    await until(() => room._reservedSeats[first.seat!.sessionId]?.[3] === true, 5_000, "the reconnection seat");
    const next = await matchmake(mini.httpUrl, "joinById", roomId, { token: "t", headers });
    expect(next.status).toBe(200);
    expect(heldSaw.at(-1)).toEqual([{ auth: { clientKey: "key-of-a" }, awaitingReconnection: true }]);
    // With the guard refusing everything, the dropped client still gets its own seat back.
    seatsPerRoom = 0;
    const calls = heldSaw.length;
    const back = await WireClient.reconnect(mini.httpUrl, first, headers);
    expect(heldSaw.length).toBe(calls);
    back.close();
  });
});
