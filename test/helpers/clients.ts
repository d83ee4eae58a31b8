import { Client, type Room as SdkRoom } from "@colyseus/sdk";
import { bodyOffsetOf, protocolCodeOf } from "../../colyseus/protocol.ts";
import { tapReceivedFrames } from "../../colyseus/sdkFrameTap.ts";
import type { TickwireServer } from "../../server/app.ts";
import type { ArenaRoom } from "../../server/rooms/ArenaRoom.ts";
import {
  ServerMessage,
  type ArenaJoinOptions,
  type ArenaState,
  type GuestTokenResponse,
  type ServerMessages,
} from "../../shared/index.ts";
import type { TestServer } from "./server.ts";
import { ServerApi } from "../../client/net/api.ts";

export type ArenaSdkRoom = SdkRoom<ArenaRoom, ArenaState>;
type MessageType = keyof ServerMessages;
interface Received<K extends MessageType = MessageType> {
  type: K;
  payload: ServerMessages[K];
}

/**
 * Records every message a client receives, in order, from the moment it joins,
 * so a test can await one that already arrived (no race with registration) and
 * can assert what never arrived.
 */
export class Inbox {
  readonly received: Received[] = [];
  private waiters: Array<() => void> = [];

  constructor(room: ArenaSdkRoom) {
    // One handler per known type rather than "*": the SDK only calls "*" for
    // types that have never had a handler of their own.
    for (const type of Object.values(ServerMessage)) {
      room.onMessage(type, (payload) => {
        this.received.push({ type, payload });
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  all<K extends MessageType>(type: K): Array<ServerMessages[K]> {
    return this.received.filter((m): m is Received<K> => m.type === type).map((m) => m.payload);
  }

  /** The first message of `type` matching `predicate`, received before or after this call. */
  async waitFor<K extends MessageType>(
    type: K,
    predicate: (payload: ServerMessages[K]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerMessages[K]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all(type).find(predicate);
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no "${type}" message matched within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface ArenaPlayer {
  room: ArenaSdkRoom;
  inbox: Inbox;
  client: Client<TickwireServer>;
  /** The access token and who it says the player is (operators' tokens come with no renewal token). */
  identity: Omit<GuestTokenResponse, "renewToken">;
}

/** A player who joined as a guest, holding the renewal token `/auth/guest` gave too. */
export interface GuestPlayer extends ArenaPlayer {
  identity: GuestTokenResponse;
}

/** Where a server is reached: an in-process test server or a real server process (test/helpers/serverProcess.ts). */
export type ServerAddress = Pick<TestServer, "httpUrl" | "port">;

/** A guest token from the real `POST /auth/guest`, through the browser client's own API (no name: `{}`). */
export async function guestToken(ts: ServerAddress, name?: string): Promise<GuestTokenResponse> {
  return new ServerApi(ts.httpUrl).guestToken(name);
}

/** A typed SDK client for this server, holding a fresh guest token for `name`. */
export async function guestClient(
  ts: ServerAddress,
  name?: string,
): Promise<{ client: Client<TickwireServer>; identity: GuestTokenResponse }> {
  const identity = await guestToken(ts, name);
  const client = new Client<TickwireServer>(`ws://127.0.0.1:${ts.port}`);
  client.auth.token = identity.token;
  return { client, identity };
}

/**
 * Join a room by id as a fresh guest named `options.name`, through the real
 * SDK, recording messages from the first one.
 */
export async function joinArena(
  ts: ServerAddress,
  roomId: string,
  options: ArenaJoinOptions = {},
): Promise<GuestPlayer> {
  const { client, identity } = await guestClient(ts, options.name);
  return { ...(await joinWith(client, roomId, options)), client, identity };
}

/** Join a room by id with an already-authenticated client. */
export async function joinWith(
  client: Client<TickwireServer>,
  roomId: string,
  options: ArenaJoinOptions = {},
): Promise<{ room: ArenaSdkRoom; inbox: Inbox }> {
  // The SDK types joinById's first parameter as a room *name*; the room it returns is an arena.
  const room = (await client.joinById(roomId, options)) as unknown as ArenaSdkRoom;
  // Registered before the first state arrives: the server sends chat:history right after it.
  const inbox = new Inbox(room);
  await room.waitForInitialState();
  return { room, inbox };
}

/** Resolve once `predicate` holds, checking after each state patch; fail after `maxPatches`. */
export async function untilPatched(room: ArenaSdkRoom, predicate: () => boolean, maxPatches = 60): Promise<void> {
  for (let i = 0; i < maxPatches; i++) {
    if (predicate()) return;
    await room.waitForNextPatch();
  }
  if (!predicate()) throw new Error(`condition not met after ${maxPatches} patches`);
}

/** Resolve when the room's connection closes, with the close code. */
export function closed(room: ArenaSdkRoom): Promise<number> {
  return new Promise((resolve) => room.onLeave.once((code) => resolve(code)));
}

/** One frame as the client received it, with its protocol code and schema body split out. */
export interface ReceivedFrame {
  code: number;
  /** Bytes after the protocol byte and, on TIMED frames, the 8-byte time + input-ack prefix. */
  body: Uint8Array;
  bytes: number;
}

/** Record every raw frame a joined SDK room receives from now on, before the SDK decodes it. */
export function recordFrames(room: ArenaSdkRoom): ReceivedFrame[] {
  const frames: ReceivedFrame[] = [];
  tapReceivedFrames(room, (bytes) => {
    frames.push({ code: protocolCodeOf(bytes), body: bytes.subarray(bodyOffsetOf(bytes)), bytes: bytes.byteLength });
  });
  return frames;
}
