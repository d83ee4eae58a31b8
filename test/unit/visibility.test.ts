import { Decoder, Encoder } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { ChatLog } from "../../server/chat/ChatLog.ts";
import { debugSnapshot, type DebuggableRoom } from "../../server/http/debug.ts";
import {
  ArenaVisibility,
  WorldVisibility,
  type ViewingClient,
  type Visibility,
} from "../../server/rooms/visibility.ts";
import {
  ArenaState,
  ChatKind,
  Player,
  SYSTEM_SENDER,
  SystemAction,
  WorldState,
  type UnnumberedChatLine,
} from "../../shared/index.ts";

/** Alice and Bob close together, Carol far away (the world's radii: enter 200, leave 250). */
const PLACES = { alice: { x: 200, y: 200 }, bob: { x: 300, y: 200 }, carol: { x: 1800, y: 1800 } };

/** Players join a state that is already being encoded, as in a room. */
function populate(state: ArenaState | WorldState, visibility: Visibility): Map<string, ViewingClient> {
  encoders.set(state, new Encoder(state));
  const clients = new Map<string, ViewingClient>();
  for (const [sessionId, place] of Object.entries(PLACES)) {
    const player = new Player();
    Object.assign(player, { id: `id-${sessionId}`, name: sessionId, role: "player", ...place, connected: true });
    state.players.set(sessionId, player);
    const client: ViewingClient = { sessionId };
    visibility.join(client, player);
    clients.set(sessionId, client);
  }
  visibility.update();
  return clients;
}

const encoders = new Map<ArenaState | WorldState, Encoder>();

/** What a client decodes from a full state sync, as core's serializer encodes it (its view, if it has one). */
function decodedPlayers(state: ArenaState | WorldState, client: ViewingClient): string[] {
  const encoder = encoders.get(state)!;
  const it = { offset: 0 };
  const shared = encoder.encodeAll(it);
  const bytes =
    client.view === undefined ? shared : encoder.encodeAllView(client.view, it.offset, { ...it }, new Uint8Array(8192));
  const decoded = state instanceof WorldState ? new WorldState() : new ArenaState();
  new Decoder(decoded).decode(bytes);
  return [...decoded.players.keys()].sort();
}

function debugRoom(state: ArenaState | WorldState, visibility: Visibility): DebuggableRoom {
  return { state, inputs: { get: () => ({ size: 0 }) }, visibility };
}

const say = (from: string, text: string): UnnumberedChatLine => ({
  kind: ChatKind.Say,
  from,
  name: from,
  text,
  at: 0,
});

describe("one visibility rule per room type, consulted by state, chat and the debug snapshot", () => {
  it("world: a far-away player is in none of the three, a near one in all three", () => {
    const state = new WorldState();
    state.width = state.height = 2000;
    const visibility = new WorldVisibility({ enterRadius: 200, leaveRadius: 250 }, () => state.players);
    const clients = populate(state, visibility);
    const log = new ChatLog();
    for (const sessionId of Object.keys(PLACES)) {
      const line = say(sessionId, `hello from ${sessionId}`);
      log.append(line, visibility.audienceOf(line));
    }

    const expected = { alice: ["alice", "bob"], bob: ["alice", "bob"], carol: ["carol"] };
    for (const [sessionId, sees] of Object.entries(expected)) {
      const client = clients.get(sessionId)!;
      // The rule itself...
      expect([...visibility.visibleTo(sessionId)].sort()).toEqual(sees);
      // ...fills the state the client decodes...
      expect(decodedPlayers(state, client)).toEqual(sees);
      // ...the debug snapshot the bench compares it with...
      expect(Object.keys(debugSnapshot(debugRoom(state, visibility), sessionId) ?? {}).sort()).toEqual(sees);
      // ...and who may read whose lines, in history and in replay.
      const heard = sees.map((from) => `hello from ${from}`);
      expect(log.historyFor(`id-${sessionId}`, 50).map((l) => l.text)).toEqual(heard);
      expect(log.replay(0, `id-${sessionId}`, 100).lines.map((l) => l.text)).toEqual(heard);
    }
  });

  it("world: system lines (moderation) still reach the whole room", () => {
    const state = new WorldState();
    const visibility = new WorldVisibility({ enterRadius: 200, leaveRadius: 250 }, () => state.players);
    populate(state, visibility);
    const notice: UnnumberedChatLine = {
      kind: ChatKind.System,
      from: SYSTEM_SENDER,
      name: "System",
      text: "carol was muted",
      at: 0,
      notice: { action: SystemAction.Mute, by: "alice", target: "carol", durationMs: 60_000 },
    };
    expect(visibility.audienceOf(notice)).toBeNull();
  });

  it("arena: everyone in all three, with no per-client view", () => {
    const state = new ArenaState();
    const visibility = new ArenaVisibility(() => state.players);
    const clients = populate(state, visibility);
    const everyone = Object.keys(PLACES).sort();
    for (const [sessionId, client] of clients) {
      expect(client.view).toBeUndefined();
      expect([...visibility.visibleTo(sessionId)].sort()).toEqual(everyone);
      expect(decodedPlayers(state, client)).toEqual(everyone);
      expect(Object.keys(debugSnapshot(debugRoom(state, visibility), sessionId) ?? {}).sort()).toEqual(everyone);
      expect(visibility.audienceOf(say(sessionId, "hi"))).toBeNull();
    }
  });

  it("world: a player who leaves leaves every other view", () => {
    const state = new WorldState();
    const visibility = new WorldVisibility({ enterRadius: 200, leaveRadius: 250 }, () => state.players);
    const clients = populate(state, visibility);
    visibility.leave(clients.get("bob")!);
    state.players.delete("bob");
    expect([...visibility.visibleTo("alice")]).toEqual(["alice"]);
    expect(decodedPlayers(state, clients.get("alice")!)).toEqual(["alice"]);
    expect(visibility.audienceOf(say("alice", "anyone?"))).toEqual(["id-alice"]);
  });
});
