import { matchMaker, Protocol } from "@colyseus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { upgradeTarget } from "../../server/net/upgradeTarget.ts";
import { startMiniServer, type MiniServer } from "./miniServer.ts";

/**
 * Pins for what colyseus/transport.ts says of WebSocketTransport#onConnection
 * and matchMaker.getLocalRoomById, against a bare Colyseus server (no
 * Tickwire edge in front): the behaviours server/net/upgradeTarget.ts refuses at
 * the upgrade. Through the whole app: test/hostile/paths.test.ts.
 */
let mini: MiniServer;

beforeAll(async () => {
  mini = await startMiniServer();
});
afterAll(() => mini.close());

/** Open `path`; `first` is the first frame the server sends (listened for before 'open': it may come in the same read). */
async function open(path: string): Promise<{ ws: WebSocket; first: Promise<Buffer> }> {
  const ws = new WebSocket(`${mini.wsUrl}${path}`);
  const first = new Promise<Buffer>((resolve) => ws.once("message", (data: Buffer) => resolve(data)));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return { ws, first };
}

describe("matchMaker.getLocalRoomById reads a plain object", () => {
  it("finds Object.prototype's members under their names, which upgradeTarget refuses", () => {
    expect(matchMaker.getLocalRoomById("no-such-room")).toBeUndefined();
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      expect(typeof matchMaker.getLocalRoomById(name), name).toBe("function");
      expect(upgradeTarget(`/p/${name}?sessionId=s`), name).toBeUndefined();
    }
  });
});

describe("WebSocketTransport#onConnection", () => {
  it("keeps a path with neither room id nor sessionId open as a latency check: each frame is answered with PING", async () => {
    const { ws, first } = await open("/");
    ws.send(Buffer.from([Protocol.PING]));
    expect([...(await first)]).toEqual([Protocol.PING]);
    ws.close();
  });

  it("looks a `constructor` room id up, finds a function, and sends the TypeError's message to the client", async () => {
    const { ws, first } = await open("/x/constructor?sessionId=s");
    const frame = await first;
    expect(frame[0]).toBe(Protocol.ERROR);
    expect(frame.toString("latin1")).toContain("hasReservedSeat is not a function");
    ws.close();
  });
});
