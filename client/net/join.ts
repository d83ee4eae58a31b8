import { Client, ErrorCode, MatchMakeError } from "@colyseus/sdk";
import type { TickwireServer } from "../../server/app.ts";
import { RoomName } from "../../shared/index.ts";
import type { IdentityStore } from "./identity.ts";
import type { ArenaSdkRoom } from "./session.ts";

/** Quick play and create are arenas; "world" joins the open world (or opens it when there is none). */
export type JoinRequest =
  | { kind: "quick" }
  /** `title`: the new room's display name (the server sanitises it). */
  | { kind: "create"; title?: string }
  | { kind: "world" }
  | { kind: "id"; roomId: string };

/**
 * Get a token and join. If the server refuses the token (expired, or the
 * server restarted with a new secret), forget it and try once more with a
 * fresh one: playing needs nothing but a name.
 */
export async function joinArena(
  endpoint: string,
  identity: IdentityStore,
  request: JoinRequest,
): Promise<ArenaSdkRoom> {
  const client = new Client<TickwireServer>(endpoint);
  const name = identity.name;
  let token = await identity.token(name);
  client.auth.token = token.token;
  try {
    return await matchmake(client, request);
  } catch (error) {
    if (!(error instanceof MatchMakeError) || error.code !== ErrorCode.AUTH_FAILED) throw error;
    identity.forget(token.token);
    token = await identity.token(name);
    client.auth.token = token.token;
    return matchmake(client, request);
  }
}

async function matchmake(client: Client<TickwireServer>, request: JoinRequest): Promise<ArenaSdkRoom> {
  switch (request.kind) {
    case "quick":
      return client.joinOrCreate(RoomName.Arena, {});
    case "create":
      return client.create(RoomName.Arena, request.title === undefined ? {} : { title: request.title });
    case "world":
      // The session reads the room type from the room itself (room.name), whatever this says.
      return client.joinOrCreate(RoomName.World, {}) as unknown as Promise<ArenaSdkRoom>;
    case "id":
      return client.joinById(request.roomId, {});
  }
}

/** What a player is told when the server cannot be reached at all. */
export const UNREACHABLE_MESSAGE =
  "Cannot reach the server. Check your connection; if it works, the server may be restarting: try again in a moment.";

/**
 * HTTP statuses a proxy or an overloaded server answers with when the game
 * server behind it is down or restarting (nginx 502/504, our 503 while Redis
 * is away): the same words as no answer at all.
 */
const SERVER_AWAY_STATUSES = new Set([502, 503, 504]);

/** Words for a failed join. */
export function describeJoinError(error: unknown): string {
  if (error instanceof MatchMakeError) {
    if (error.code === ErrorCode.MATCHMAKE_INVALID_ROOM_ID) return "That room does not exist any more.";
    if (error.code === ErrorCode.MATCHMAKE_INVALID_CRITERIA) return "That room is full or closed.";
    if (error.code === ErrorCode.AUTH_FAILED) return `The server refused your identity (${error.message}).`;
    // The SDK wraps a fetch that got no answer in a MatchMakeError too, with no
    // numeric code (a browser's TypeError has none; Node's carries "ECONNREFUSED"):
    // that is the raw "Could not join: Failed to fetch" players used to see.
    const code: unknown = error.code;
    if (typeof code !== "number" || SERVER_AWAY_STATUSES.has(code)) return UNREACHABLE_MESSAGE;
    return `Could not join: ${error.message}`;
  }
  // fetch's own failure (getting a guest token): Chromium "Failed to fetch", Firefox "NetworkError…", Safari "Load failed".
  if (error instanceof Error && /fetch|network|load failed|HTTP 50[234]/i.test(error.message))
    return UNREACHABLE_MESSAGE;
  return `Could not join: ${error instanceof Error ? error.message : String(error)}`;
}
