import { request } from "node:http";
import { matchMaker } from "@colyseus/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TokenService } from "../../server/auth/TokenService.ts";
import { defaultConfig } from "../../server/config.ts";
import type { EdgeSettings } from "../../server/net/edgeSettings.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { MoveInput, Role, type ServerMessages } from "../../shared/index.ts";
import { joinArena, untilPatched, type ArenaPlayer } from "../helpers/clients.ts";
import { captureLogs } from "../helpers/logs.ts";
import { WireClient } from "../../colyseus/wireClient.ts";
import { startTestServer, type TestServer, type TestServerOptions } from "../helpers/server.ts";

/**
 * The hostile suite's world: a real server (this process, port 0), one arena
 * room, and two honest SDK players who keep moving and chatting in it while
 * each case attacks. Every case ends by checking that both honest players
 * still receive state patches and each other's chat.
 *
 * Limits are the documented defaults except the heartbeat, shortened so its
 * case runs in about a second (the bound scales with the settings), and chat
 * flood control, lifted (see below). The
 * server trusts X-Forwarded-For from 127.0.0.1, so each case attacks from an
 * address of its own (`attackerIp()`) and per-IP limits never leak between
 * cases or onto the honest players, who connect as 127.0.0.1.
 */
export const SECRET = "hostile-suite-secret-0123456789abcdef";
export const HEARTBEAT = { heartbeatIntervalMs: 300, heartbeatMaxMissed: 2 };

export interface HostileArena {
  ts: TestServer;
  room: ArenaRoom;
  honest: [HonestPlayer, HonestPlayer];
  /** Structured log lines the server wrote (level ≥ debug). */
  logs: LogLine[];
  net: EdgeSettings;
  close(): Promise<void>;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export async function startHostileArena(overrides: TestServerOptions = {}): Promise<HostileArena> {
  const captured = captureLogs("debug");
  const defaults = defaultConfig();
  const net: EdgeSettings = {
    ...defaults.net,
    trustedProxies: ["127.0.0.1"],
    ...HEARTBEAT,
    ...overrides.net,
    cost: { ...defaults.net.cost, ...overrides.net?.cost },
  };
  const ts = await startTestServer({
    ...overrides,
    // The per-IP seat caps at their defaults (the test server lifts them).
    arena: { maxSeatsPerIp: defaults.arena.maxSeatsPerIp, ...overrides.arena },
    world: { maxSeatsPerIp: defaults.world.maxSeatsPerIp, ...overrides.world },
    auth: { secret: SECRET, ...overrides.auth },
    // Chat moderation is not under test here: its flood control would mute the
    // honest players' steady chatter and the per-case probes.
    chat: { rateBurst: 10_000, rateRefillPerSecond: 1000, ...overrides.chat },
    net,
    deps: { logger: captured.logger },
  });
  const room = await ts.colyseus.createRoom<ArenaRoom>("arena", {});
  const honest: [HonestPlayer, HonestPlayer] = [
    new HonestPlayer(await joinArena(ts, room.roomId, { name: "Honest-A" })),
    new HonestPlayer(await joinArena(ts, room.roomId, { name: "Honest-B" })),
  ];
  for (const player of honest) player.start();
  return {
    ts,
    room,
    honest,
    get logs() {
      return captured.lines.map((line) => JSON.parse(line) as LogLine);
    },
    net,
    async close() {
      for (const player of honest) player.stop();
      await ts.close();
    },
  };
}

/**
 * An honest player: sends one movement input per tick (20 Hz), bouncing
 * between the walls, and a chat line every 400 ms.
 */
export class HonestPlayer {
  private timers: NodeJS.Timeout[] = [];
  private chats = 0;

  constructor(readonly player: ArenaPlayer) {}

  get sessionId(): string {
    return this.player.room.sessionId;
  }

