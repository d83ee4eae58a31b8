import { Protocol } from "@colyseus/core";
import { describe, expect } from "vitest";
import { TickwireCloseCode } from "../../shared/index.ts";
import { WireClient, UpgradeRefused, matchmake } from "../../colyseus/wireClient.ts";
import { postRaw } from "../helpers/http.ts";
import {
  attackerIp,
  chunkedMatchmake,
  fromIp,
  hostileCase,
  rawAttacker,
  useHostileArena,
  type HostileArena,
} from "./harness.ts";

/**
 * Refusals at the edge (frames, HTTP gate, upgrades) are counted in
 * `tickwire_messages_rejected_total{type,reason}`, read back through
 * `GET /metrics` as an operator would, with labels from a fixed set only.
 * The default origin policy refuses any foreign origin.
 */
const get = useHostileArena();
const FOREIGN = "https://evil.example";

/** Every `tickwire_messages_rejected_total` sample, keyed `type/reason`. */
async function rejections(arena: HostileArena): Promise<Map<string, number>> {
  const response = await fetch(`${arena.ts.httpUrl}/metrics`);
  expect(response.status).toBe(200);
  const counts = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    const match = /^tickwire_messages_rejected_total\{type="([^"]*)",reason="([^"]*)"\} (\S+)$/.exec(line);
    if (match !== null) counts.set(`${match[1]}/${match[2]}`, Number(match[3]));
  }
  return counts;
}

/** What `attack` added to each series. */
async function counted(arena: HostileArena, attack: () => Promise<void>): Promise<Record<string, number>> {
  const before = await rejections(arena);
  await attack();
  const after = await rejections(arena);
  const added: Record<string, number> = {};
  for (const [series, value] of after) {
    const increase = value - (before.get(series) ?? 0);
    if (increase > 0) added[series] = increase;
  }
  return added;
}

describe("edge refusals in /metrics", () => {
  hostileCase(get, "an oversize frame, 17 fragments, a text frame, an empty frame", "one count each", async (arena) => {
    const added = await counted(arena, async () => {
      const oversize = await rawAttacker(arena);
      oversize.send(Buffer.alloc(arena.net.maxPayloadBytes + 1, Protocol.ROOM_DATA));
      expect((await oversize.closed).code).toBe(1009);
      const fragmented = await rawAttacker(arena);
      const fragments = arena.net.maxFragments + 1;
      for (let i = 0; i < fragments; i++) {
        fragmented.ws.send(Buffer.from([Protocol.PING]), { fin: i === fragments - 1, binary: true });
      }
      expect((await fragmented.closed).code).toBe(1008);
      const text = await rawAttacker(arena);
      text.ws.send("hello", { binary: false });
      expect((await text.closed).code).toBe(1003);
      const empty = await rawAttacker(arena);
      empty.send(Buffer.alloc(0));
      expect((await empty.closed).code).toBe(1002);
    });
    expect(added).toEqual({
      "frame/too_large": 1,
      "frame/too_many_fragments": 1,
      "frame/unsupported_data": 1,
      "frame/protocol_error": 1,
    });
  });

  hostileCase(
    get,
    "a flood of 3 × MAX_MESSAGES_PER_S pings at once",
    "dropped frames counted as rate_limited, the 4429 close once",
    async (arena) => {
      const added = await counted(arena, async () => {
        const mallory = await rawAttacker(arena);
        const ping = Buffer.from([Protocol.PING]);
        for (let i = 0; i < 3 * arena.net.maxMessagesPerSecond; i++) mallory.send(ping);
        expect((await mallory.closed).code).toBe(TickwireCloseCode.RateLimited);
      });
      expect(added["frame/rate_kicked"]).toBe(1);
      // All sent within one window: exactly the frames between the rate and twice it (fewer if a window turned).
      expect(added["frame/rate_limited"]).toBeGreaterThanOrEqual(1);
      expect(added["frame/rate_limited"]).toBeLessThanOrEqual(arena.net.maxMessagesPerSecond);
    },
  );

  hostileCase(
    get,
    "a foreign Origin on /Auth/guest, an exhausted budget, a 5000-byte and a chunked matchmaking body",
    "http origin_forbidden, rate_limited, too_large, length_required",
    async (arena) => {
      const added = await counted(arena, async () => {
        expect(
          (await postRaw(arena.ts, "/Auth/guest", { headers: { origin: FOREIGN, ...fromIp(attackerIp()) } })).status,
        ).toBe(403);
        const big = await matchmake(arena.ts, "joinOrCreate", "arena", {
          headers: fromIp(attackerIp()),
          body: JSON.stringify({ pad: "x".repeat(5000) }),
        });
        expect(big.status).toBe(413);
        expect(await chunkedMatchmake(arena)).toBe(411);
        const ip = attackerIp();
        const statuses = await Promise.all(
          Array.from(
            { length: arena.net.httpBurst + 5 },
            async () => (await postRaw(arena.ts, "/auth/guest", { headers: fromIp(ip) })).status,
          ),
        );
        expect(statuses).toContain(429);
      });
      expect(added["http/origin_forbidden"]).toBe(1);
      expect(added["http/too_large"]).toBe(1);
      expect(added["http/length_required"]).toBe(1);
      expect(added["http/rate_limited"]).toBeGreaterThanOrEqual(1);
    },
  );

  hostileCase(get, `a WebSocket upgrade from ${FOREIGN}`, "upgrade origin_forbidden", async (arena) => {
    const added = await counted(arena, async () => {
      const socket = WireClient.connect(`ws://127.0.0.1:${arena.ts.port}/`, {
        origin: FOREIGN,
        ...fromIp(attackerIp()),
      });
      await expect(socket.opened()).rejects.toEqual(new UpgradeRefused(403));
    });
    expect(added).toEqual({ "upgrade/origin_forbidden": 1 });
  });

  hostileCase(
    get,
    "a refused request to a path of its own choosing",
    "the path never becomes a label; every edge label is from the fixed set",
    async (arena) => {
      const marker = `zz${Date.now()}marker`;
      expect(
        (await postRaw(arena.ts, `/auth/${marker}`, { headers: { origin: FOREIGN, ...fromIp(attackerIp()) } })).status,
      ).toBe(403);
      const text = await (await fetch(`${arena.ts.httpUrl}/metrics`)).text();
      expect(text).not.toContain(marker);
      const reasons: Record<string, string[]> = {
        frame: [
          "rate_limited",
          "rate_kicked",
          "protocol_error",
          "unsupported_data",
          "invalid_utf8",
          "too_many_fragments",
          "too_large",
          "unknown_type",
          "internal_error",
          "other",
        ],
        http: ["origin_forbidden", "rate_limited", "too_large", "length_required"],
        upgrade: ["shutting_down", "origin_forbidden", "rate_limited", "too_many_connections"],
      };
      for (const series of (await rejections(arena)).keys()) {
        const [type = "", reason = ""] = series.split("/");
        if (type in reasons) expect(reasons[type]).toContain(reason);
      }
    },
  );
});
