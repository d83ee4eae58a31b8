import { Protocol } from "@colyseus/core";
import { encode } from "@colyseus/schema";
import { InputEncoder } from "@colyseus/schema/input";
import { Packr } from "msgpackr";
import { WebSocket } from "ws";
import { MoveInput, type GuestTokenResponse } from "../../shared/index.ts";

/** What `POST /matchmake/joinOrCreate/<room>` answers (core MatchMaker `buildSeatReservation`). */
export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
  publicAddress?: string;
}

/** The one call that turns a bot into a player: a guest token from `POST /auth/guest`. */
export async function guestToken(httpUrl: string, name: string): Promise<string> {
  const response = await fetch(`${httpUrl}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`POST /auth/guest answered ${response.status}`);
  return ((await response.json()) as GuestTokenResponse).token;
}

/** HTTP matchmaking as the SDK does it (sdk Client.createMatchMakeRequest), token as a Bearer header. */
export async function reserveSeat(httpUrl: string, roomName: string, token: string): Promise<SeatReservation> {
  const response = await fetch(`${httpUrl}/matchmake/joinOrCreate/${roomName}`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
  });
  if (!response.ok) throw new Error(`matchmaking answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as SeatReservation;
}

/** The room socket URL with the seat (sdk Client.buildEndpoint): `/<processId>/<roomId>?sessionId=…`. */
export function seatUrl(wsUrl: string, seat: SeatReservation, token: string): string {
  const base = seat.publicAddress === undefined ? wsUrl : `ws://${seat.publicAddress}`;
  return `${base}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${token}`;
}

const TIMED = 0x80;
const CODE_MASK = 0x1f;
const packr = new Packr({ useRecords: false });

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
 * A player that speaks the Colyseus protocol on a raw `ws` socket without
 * decoding state: it answers JOIN_ROOM, counts payload bytes, sends inputs
 * framed exactly as the SDK's InputHandle does (reliable: `[ROOM_INPUT_RELIABLE]`
 * + InputEncoder delta), and reads the TIMED prefix's input ack to time
 * input → acknowledgement.
 */
export class WireBot {
  traffic = emptyTraffic();
  /** Set when the socket closed without this bot asking. */
  droppedWith: number | undefined;
  private ws: WebSocket | undefined;
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
  connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.binaryType = "nodebuffer";
      ws.once("error", reject);
      ws.once("close", (code) => {
        if (!this.closing) this.droppedWith = code;
        reject(new Error(`closed with ${code} before joining`));
      });
      ws.on("message", (data: Buffer) => {
        const first = data[0] ?? 0;
        if ((first & CODE_MASK) === Protocol.JOIN_ROOM) {
          ws.send(Uint8Array.of(Protocol.JOIN_ROOM));
          resolve();
          return;
        }
        this.receive(data, first);
      });
    });
  }

  /** Send one movement input (one per tick, as a client would). */
  move(dx: number, dy: number): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.input.dx = dx;
    this.input.dy = dy;
    const body = this.encoder.encode();
    const frame = new Uint8Array(1 + body.length);
    frame[0] = Protocol.ROOM_INPUT_RELIABLE;
    frame.set(body, 1);
    this.ws.send(frame);
    // Reliable inputs are acknowledged by count (core InputBuffer.ackSeq).
    this.pending.push({ seq: ++this.sent, at: performance.now() });
  }

  chat(text: string): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const header = new Uint8Array(16);
    header[0] = Protocol.ROOM_DATA;
    const it = { offset: 1 };
    encode.string(header, "chat", it);
    const payload = packr.pack({ text });
    const frame = new Uint8Array(it.offset + payload.length);
    frame.set(header.subarray(0, it.offset));
    frame.set(payload, it.offset);
    this.ws.send(frame);
  }

  /** Stop counting acks of inputs sent before now (the window boundary). */
  resetTraffic(): void {
    this.traffic = emptyTraffic();
  }

  close(): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once("close", () => resolve());
      ws.send(Uint8Array.of(Protocol.LEAVE_ROOM));
      ws.close();
    });
  }

  private receive(data: Buffer, first: number): void {
    const traffic = this.traffic;
    traffic.bytes += data.length;
    const code = first & CODE_MASK;
    if (code === Protocol.ROOM_STATE || code === Protocol.ROOM_STATE_PATCH) {
      traffic.stateBytes += data.length;
      traffic.patches++;
    }
    // [code|TIMED][uint32 sNow][uint32 inputSeq] (core SchemaSerializer buildTimedFrame).
    if (first & TIMED && data.length >= 9) this.acknowledge(data.readUInt32LE(5));
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
