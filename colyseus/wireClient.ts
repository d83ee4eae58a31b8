/**
 * Mirrors: @colyseus/sdk@0.18.4 src/Client.ts, @colyseus/sdk@0.18.4 src/Room.ts, @colyseus/sdk@0.18.4 src/input/InputHandle.ts
 * Mirrors: @colyseus/core@0.18.17 src/MatchMaker.ts, @colyseus/core@0.18.17 src/serializer/SchemaSerializer.ts
 * Mirrors: @colyseus/schema@5.0.34 src/encoding/encode.ts, @colyseus/schema@5.0.34 src/encoding/decode.ts
 *
 * This file: a Colyseus client written out by hand over a plain `ws` socket,
 * the one both the bench's bots (bench/bots/wire.ts) and the hostile tests
 * use. It decodes no state, so a bot costs the load generator little, and it
 * sends whatever it is told, so a test can send what the SDK would refuse to:
 * unknown types, wrong payloads, truncated or random frames, floods, and can
 * stop reading. Node-side only (it uses `ws`).
 *
 * The handshake is the SDK's (Client.ts createMatchMakeRequest →
 * consumeSeatReservation → buildEndpoint, Room.ts JOIN_ROOM handling):
 *   1. POST /matchmake/<method>/<room> with `Authorization: Bearer <token>`
 *      answers a seat reservation { roomId, sessionId, processId, … }.
 *   2. WebSocket to ws://host:port/<processId>/<roomId>?sessionId=<id>.
 *   3. The server sends JOIN_ROOM [10, len, reconnectionToken, len,
 *      serializerId, …]; the client acknowledges with [10], after which the
 *      server sends the full state and anything queued during onJoin.
 */
import { Protocol } from "@colyseus/core";
import { decode, encode, type Iterator } from "@colyseus/schema";
import { pack, unpack } from "msgpackr";
import { WebSocket, type RawData } from "ws";
import { TIMED_MODIFIER, TIMED_PREFIX_BYTES, protocolCodeOf } from "./protocol.ts";

/** What `POST /matchmake/<method>/<room>` answers (core MatchMaker `buildSeatReservation`). */
export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
  publicAddress?: string;
}

/** Where the server's HTTP side listens (`http://host:port`, or an object holding it); its socket side is the same with `ws:`. */
export type HttpEndpoint = string | { httpUrl: string };

const httpUrlOf = (endpoint: HttpEndpoint): string => (typeof endpoint === "string" ? endpoint : endpoint.httpUrl);

