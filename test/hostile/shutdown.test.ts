import { Client } from "@colyseus/sdk";
import { afterEach, describe, expect, it } from "vitest";
import type { TickwireServer } from "../../server/app.ts";
import type { ServerShutdownNotice } from "../../shared/index.ts";
import { Inbox, type ArenaSdkRoom } from "../helpers/clients.ts";
import { startServerProcess, type ServerProcess } from "../helpers/serverProcess.ts";
import { until } from "../helpers/until.ts";

/**
 * Graceful shutdown of a real server process (`node --import tsx
 * server/index.ts`, PORT=0) receiving SIGTERM with players connected.
 *
 * The in-process honest players of the other files cannot watch this one:
 * here the honest players are the ones being shut down, and the check is
 * that each is told why before its connection closes.
 */
const SECRET = "shutdown-test-secret-0123456789abcdef";
let server: ServerProcess | undefined;

afterEach((context) => {
  if (context.task.result?.state === "fail") console.log(JSON.stringify(server?.logs, null, 1));
  if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL");
  server = undefined;
});

interface Player {
  room: ArenaSdkRoom;
  inbox: Inbox;
  closed: Promise<{ code: number; at: number }>;
}

async function joinAs(port: number, name: string, roomName = "arena"): Promise<Player> {
  const answer = await fetch(`http://127.0.0.1:${port}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const { token } = (await answer.json()) as { token: string };
  const client = new Client<TickwireServer>(`ws://127.0.0.1:${port}`);
  client.auth.token = token;
  const room = (await client.joinOrCreate(roomName as "arena", {})) as unknown as ArenaSdkRoom;
  const inbox = new Inbox(room);
  const closed = new Promise<{ code: number; at: number }>((resolve) =>
    room.onLeave.once((code) => resolve({ code, at: Date.now() })),
  );
  // joinOrCreate resolves before the first state arrives (the fixture's "hang" room has none).
  if (roomName === "arena") await new Promise((resolve) => room.onStateChange.once(resolve));
  return { room, inbox, closed };
}

describe("graceful shutdown", () => {
  it("SIGTERM with two players and an unclaimed seat → both told (server:shutdown) then closed 4001, no new joins, exit 0 well before SHUTDOWN_TIMEOUT_S", async () => {
    server = await startServerProcess("server/index.ts", { AUTH_SECRET: SECRET, SHUTDOWN_TIMEOUT_S: "8" });
    const port = server.port;
    const alice = await joinAs(port, "Alice");
    const bob = await joinAs(port, "Bob");
    // A seat reserved and never claimed: core keeps a room alive for it for 15 s unless shutdown drops it.
    const token = (
      (await (await fetch(`http://127.0.0.1:${port}/auth/guest`, { method: "POST" })).json()) as {
        token: string;
      }
    ).token;
    const seat = await fetch(`http://127.0.0.1:${port}/matchmake/joinOrCreate/arena`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: "{}",
    });
    expect(seat.status).toBe(200);

    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    const notices: ServerShutdownNotice[] = [];
    for (const player of [alice, bob]) {
      const notice = await player.inbox.waitFor("server:shutdown");
      notices.push(notice);
      const closed = await player.closed;
      expect(closed.code).toBe(4001);
      // The notice came before the close, on the same connection.
      expect(player.inbox.received.at(-1)?.type).toBe("server:shutdown");
    }
    expect(notices[0]).toEqual(notices[1]);
    expect(notices[0]?.reason).toBe("SIGTERM");
    expect(notices[0]?.at).toBeGreaterThanOrEqual(signalledAt - 1000);

    // No new joins while it winds down (503 from the matchmaker, or nobody listening any more).
    const late = await fetch(`http://127.0.0.1:${port}/matchmake/joinOrCreate/arena`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: "{}",
    }).then(
      (response) => response.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(late);

    const exit = await server.exited;
    expect(exit.code).toBe(0);
    const tookMs = exit.at - signalledAt;
    console.log(`shutdown: exit 0 ${tookMs} ms after SIGTERM`);
    expect(tookMs).toBeLessThan(5000);
    expect(server.logs.some((l) => l.msg === "shutdown complete")).toBe(true);
  }, 30_000);

  it("SIGTERM while a room's onDispose never settles (SHUTDOWN_TIMEOUT_S 2) → players still told and closed, exit 0 at the deadline", async () => {
    server = await startServerProcess("test/fixtures/hangingServer.ts", {
      AUTH_SECRET: SECRET,
      SHUTDOWN_TIMEOUT_S: "2",
    });
    const alice = await joinAs(server.port, "Alice");
    const stuck = await joinAs(server.port, "Stuck", "hang");
    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    await alice.inbox.waitFor("server:shutdown");
    expect((await alice.closed).code).toBe(4001);
    expect((await stuck.closed).code).toBe(4001);
    const exit = await server.exited;
    const tookMs = exit.at - signalledAt;
    console.log(`shutdown with a hanging room: exit ${exit.code} ${tookMs} ms after SIGTERM`);
    expect(exit.code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(1900);
    expect(tookMs).toBeLessThan(5000);
    await until(() => server?.logs.some((l) => l.msg.startsWith("shutdown deadline reached")) === true, 1000);
  }, 30_000);

  it("SIGINT behaves as SIGTERM → exit 0", async () => {
    server = await startServerProcess("server/index.ts", { AUTH_SECRET: SECRET });
    const alice = await joinAs(server.port, "Alice");
    server.child.kill("SIGINT");
    expect((await alice.inbox.waitFor("server:shutdown")).reason).toBe("SIGINT");
    expect((await alice.closed).code).toBe(4001);
    expect((await server.exited).code).toBe(0);
  }, 30_000);
});
