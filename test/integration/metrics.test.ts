import { afterEach, describe, expect, it } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { closed, joinArena } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

async function scrape(server: TestServer): Promise<string> {
  const response = await fetch(`${server.httpUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

/** The value of one sample line, e.g. `tickwire_clients{room="arena"}`. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series}`);
  return Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("exposes clients, rooms, messages (chat:since too), rejections, bytes, tick, patch and event-loop figures", async () => {
    ts = await startTestServer();
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const bob = await joinArena(ts, server.roomId, { name: "Bob" });
    alice.room.send("chat", { text: "hi" });
    alice.room.send("chat", { text: " " });
    await alice.inbox.waitFor("chat:rejected");
    alice.room.send("chat:since", { afterId: 0 });
    await alice.inbox.waitFor("chat:since");
    alice.room.send("chat:since", { afterId: "zero" } as never);
    await alice.inbox.waitFor("error", (error) => error.type === "chat:since");
    const gone = closed(bob.room);
    bob.room.send("nope" as never);
    await gone;
    await server.waitForNextTimestep();
    await alice.room.waitForNextPatch();

    const text = await scrape(ts);
    expect(sample(text, 'tickwire_clients{room="arena"}')).toBe(1);
    expect(sample(text, 'tickwire_rooms{room="arena"}')).toBe(1);
    expect(sample(text, 'tickwire_messages_received_total{type="chat"}')).toBe(2);
    expect(sample(text, 'tickwire_messages_received_total{type="unknown"}')).toBe(1);
    expect(sample(text, 'tickwire_messages_received_total{type="chat:since"}')).toBe(2);
    expect(sample(text, 'tickwire_messages_rejected_total{type="chat:since",reason="invalid_payload"}')).toBe(1);
    expect(sample(text, 'tickwire_messages_rejected_total{type="chat",reason="empty"}')).toBe(1);
    expect(sample(text, 'tickwire_messages_rejected_total{type="unknown",reason="unknown_type"}')).toBe(1);
    expect(sample(text, "tickwire_bytes_sent_total")).toBeGreaterThan(0);
    expect(sample(text, 'tickwire_tick_duration_seconds_count{room="arena"}')).toBeGreaterThan(0);
    expect(sample(text, 'tickwire_patch_duration_seconds_count{room="arena"}')).toBeGreaterThan(0);
    expect(sample(text, 'tickwire_patch_bytes_count{room="arena"}')).toBeGreaterThan(0);
    expect(sample(text, 'tickwire_event_loop_delay_seconds{quantile="0.99"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts inputs, and bytes only grow", async () => {
    ts = await startTestServer();
    const server = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    const alice = await joinArena(ts, server.roomId, { name: "Alice" });
    const before = sample(await scrape(ts), "tickwire_bytes_sent_total");
    const input = alice.room.input();
    for (let i = 0; i < 3; i++) input.send();
    const accessor = server.inputs.get(alice.room.sessionId);
    while (accessor.consumedCount < 3) await server.waitForNextTimestep();
    await alice.room.waitForNextPatch();
    const text = await scrape(ts);
    expect(sample(text, 'tickwire_messages_received_total{type="input"}')).toBe(3);
    expect(sample(text, "tickwire_bytes_sent_total")).toBeGreaterThan(before);
  });

  it("keeps each app's figures on its own registry (a second app starts from zero)", async () => {
    ts = await startTestServer();
    const first = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
    await joinArena(ts, first.roomId, { name: "A" });
    await ts.close();
    ts = await startTestServer();
    const text = await scrape(ts);
    expect(text).not.toContain('tickwire_clients{room="arena"} 1');
    expect(text).toContain("# TYPE tickwire_clients gauge");
  });

  it("with METRICS_TOKEN, answers 401 unless the exact Bearer token is sent", async () => {
    const token = "metrics-token-0123456789abcdef";
    ts = await startTestServer({ metricsToken: token });
    const scrapeWith = (authorization?: string) =>
      fetch(`${ts?.httpUrl}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
    for (const authorization of [undefined, "", "Bearer", `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token]) {
      const refused = await scrapeWith(authorization);
      expect(refused.status, String(authorization)).toBe(401);
      expect(refused.headers.get("www-authenticate")).toContain("Bearer");
      expect(await refused.text()).not.toContain("tickwire_");
    }
    const allowed = await scrapeWith(`Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("# TYPE tickwire_clients gauge");
  });

  it("without METRICS_TOKEN, stays open (the bench scrapes it so)", async () => {
    ts = await startTestServer();
    expect((await fetch(`${ts.httpUrl}/metrics`)).status).toBe(200);
  });
});