export interface HttpAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface MatchmakeOptions {
  token?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function postMatchmake(
  endpoint: HttpEndpoint,
  method: string,
  roomNameOrId: string,
  options: MatchmakeOptions,
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${httpUrlOf(endpoint)}/matchmake/${method}/${roomNameOrId}`, {
    method: "POST",
    headers,
    body: options.body ?? "{}",
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** A matchmaking request as the SDK sends it (token as a Bearer header), whatever the answer. */
export async function matchmake(
  endpoint: HttpEndpoint,
  method: string,
  roomNameOrId: string,
  options: MatchmakeOptions = {},
): Promise<HttpAnswer<SeatReservation & { error?: string; code?: number }>> {
  const { status, text, headers } = await postMatchmake(endpoint, method, roomNameOrId, options);
  return { status, body: (text === "" ? {} : JSON.parse(text)) as never, headers };
}

/** `joinOrCreate` a seat in `roomName`, or throw with the server's answer. */
export async function reserveSeat(endpoint: HttpEndpoint, roomName: string, token: string): Promise<SeatReservation> {
  const answer = await postMatchmake(endpoint, "joinOrCreate", roomName, {
    token,
    headers: { accept: "application/json" },
  });
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`matchmaking answered ${answer.status}: ${answer.text}`);
  }
  return JSON.parse(answer.text) as SeatReservation;
}

/** The room socket URL for a seat (sdk Client.buildEndpoint): `<ws>/<processId>/<roomId>?sessionId=…<query>`. */
export function roomSocketUrl(wsUrl: string, seat: SeatReservation, query = ""): string {
  const base = seat.publicAddress === undefined ? wsUrl : `ws://${seat.publicAddress}`;
  return `${base}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}${query}`;
}

const wsUrlOf = (endpoint: HttpEndpoint): string => httpUrlOf(endpoint).replace(/^http/, "ws");

export interface Closed {
  code: number;
  reason: string;
}

export interface RawMessage {
  type: string | number;
  payload: unknown;
}

export interface WireClientOptions {
  /** Upgrade request headers (origin, x-forwarded-for…). */
  headers?: Record<string, string>;
  /**
   * Keep every frame in `frames` and decode ROOM_DATA into `messages` (tests).
   * Off for bots: their hot path only counts, and a bench run would hold
   * every patch of every bot.
   */
  record?: boolean;
  /** Called with every frame but JOIN_ROOM, as it arrives. */
  onFrame?: (frame: Buffer) => void;
}

/**
 * One connection to a room. `Messages` maps ROOM_DATA types to payloads, for
 * typed `waitForMessage` (the game's `ServerMessages`).
 */
export class WireClient<Messages extends object = Record<string, unknown>> {
  /** Every frame received, in order (when recording). */
  readonly frames: Buffer[] = [];
  /** ROOM_DATA frames decoded into type + payload (when recording). */
  readonly messages: RawMessage[] = [];
  readonly closed: Promise<Closed>;
  reconnectionToken = "";
  private joinFrame: Buffer | undefined;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    readonly seat: SeatReservation | undefined,
    { record = true, onFrame }: WireClientOptions,
  ) {
    const deliver = onFrame ?? (() => undefined);
    // With binaryType "nodebuffer" (ws' default, set here so it stays so) every
    // message is one Buffer, fragments joined: the bots' listener skips the
    // conversion (about 10 of ~45 ns per frame, measured with a fake socket).
    ws.binaryType = "nodebuffer";
    ws.on(
      "message",
      record
        ? (data: RawData) => {
            const frame = toBuffer(data);
            this.frames.push(frame);
            const message = decodeRoomData(frame);
            if (message !== undefined) this.messages.push(message);
            this.dispatch(frame, deliver);
          }
        : (data: Buffer) => this.dispatch(data, deliver),
    );
    // Errors (e.g. a refused upgrade) surface through `closed`, `opened` and `joined`.
    ws.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once("close", (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  private dispatch(frame: Buffer, deliver: (frame: Buffer) => void): void {
    if (protocolCodeOf(frame) !== Protocol.JOIN_ROOM) deliver(frame);
    else this.joinFrame ??= frame;
    if (this.waiters.length > 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Open a socket to `url` without joining (for upgrade-level tests). */
  static connect(url: string, headers: Record<string, string> = {}): WireClient {
    return new WireClient(new WebSocket(url, { headers }), undefined, {});
  }

  /** Open the room socket of a reserved seat; `joined()` completes the handshake. */
  static open<M extends object = Record<string, unknown>>(
    url: string,
    seat: SeatReservation,
    options: WireClientOptions = {},
  ): WireClient<M> {
    return new WireClient<M>(new WebSocket(url, { headers: options.headers ?? {} }), seat, options);
  }

  /** URL of the room socket for a seat, as the SDK builds it. */
  static roomUrl(endpoint: HttpEndpoint, seat: SeatReservation, query = ""): string {
    return roomSocketUrl(wsUrlOf(endpoint), seat, query);
  }

  /** Matchmake into `roomId`, open the socket and complete the JOIN handshake. */
  static async join<M extends object = Record<string, unknown>>(
    endpoint: HttpEndpoint,
    roomId: string,
    token: string,
    headers: Record<string, string> = {},
  ): Promise<WireClient<M>> {
    const answer = await matchmake(endpoint, "joinById", roomId, { token, headers });
    if (answer.status !== 200) throw new Error(`matchmake answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const client = WireClient.open<M>(WireClient.roomUrl(endpoint, answer.body), answer.body, { headers });
    await client.joined();
    return client;
  }

  /**
   * Reconnect to a held seat the way the SDK's automatic reconnection does:
   * straight to the room socket with the last reconnection token (no
   * matchmaking). Resolves once joined; rejects with the close if refused.
   */
  static async reconnect<M extends object>(
    endpoint: HttpEndpoint,
    previous: WireClient<M>,
    headers: Record<string, string> = {},
  ): Promise<WireClient<M>> {
    const seat = previous.seat;
    if (seat === undefined) throw new Error("not a joined client");
    const url = WireClient.roomUrl(endpoint, seat, `&reconnectionToken=${previous.reconnectionToken}&skipHandshake=1`);
    const client = WireClient.open<M>(url, seat, { headers });
    try {
      await client.joined();
    } catch (error) {
      if (client.ws.readyState !== WebSocket.CLOSED) throw error;
      throw new Error(`reconnection refused: ${JSON.stringify(await client.closed)}`, { cause: error });
    }
    return client;
  }

  /** Resolve once JOIN_ROOM arrived and was acknowledged; reject if the socket closes or `timeoutMs` passes first. */
  async joined(timeoutMs = 5000): Promise<void> {
    const frame = await this.waitUntil(() => this.joinFrame, timeoutMs, "JOIN_ROOM");
    const it: Iterator = { offset: 1 };
    this.reconnectionToken = decode.utf8Read(frame, it, frame[it.offset++]!);
    this.send(Uint8Array.of(Protocol.JOIN_ROOM));
  }

  /** Resolve when the socket is open, or reject with the HTTP status that refused the upgrade. */
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once("open", () => resolve());
      this.ws.once("unexpected-response", (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
      this.ws.once("error", (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /** A ROOM_DATA frame exactly as the SDK's `room.send(type, payload)` encodes it. */
  sendMessage(type: string | number, payload?: unknown): void {
    this.send(encodeRoomData(type, payload));
  }

  /** One reliable input, framed as the SDK's InputHandle sends it: `[ROOM_INPUT_RELIABLE]` + InputEncoder bytes. */
  sendInput(encoded: Uint8Array): void {
    const frame = new Uint8Array(1 + encoded.length);
    frame[0] = Protocol.ROOM_INPUT_RELIABLE;
    frame.set(encoded, 1);
    this.send(frame);
  }

  all<K extends keyof Messages>(type: K): Array<Messages[K]> {
    return this.messages.filter((m) => m.type === type).map((m) => m.payload as Messages[K]);
  }

  async waitForMessage<K extends keyof Messages>(
    type: K,
    predicate: (payload: Messages[K]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Messages[K]> {
    return this.waitUntil(() => this.all(type).find(predicate), timeoutMs, `message "${String(type)}"`);
  }

  waitForFrame(predicate: (frame: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
    return this.waitUntil(() => this.frames.find(predicate), timeoutMs, "frame");
  }

  /** A consented leave, as the SDK's `room.leave()`: LEAVE_ROOM, then the close handshake. */
  leave(): Promise<void> {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once("close", () => resolve());
      ws.send(Uint8Array.of(Protocol.LEAVE_ROOM));
      ws.close();
    });
  }

  /** Destroy the TCP socket without a close frame: what a cut cable looks like to the peer. */
  cut(): void {
    this.ws.terminate();
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private async waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.ws.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${what} within ${timeoutMs} ms (socket state ${this.ws.readyState})`);
      }
      await new Promise<void>((resolve) => {
        // No timer for an unbounded wait: setTimeout(…, Infinity) fires after 1 ms.
        const timer = Number.isFinite(remaining) ? setTimeout(resolve, remaining) : undefined;
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/**
 * The input sequence a TIMED frame acknowledges, or undefined for a frame
 * without the prefix: `[code|TIMED][uint32 sNow][uint32 inputSeq]` (core
 * SchemaSerializer buildTimedFrame). Reliable inputs are acknowledged by
 * count (core InputBuffer.ackSeq).
 */
export function timedInputAck(frame: Buffer): number | undefined {
  // The uint32 after the protocol byte and the uint32 sNow.
  return (frame[0] ?? 0) & TIMED_MODIFIER && frame.length >= 1 + TIMED_PREFIX_BYTES ? frame.readUInt32LE(5) : undefined;
}

/** Whether a frame carries state (ROOM_STATE or ROOM_STATE_PATCH). */
export function isStateFrame(frame: Uint8Array): boolean {
  const code = protocolCodeOf(frame);
  return code === Protocol.ROOM_STATE || code === Protocol.ROOM_STATE_PATCH;
}

/**
 * `[code][requestId?][type][msgpack payload?]`, as the SDK frames ROOM_DATA
 * and ROOM_REQUEST. Written out rather than borrowed from core's
 * getMessageBytes.raw, which returns a whole 8 KiB scratch buffer when the
 * type name is long (measured with a 2000-character type).
 */
export function encodeFrame(code: number, type: string | number, payload?: unknown, requestId?: number): Buffer {
  const header = new Uint8Array(16 + 3 * String(type).length);
  const it: Iterator = { offset: 0 };
  header[it.offset++] = code;
  if (requestId !== undefined) encode.number(header, requestId, it);
  if (typeof type === "string") encode.string(header, type, it);
  else encode.number(header, type, it);
  const body = payload === undefined ? Buffer.alloc(0) : pack(payload);
  return Buffer.concat([header.subarray(0, it.offset), body]);
}

/** A ROOM_DATA frame exactly as the SDK's `room.send(type, payload)` encodes it. */
export function encodeRoomData(type: string | number, payload?: unknown): Buffer {
  return encodeFrame(Protocol.ROOM_DATA, type, payload);
}

function decodeRoomData(frame: Buffer): RawMessage | undefined {
  if (frame[0] !== Protocol.ROOM_DATA) return undefined;
  const it: Iterator = { offset: 1 };
  const type = decode.stringCheck(frame, it) ? decode.string(frame, it) : decode.number(frame, it);
  const payload: unknown = frame.byteLength > it.offset ? unpack(frame.subarray(it.offset)) : undefined;
  return { type, payload };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
