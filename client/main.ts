import { CloseCode } from "@colyseus/sdk";
import { RoomName } from "../shared/index.ts";
import { installDebugHook } from "./debug.ts";
import { ServerApi } from "./net/api.ts";
import { IdentityStore } from "./net/identity.ts";
import { describeJoinError, joinArena, type JoinRequest } from "./net/join.ts";
import { Rejoiner, type RejoinStatus } from "./net/rejoin.ts";
import { GameSession, type SessionEnd } from "./net/session.ts";
import { GameView } from "./ui/gameView.ts";
import { StartScreen } from "./ui/startScreen.ts";

const endpoint = location.origin;
const api = new ServerApi(endpoint);
const identity = new IdentityStore(api, window.localStorage);
let view: GameView | undefined;
/** Taking the player back in after a server restart, until they choose otherwise. */
let rejoin: Rejoiner | undefined;

const start = new StartScreen(identity, api, (request) => {
  rejoin?.cancel();
  rejoin = undefined;
  void play(request);
});

/** Join and show the game; false if the join failed (said on the start screen unless `quiet`). */
async function play(request: JoinRequest, quiet = false): Promise<boolean> {
  start.setBusy(true);
  let room;
  try {
    room = await joinArena(endpoint, identity, request);
  } catch (error) {
    if (quiet) start.setBusy(false);
    else start.show(describeJoinError(error));
    if (request.kind === "id" || request.kind === "world") history.replaceState(null, "", "/");
    return false;
  }
  rejoin = undefined;
  start.hide();
  history.replaceState(null, "", `/?room=${encodeURIComponent(room.roomId)}`);

  // Handlers reach the view through this variable: messages can arrive before the view exists.
  let dropped = false;
  let restarting = false;
  const session = new GameSession(room, {
    connection: (state) => {
      if (state === "reconnecting") {
        dropped = true;
        view?.chat.addSystem("Connection lost, reconnecting…");
      } else if (state === "connected" && dropped) {
        dropped = false;
        view?.chat.addSystem("Reconnected.");
      }
    },
    chat: (line) => view?.chat.addLine(line),
    chatHistory: (lines) => view?.chat.addLines(lines),
    chatRejected: (rejection) => view?.chat.showRejection(rejection),
    chatReplay: (lines, complete) => {
      view?.chat.addLines(lines);
      if (!complete) view?.chat.addSystem("Some chat lines from while you were away are no longer available.");
    },
    presence: (change, name) => view?.chat.addSystem(presenceText(change, name)),
    shutdown: () => {
      restarting = true;
      view?.chat.addSystem("The server is restarting…");
    },
    // Back in after a restart: the open world for a world player, an arena (quick play) otherwise.
    ended: (end) => finish(end, restarting, room.name === RoomName.World ? { kind: "world" } : { kind: "quick" }),
    roomStatus: (roomId) => api.roomStatus(roomId),
  });
  view = new GameView(session, () => void session.leave());
  view.show();
  return true;
}

function presenceText(change: "joined" | "left" | "dropped" | "returned", name: string): string {
  switch (change) {
    case "joined":
      return `${name} joined.`;
    case "left":
      return `${name} left.`;
    case "dropped":
      return `${name} lost their connection.`;
    case "returned":
      return `${name} is back.`;
  }
}

function finish(end: SessionEnd, restarting: boolean, back: JoinRequest): void {
  view?.dispose();
  view = undefined;
  history.replaceState(null, "", "/");
  // A restart or a deploy (the notice, or its 4001 close): the player is taken back in without a click.
  if (!end.consented && (restarting || end.code === CloseCode.SERVER_SHUTDOWN)) {
    rejoin = new Rejoiner(() => play(back, true), showRejoin);
    return;
  }
  start.show(end.consented ? undefined : end.message);
}

function showRejoin(status: RejoinStatus): void {
  if (status.kind === "gave-up") {
    rejoin = undefined;
    start.show("The server has not come back yet. Press Quick play to try again.");
  } else if (status.attempt === 1) {
    start.show(RESTARTING_MESSAGE);
  }
}

const RESTARTING_MESSAGE = "The server is restarting. Taking you back in as soon as it is up…";

installDebugHook(() => ({
  screen: view === undefined ? "start" : "game",
  roomId: view?.session.roomId,
  sessionId: view?.session.sessionId,
  connection: view?.session.connection,
  players: view?.players ?? [],
  drawn: view?.drawnPlayers ?? [],
  frames: view?.frames ?? 0,
  view: view?.drawn,
}));

const roomFromUrl = new URLSearchParams(location.search).get("room");
// "/?room=world" is the open world by name (room ids are random, never "world"); any other value is a room id.
// A share link joins at once for a player the browser knows; a new player is asked for a name first.
const linked: (JoinRequest & { kind: "id" | "world" }) | undefined =
  roomFromUrl === null || roomFromUrl === ""
    ? undefined
    : roomFromUrl === RoomName.World
      ? { kind: "world" }
      : { kind: "id", roomId: roomFromUrl };
if (linked !== undefined && identity.known) void play(linked);
else if (linked !== undefined) start.askNameFor(linked);
else start.show();
