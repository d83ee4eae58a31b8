import { Protocol } from "@colyseus/core";
import { Client, type InputHandle, type Room } from "@colyseus/sdk";
import { bodyOffsetOf, protocolCodeOf } from "../../colyseus/protocol.ts";
import { tapReceivedFrames } from "../../colyseus/sdkFrameTap.ts";
import type { TickwireServer } from "../../server/app.ts";
import type { PlayerSnapshot } from "../../server/http/debug.ts";
import { MoveInput, type ArenaState } from "../../shared/index.ts";
import { emptyTraffic, guestToken, type Traffic } from "./wire.ts";

type DecodedRoom = Room<unknown, ArenaState>;

/** What the decoding sample learns about the wire cost of movement. */
export interface EntityUpdates {
  /** Schema body bytes (after the protocol byte and TIMED prefix) of patches that only moved players. */
  movementBodyBytes: number;
  /** Players whose x or y changed in those patches. */
  moved: number;
  /** Patches that only moved players (no add/remove), and their count of header bytes. */
  movementPatches: number;
}

/**
 * A player running the full SDK (`@colyseus/sdk` Client, schema decoder,
 * `room.input()`), to prove the decoded state matches the server's and to
 * count how many entity updates each patch's bytes carried.
 */
export class SdkBot {
  traffic = emptyTraffic();
  updates: EntityUpdates = { movementBodyBytes: 0, moved: 0, movementPatches: 0 };
  droppedWith: number | undefined;
  private closing = false;
  private previous = new Map<string, { x: number; y: number }>();
  private pendingBody = -1;

  private constructor(
    readonly room: DecodedRoom,
    private readonly input: InputHandle<MoveInput>,
  ) {}

  static async join(httpUrl: string, wsUrl: string, roomName: string, name: string): Promise<SdkBot> {
    const client = new Client<TickwireServer>(wsUrl);
    client.auth.token = await guestToken(httpUrl, name);
    const room = (await client.joinOrCreate(roomName as "arena", {})) as unknown as DecodedRoom;
    room.onMessage("*", () => undefined);
    // joinOrCreate resolves before the first state arrives.
    await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
    const bot = new SdkBot(room, room.input({ type: MoveInput }));
    bot.listen();
    return bot;
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  move(dx: number, dy: number): void {
    this.input.data.dx = dx;
    this.input.data.dy = dy;
    this.input.send();
  }

  chat(text: string): void {
    this.room.send("chat" as never, { text } as never);
  }

  resetTraffic(): void {
    this.traffic = emptyTraffic();
    this.updates = { movementBodyBytes: 0, moved: 0, movementPatches: 0 };
  }

  /** The players this client has decoded, in the debug snapshot's shape. */
  decoded(): Record<string, PlayerSnapshot> {
    const out: Record<string, PlayerSnapshot> = {};
    this.room.state.players.forEach((p, id) => {
      out[id] = { id: p.id, name: p.name, role: p.role, x: p.x, y: p.y, hue: p.hue };
    });
    return out;
  }

  waitForPatch(): Promise<void> {
    return new Promise((resolve) => this.room.onStateChange.once(() => resolve()));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.room.leave().catch(() => undefined);
  }

  private listen(): void {
    this.room.onLeave(() => {
      if (!this.closing) this.droppedWith = -1;
    });
    // Each frame's bytes, before the decoder sees them.
    tapReceivedFrames(this.room, (frame) => {
      countFrame(this.traffic, frame);
      if (protocolCodeOf(frame) === Protocol.ROOM_STATE_PATCH)
        this.pendingBody = frame.byteLength - bodyOffsetOf(frame);
    });
    this.room.onStateChange(() => this.countUpdates());
  }

  /** After each decoded patch: how many players moved, and was it movement only? */
  private countUpdates(): void {
    const body = this.pendingBody;
    this.pendingBody = -1;
    const now = new Map<string, { x: number; y: number }>();
    let moved = 0;
    let structural = false;
    this.room.state.players.forEach((p, id) => {
      now.set(id, { x: p.x, y: p.y });
      const before = this.previous.get(id);
      if (before === undefined) structural = true;
      else if (before.x !== p.x || before.y !== p.y) moved++;
    });
    if (now.size !== this.previous.size) structural = true;
    this.previous = now;
    if (body < 0 || structural || moved === 0) return;
    this.updates.movementBodyBytes += body;
    this.updates.moved += moved;
    this.updates.movementPatches++;
  }
}

function countFrame(traffic: Traffic, frame: Uint8Array): void {
  const bytes = frame.byteLength;
  traffic.bytes += bytes;
  const code = protocolCodeOf(frame);
  if (code === Protocol.ROOM_STATE || code === Protocol.ROOM_STATE_PATCH) {
    traffic.stateBytes += bytes;
    traffic.patches++;
  }
}
