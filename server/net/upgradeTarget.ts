/**
 * Which WebSocket upgrade targets the server serves: the two the SDK
 * connects to.
 *
 * - a room seat, `/<processId>/<roomId>?sessionId=<sessionId>` (plus the
 *   SDK's other query parameters: `reconnectionToken`, `skipHandshake`,
 *   `_authToken`);
 * - the latency check of `Client#getLatency()`: the root, `/`, with no
 *   sessionId. Colyseus answers each frame there with a PING and closes with
 *   1000 after a second; nothing is logged and nothing told. Kept because it
 *   is a documented SDK call (`Client.selectByLatency` picks a region with it).
 *
 * Anything else is refused at the upgrade (404, before a WebSocket exists),
 * because Colyseus' transport does not refuse it: any other path is looked
 * up as a room and answered with a
 * Colyseus error frame; and a room id that is a member name of
 * `Object.prototype` (`/x/constructor`, `/x/toString`) is *found* in the
 * matchmaker's plain-object room table, so core calls a method that does not
 * exist on it, logs the TypeError at error level with its stack, and sends
 * the TypeError's message to the client (measured on core 0.18.17).
 *
 * The path is read as the transport reads it (`new URL("ws://server" + url)`),
 * so `.`/`..` segments are resolved the same way here and there. A well-formed
 * path naming no live seat (a room that is gone, a seat already taken) is
 * left to Colyseus: it answers with its typed `MATCHMAKE_EXPIRED` error and
 * close 4002 (4003 for a reconnection), which the SDK turns into a join error
 * or ends its reconnection attempts on; an HTTP refusal would make the SDK
 * retry a dead reconnection up to its limit.
 */

/** Colyseus ids (processId, roomId, sessionId) are nanoids of 9 characters from this alphabet. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEAT_PATH = /^\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})$/;

export interface SeatPath {
  kind: "seat";
  processId: string;
  roomId: string;
  sessionId: string;
}

export type UpgradeTarget = SeatPath | { kind: "latency_check" };

/** What a WebSocket upgrade's target names, or undefined if it is neither a room seat nor the latency check. */
export function upgradeTarget(target: string | undefined): UpgradeTarget | undefined {
  let url: URL;
  try {
    url = new URL(`ws://server${target ?? "/"}`);
  } catch {
    return undefined;
  }
  const sessionId = url.searchParams.get("sessionId");
  if (url.pathname === "/" && sessionId === null) return { kind: "latency_check" };
  const match = SEAT_PATH.exec(url.pathname);
  if (match === null || sessionId === null || !ID.test(sessionId)) return undefined;
  const [, processId = "", roomId = ""] = match;
  if ([processId, roomId, sessionId].some(inheritedName)) return undefined;
  return { kind: "seat", processId, roomId, sessionId };
}

/** `constructor`, `__proto__`, `toString`…: a lookup in a plain object finds something under these. */
function inheritedName(id: string): boolean {
  return id in Object.prototype;
}
