import { until } from "../helpers/until.ts";
import { afterAll, afterEach, beforeAll, describe, expect } from "vitest";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import { TickwireCloseCode } from "../../shared/index.ts";
import { guestClient, joinArena } from "../helpers/clients.ts";
import { rawAttacker, hostileCase, startHostileArena, type HostileArena } from "./harness.ts";

/**
 * Faults inside a room. The honest players are in room A; each case injects
 * a fault into a second arena, room B, from this process (by replacing a
 * method on that room instance: there is no fault hook in the server, and so
 * nothing a network client could reach). Outcome every time: the fault is
 * logged with room B's id, room B keeps ticking, room A and the process are
 * unaffected.
 */
let arena: HostileArena;
let roomB: ArenaRoom;
const get = () => arena;

/** The members a test swaps; private on ArenaRoom, reached by a cast here only. */
interface Injectable {
  step(dt: number): void;
  chat: { receive(client: unknown, text: string): void };
  onBeforePatch?: () => void;
  onJoin: (...args: unknown[]) => void;
  onMessageEvents: { events: Record<string, Array<(...args: unknown[]) => void>> };
}
const inject = (room: ArenaRoom) => room as unknown as Injectable;

beforeAll(async () => {
  arena = await startHostileArena();
});
afterEach(async () => {
  await roomB.disconnect();
});
afterAll(async () => {
  await arena.close();
});

async function createRoomB(): Promise<ArenaRoom> {
  roomB = await arena.ts.colyseus.createRoom<ArenaRoom>("arena", {});
  return roomB;
}

function faultLogged(method: string): boolean {
  return arena.logs.some((l) => l.msg === "room handler threw" && l.roomId === roomB.roomId && l.method === method);
}

async function expectStillTicking(room: ArenaRoom): Promise<void> {
  const before = room.clock.elapsedTime;
  await room.waitForNextTimestep();
  await room.waitForNextTimestep();
  expect(room.clock.elapsedTime).toBeGreaterThan(before);
}

describe("a fault in one room", () => {
  hostileCase(get, "room B's fixed tick throws, tick after tick", "logged with B's id; B keeps ticking", async () => {
    const room = await createRoomB();
    const player = await joinArena(arena.ts, room.roomId, { name: "Bea" });
    const original = inject(room).step.bind(room);
    inject(room).step = () => {
      throw new Error("injected tick fault");
    };
    await room.waitForNextTimestep();
    await room.waitForNextTimestep();
    expect(faultLogged("setFixedTimestep")).toBe(true);
    inject(room).step = original;
    await expectStillTicking(room);
    // B's own client is still served too.
    player.room.send("chat", { text: "B still talks" });
    await player.inbox.waitFor("chat", (l) => l.text === "B still talks");
  });

  hostileCase(get, "room B's chat handler throws", "logged with B's id; the sender stays connected", async () => {
    const room = await createRoomB();
    const player = await joinArena(arena.ts, room.roomId, { name: "Bea" });
    const channel = inject(room).chat;
    const original = channel.receive.bind(channel);
    channel.receive = () => {
      throw new Error("injected handler fault");
    };
    player.room.send("chat", { text: "boom" });
    await room.waitForNextTimestep();
    await until(() => faultLogged("onMessage"));
    channel.receive = original;
    player.room.send("chat", { text: "after the fault" });
    await player.inbox.waitFor("chat", (l) => l.text === "after the fault");
    await expectStillTicking(room);
  });

  hostileCase(get, "room B's patch throws (onBeforePatch)", "logged with B's id; patches resume", async () => {
    const room = await createRoomB();
    const player = await joinArena(arena.ts, room.roomId, { name: "Bea" });
    inject(room).onBeforePatch = () => {
      throw new Error("injected patch fault");
    };
    await until(() => faultLogged("broadcastPatch"));
    inject(room).onBeforePatch = undefined;
    await player.room.waitForNextPatch();
    await expectStillTicking(room);
  });

  hostileCase(get, "room B's onJoin throws", "that join fails; B and its other client carry on", async () => {
    const room = await createRoomB();
    const bea = await joinArena(arena.ts, room.roomId, { name: "Bea" });
    const original = inject(room).onJoin;
    inject(room).onJoin = () => {
      throw new Error("injected join fault");
    };
    const { client } = await guestClient(arena.ts, "Late");
    await expect(client.joinById(room.roomId, {})).rejects.toThrow();
    inject(room).onJoin = original;
    bea.room.send("chat", { text: "Bea is fine" });
    await bea.inbox.waitFor("chat", (l) => l.text === "Bea is fine");
    await expectStillTicking(room);
  });

  hostileCase(
    get,
    "a frame whose dispatch throws outside any room handler (a raw listener in room B)",
    "only that sender closed with 1011; logged; the process stays up",
    async () => {
      const room = await createRoomB();
      const bea = await joinArena(arena.ts, room.roomId, { name: "Bea" });
      // Registered straight into core's emitter: not wrapped by onUncaughtException.
      inject(room).onMessageEvents.events["explode"] = [
        () => {
          throw new Error("injected dispatch fault");
        },
      ];
      const mallory = await rawAttacker({ ...arena, room });
      mallory.sendMessage("explode", {});
      expect((await mallory.closed).code).toBe(TickwireCloseCode.InternalError);
      expect(arena.logs.some((l) => l.msg === "frame dispatch threw" && l.roomId === room.roomId)).toBe(true);
      bea.room.send("chat", { text: "Bea is fine" });
      await bea.inbox.waitFor("chat", (l) => l.text === "Bea is fine");
    },
  );
});
