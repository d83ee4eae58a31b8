import { connect } from "node:net";
import { matchMaker, Protocol } from "@colyseus/core";
import { describe, expect } from "vitest";
import { WebSocket } from "ws";
import { attackerIp, fromIp, hostileCase, useHostileArena, type HostileArena, type LogLine } from "./harness.ts";

/**
 * WebSocket upgrades to paths that name no room seat. The SDK only ever
 * connects to `/<processId>/<roomId>?sessionId=…` and, for
 * `Client#getLatency()`, to `/`; everything else is refused at the upgrade
 * with a bare 404 (server/net/upgradeTarget.ts), so no
 * WebSocket exists, nothing reaches Colyseus' room lookup, and nothing is
 * logged above debug. A well-formed path that names no live seat gets
 * Colyseus' own typed answer (error 4212, close 4002), without a log line
 * above debug either.
 */
const get = useHostileArena();

/** What a client learns about the server's insides: stacks, file names, JS error names, the framework. */
const INTERNALS = /\bat \S+ \(|\.m?[jt]s\b|node_modules|Error\b|hasReservedSeat|is not a function|colyseus|express/i;

type Outcome =
  | { kind: "refused"; status: number; body: string }
  | { kind: "closed"; code: number; reason: string; frames: string[] };

/** Open a WebSocket to `path` from a fresh address; resolves with the HTTP refusal or the close (and any frames). */
function probe(arena: HostileArena, path: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${arena.ts.port}${path}`, { headers: fromIp(attackerIp()) });
    const frames: string[] = [];
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ kind: "refused", status: res.statusCode ?? 0, body }));
    });
    ws.on("message", (data: Buffer) => frames.push(data.toString("latin1")));
    // A socket the server keeps open must still say something: Colyseus' latency socket echoes pings.
    ws.on("open", () => ws.send(Buffer.from([10])));
    ws.on("close", (code, reason) => resolve({ kind: "closed", code, reason: reason.toString(), frames }));
    ws.on("error", (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** An upgrade with a raw request target (what `new WebSocket(url)` cannot send); resolves with the whole answer. */
function rawUpgrade(arena: HostileArena, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(arena.ts.port, "127.0.0.1", () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
          `X-Forwarded-For: ${attackerIp()}\r\n\r\n`,
      ),
    );
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
      // A refusal ends the socket; an accepted upgrade is answered with frames and a close: enough to judge.
      if (answer.startsWith("HTTP/1.1 101") && answer.length > 200) socket.destroy();
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** Log lines an attacker must never cause: error level or above, or anything carrying a stack. */
function faultLines(lines: LogLine[]): LogLine[] {
  return lines.filter((line) => line.level >= 50 || line.err !== undefined || /\n\s+at /.test(line.msg));
}

/** Run `body` and return the fault lines logged meanwhile. */
async function faultsDuring(arena: HostileArena, body: () => Promise<void>): Promise<LogLine[]> {
  const before = arena.logs.length;
  await body();
  return faultLines(arena.logs.slice(before));
}

/** `{pid}` is this process' id and `{room}` the arena's room id, filled in when the case runs. */
const REFUSED_PATHS: Array<[string, string]> = [
  ["one segment", "/x"],
  ["three segments", "/a/b/c"],
  ["three segments with a sessionId", "/a/b/c?sessionId=abc"],
  ["the process id and a name that is no room, no sessionId", "/{pid}/not-a-room"],
  ["an encoded traversal", "/..%2f.."],
  ["matchmaking", "/matchmake/x"],
  ["a 4000-character path", `/${"a".repeat(4000)}`],
  ["a 4000-character room id with a sessionId", `/{pid}/${"r".repeat(4000)}?sessionId=abc`],
  ["a real room id without a sessionId (no seat)", "/{pid}/{room}"],
  ["a real room id with an empty sessionId", "/{pid}/{room}?sessionId="],
  ["a real room id with a sessionId that is a path", "/{pid}/{room}?sessionId=../../etc"],
  ["a sessionId alone", "/?sessionId=abc"],
  ["/__proto__/constructor", "/__proto__/constructor"],
  ["/__proto__/constructor with a sessionId", "/__proto__/constructor?sessionId=abc"],
  ["an Object.prototype method as room id", "/{pid}/toString?sessionId=abc"],
  ["an Object.prototype method as room id, reconnecting", "/{pid}/hasOwnProperty?sessionId=a&reconnectionToken=b"],
];

describe("WebSocket paths that name no room seat", () => {
  for (const [what, template] of REFUSED_PATHS) {
    hostileCase(
      get,
      `an upgrade to ${what} (${template.length > 60 ? `${template.slice(0, 40)}…` : template})`,
      "a bare 404 before any WebSocket; no stack, no internal message, nothing logged above debug",
      async (arena) => {
        const path = template.replace("{pid}", matchMaker.processId).replace("{room}", arena.room.roomId);
        let outcome: Outcome | undefined;
        const faults = await faultsDuring(arena, async () => {
          outcome = await probe(arena, path);
        });
        expect(faults.map((line) => line.msg.split("\n")[0])).toEqual([]);
        expect(outcome).toEqual({ kind: "refused", status: 404, body: "not found" });
      },
    );
  }

  hostileCase(
    get,
    "an upgrade to / (the SDK's latency check), sending a frame",
    "at most a one-byte PING back, then close 1000 with no reason; nothing logged above debug",
    async (arena) => {
      let outcome: Outcome | undefined;
      const faults = await faultsDuring(arena, async () => {
        outcome = await probe(arena, "/");
      });
      expect(faults).toEqual([]);
      // Colyseus closes this socket 1 s after the connection whatever happens (ws-transport onConnection); on a
      // loaded machine our frame can arrive after that, so the PING echo may be missing. What must hold either way:
      // a clean 1000 with no reason, and nothing but PINGs on the wire.
      expect(outcome).toMatchObject({ kind: "closed", code: 1000, reason: "" });
      const frames = outcome?.kind === "closed" ? outcome.frames : [];
      expect(frames.length).toBeLessThanOrEqual(1);
      for (const frame of frames) expect(frame).toBe(String.fromCharCode(Protocol.PING));
    },
  );

  hostileCase(
    get,
    "an absolute-form upgrade target (GET http://x/<processId>/<roomId>?sessionId=…)",
    "a bare 404, nothing logged above debug",
    async (arena) => {
      let answer = "";
      const faults = await faultsDuring(arena, async () => {
        answer = await rawUpgrade(arena, `http://x/${matchMaker.processId}/${arena.room.roomId}?sessionId=abc`);
      });
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 404 Not Found");
      expect(answer.split("\r\n\r\n")[1]).toBe("not found");
      expect(faults).toEqual([]);
    },
  );

  hostileCase(
    get,
    "a well-formed path naming no live seat (a room that does not exist, a real room with a made-up sessionId or reconnection token)",
    "Colyseus' typed refusal (error 4212, close 4002 / 4003) with no internals, nothing logged above debug",
    async (arena) => {
      const processId = matchMaker.processId;
      for (const [path, code] of [
        [`/${processId}/noSuchRoom?sessionId=abc`, 4002],
        [`/${processId}/${arena.room.roomId}?sessionId=abc`, 4002],
        [`/${processId}/${arena.room.roomId}?sessionId=abc&reconnectionToken=xyz`, 4003],
      ] as const) {
        let outcome: Outcome | undefined;
        const faults = await faultsDuring(arena, async () => {
          outcome = await probe(arena, path);
        });
        expect(outcome, path).toMatchObject({ kind: "closed", code, reason: "" });
        const frames = outcome?.kind === "closed" ? outcome.frames : [];
        for (const frame of frames) expect(frame, path).not.toMatch(INTERNALS);
        expect(faults, path).toEqual([]);
      }
    },
  );
});
