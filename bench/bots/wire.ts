import { InputEncoder } from "@colyseus/schema/input";
import {
  WireClient,
  isStateFrame,
  roomSocketUrl,
  timedInputAck,
  encodeRoomData,
  type SeatReservation,
} from "../../colyseus/wireClient.ts";
import { ServerApi } from "../../client/net/api.ts";
import { ClientMessage, MoveInput } from "../../shared/index.ts";

export { reserveSeat, type SeatReservation } from "../../colyseus/wireClient.ts";

/** The one call that turns a bot into a player: a guest token from `POST /auth/guest`. */
export async function guestToken(httpUrl: string, name: string): Promise<string> {
  return (await new ServerApi(httpUrl).guestToken(name)).token;
}

/** The room socket URL with the seat and the token (the SDK sends the token as `_authToken`). */
export function seatUrl(wsUrl: string, seat: SeatReservation, token: string): string {
  return roomSocketUrl(wsUrl, seat, `&_authToken=${token}`);
}

/** Counters of one bot's traffic; the fleet resets them at the start of the measured window. */
export interface Traffic {
  /** WebSocket payload bytes received (every frame). */
  bytes: number;
  /** Of which ROOM_STATE / ROOM_STATE_PATCH frames. */
  stateBytes: number;
  patches: number;
  /** Input-to-acknowledgement latencies, ms. */
  ackMs: number[];
}

export const emptyTraffic = (): Traffic => ({ bytes: 0, stateBytes: 0, patches: 0, ackMs: [] });

/**
 * A player on colyseus/wireClient.ts that decodes no state: it counts
 * payload bytes, sends one reliable MoveInput per tick, and reads the TIMED
 * prefix's input ack to time input → acknowledgement.
 */
export class WireBot {
  traffic = emptyTraffic();
  /** Set when the socket closed without this bot asking. */
  droppedWith: number | undefined;
  /** When a state frame last arrived (performance.now), for the cluster bench's gaps. */
  lastStateAt = Number.NaN;
  private readonly drops: Array<(code: number) => void> = [];
  private client: WireClient | undefined;
  private closing = false;
  private readonly input = new MoveInput();
  private readonly encoder = new InputEncoder(this.input);
  private sent = 0;
  /** Send times (performance.now) of inputs not yet acknowledged, oldest first, with their seq. */
  private readonly pending: Array<{ seq: number; at: number }> = [];

  constructor(readonly seat: SeatReservation) {}

  get sessionId(): string {
    return this.seat.sessionId;
  }

  /** Open the room socket; resolves once the JOIN_ROOM handshake is acknowledged. */
  async connect(url: string): Promise<void> {
    const client = WireClient.open(url, this.seat, { record: false, onFrame: (frame) => this.receive(frame) });
    this.client = client;
    void client.closed.then(({ code }) => {
      if (this.closing) return;
      this.droppedWith = code;
      for (const listener of this.drops.splice(0)) listener(code);
    });
    await client.joined(Number.POSITIVE_INFINITY);
  }

  /** Resolves with the close code when the socket closes without this bot asking (at once if it already has). */
  dropped(): Promise<number> {
    if (this.droppedWith !== undefined) return Promise.resolve(this.droppedWith);
    return new Promise((resolve) => this.drops.push(resolve));
  }

  /** Send one movement input (one per tick, as a client would). */
  move(dx: number, dy: number): void {
    if (this.client?.isOpen !== true) return;
    this.input.dx = dx;
    this.input.dy = dy;
    this.client.sendInput(this.encoder.encode());
    // Reliable inputs are acknowledged by count (core InputBuffer.ackSeq).
    this.pending.push({ seq: ++this.sent, at: performance.now() });
  }

  chat(text: string): void {
    if (this.client?.isOpen !== true) return;
    this.client.send(encodeRoomData(ClientMessage.Chat, { text }));
  }

  /** Stop counting acks of inputs sent before now (the window boundary). */
  resetTraffic(): void {
    this.traffic = emptyTraffic();
  }

  close(): Promise<void> {
    this.closing = true;
    return this.client?.leave() ?? Promise.resolve();
  }

  private receive(frame: Buffer): void {
    const traffic = this.traffic;
    traffic.bytes += frame.length;
    if (isStateFrame(frame)) {
      traffic.stateBytes += frame.length;
      traffic.patches++;
      this.lastStateAt = performance.now();
    }
    const ackSeq = timedInputAck(frame);
    if (ackSeq !== undefined) this.acknowledge(ackSeq);
  }

  private acknowledge(ackSeq: number): void {
    const now = performance.now();
    let settled = 0;
    while (settled < this.pending.length && (this.pending[settled]?.seq ?? Infinity) <= ackSeq) {
      this.traffic.ackMs.push(now - (this.pending[settled]?.at ?? now));
      settled++;
    }
    if (settled > 0) this.pending.splice(0, settled);
  }
}
