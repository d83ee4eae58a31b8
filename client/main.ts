import { installDebugHook } from "./debug.ts";
import { ServerApi } from "./net/api.ts";
import { IdentityStore } from "./net/identity.ts";
import { describeJoinError, joinArena, type JoinRequest } from "./net/join.ts";
import { GameSession, type SessionEnd } from "./net/session.ts";
import { GameView } from "./ui/gameView.ts";
import { StartScreen } from "./ui/startScreen.ts";

const endpoint = location.origin;
const api = new ServerApi(endpoint);
const identity = new IdentityStore(api, window.localStorage);
let view: GameView | undefined;

const start = new StartScreen(identity, api, (request) => void play(request));

async function play(request: JoinRequest): Promise<void> {
  start.setBusy(true);
  let room;
  try {
    room = await joinArena(endpoint, identity, request);
  } catch (error) {
    start.show(describeJoinError(error));
    if (request.kind === "id") history.replaceState(null, "", "/");
    return;
  }
  start.hide();
  history.replaceState(null, "", `/?room=${encodeURIComponent(room.roomId)}`);

  // Handlers reach the view through this variable: messages can arrive before the view exists.
  let dropped = false;
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
    shutdown: () => view?.chat.addSystem("The server is restarting…"),
    ended: (end) => finish(end),
    roomStatus: (roomId) => api.roomStatus(roomId),
  });
  view = new GameView(session, () => void session.leave());
  view.show();
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

function finish(end: SessionEnd): void {
  view?.dispose();
  view = undefined;
  history.replaceState(null, "", "/");
  start.show(end.consented ? undefined : end.message);
}

installDebugHook(() => ({
  screen: view === undefined ? "start" : "game",
  roomId: view?.session.roomId,
  sessionId: view?.session.sessionId,
  connection: view?.session.connection,
  players: view?.players ?? [],
  drawn: view?.drawn ?? [],
  frames: view?.frames ?? 0,
}));

const roomFromUrl = new URLSearchParams(location.search).get("room");
// A share link joins at once for a player the browser knows; a new player is asked for a name first.
if (roomFromUrl !== null && roomFromUrl !== "" && identity.known) void play({ kind: "id", roomId: roomFromUrl });
else if (roomFromUrl !== null && roomFromUrl !== "") start.askNameFor(roomFromUrl);
else start.show();