  start(): void {
    const input = this.player.room.input({ type: MoveInput });
    let direction = 1;
    this.timers.push(
      setInterval(() => {
        const me = this.player.room.state.players.get(this.sessionId);
        if (me !== undefined && (me.x > 1400 || me.x < 200)) direction = me.x > 1400 ? -1 : 1;
        input.data.dx = direction;
        input.data.dy = 0;
        input.send();
      }, 50),
      setInterval(() => this.player.room.send("chat", { text: `honest chatter ${++this.chats}` }), 400),
    );
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}

let probes = 0;

/**
 * Both honest players still get patches (each sees the other move) and chat
 * (a fresh line from each reaches the other).
 */
/**
 * One shared hostile arena for a test file: started before its cases,
 * closed after them. Returns a getter, since the arena exists only once
 * `beforeAll` has run.
 */
export function useHostileArena(overrides: TestServerOptions = {}): () => HostileArena {
  let arena: HostileArena | undefined;
  beforeAll(async () => {
    arena = await startHostileArena(overrides);
  });
  afterAll(async () => {
    await arena?.close();
  });
  return () => {
    if (arena === undefined) throw new Error("the hostile arena is not started yet");
    return arena;
  };
}

/** Seats the arena's room holds (connected, joining or reserved), as the matchmaker lists them. */
export async function seatsHeld(arena: HostileArena): Promise<number> {
  const [listing] = await matchMaker.query({ roomId: arena.room.roomId });
  return listing?.clients ?? 0;
}

export async function expectHonestPlayersServed(arena: HostileArena): Promise<void> {
  const [a, b] = arena.honest;
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const seen = () => to.player.room.state.players.get(from.sessionId);
    const before = seen()?.x;
    await untilPatched(to.player.room, () => seen() !== undefined && seen()?.x !== before, 40);
    const text = `probe ${++probes} from ${from.player.identity.name}`;
    from.player.room.send("chat", { text });
    await to.player.inbox.waitFor("chat", (line) => line.text === text);
  }
  for (const player of arena.honest) {
    expect(arena.room.state.players.get(player.sessionId)?.connected).toBe(true);
  }
}

/**
 * One hostile case: `input` is what the attacker does, `outcome` what must
 * happen; the test body does both, then the honest players are checked.
 */
export function hostileCase(
  arena: () => HostileArena,
  input: string,
  outcome: string,
  body: (arena: HostileArena) => Promise<void>,
  timeoutMs?: number,
): void {
  it(
    `${input} → ${outcome}`,
    async () => {
      await body(arena());
      await expectHonestPlayersServed(arena());
    },
    timeoutMs,
  );
}

let nextAttacker = 1;

/** A fresh client address for one case (TEST-NET-3, RFC 5737), sent as X-Forwarded-For. */
export function attackerIp(): string {
  const n = nextAttacker++;
  return `203.0.${113 + Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export function fromIp(ip: string): Record<string, string> {
  return { "x-forwarded-for": ip };
}

const tokens = new TokenService({ secret: new TextEncoder().encode(SECRET), ttlSeconds: 3600 });

/** A valid player token, minted locally (no HTTP request, so no request budget spent). */
export async function mintToken(name = "Mallory"): Promise<string> {
  return (await tokens.issue({ playerId: TokenService.newPlayerId(), name, role: Role.Player })).token;
}

/** A raw attacker joined to the arena from `ip`. */
export async function rawAttacker(arena: HostileArena, ip = attackerIp()): Promise<WireClient<ServerMessages>> {
  return WireClient.join<ServerMessages>(arena.ts, arena.room.roomId, await mintToken(), fromIp(ip));
}

/** POST /matchmake with a chunked body (no Content-Length); resolves with the status. */
export function chunkedMatchmake(arena: HostileArena): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: arena.ts.port,
        method: "POST",
        path: "/matchmake/joinOrCreate/arena",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked", ...fromIp(attackerIp()) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.write("{");
    req.end("}");
  });
}
