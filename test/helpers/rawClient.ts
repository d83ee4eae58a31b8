import { request } from "node:http";
import { Protocol } from "@colyseus/core";
import { decode, encode, type Iterator } from "@colyseus/schema";
import { pack, unpack } from "msgpackr";
import { WebSocket, type RawData } from "ws";
import type { ServerMessages } from "../../shared/index.ts";
import type { TestServer } from "./server.ts";

/**
 * A client that speaks Colyseus' wire protocol by hand over a plain `ws`
 * socket, so a test can send what the SDK would refuse to: unknown types,
 * wrong payloads, truncated or random frames, floods, and can stop reading.
 *
 * The handshake is the SDK's (sdk/src/Client.ts createMatchMakeRequest →
 * consumeSeatReservation → buildEndpoint, Room.ts JOIN_ROOM handling):
 *   1. POST /matchmake/<method>/<room> with `Authorization: Bearer <token>`
 *      answers a seat reservation { roomId, sessionId, processId, … }.
 *   2. WebSocket to ws://host:port/<processId>/<roomId>?sessionId=<id>.
 *   3. The server sends JOIN_ROOM [10, len, reconnectionToken, len,
 *      serializerId, …]; the client acknowledges with [10], after which the
 *      server sends the full state and anything queued during onJoin.
 */
export interface SeatReservation {
  name: string;
  roomId: string;
  sessionId: string;
  processId: string;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function matchmake(
  ts: TestServer,
  method: string,
  roomNameOrId: string,
  options: { token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer<SeatReservation & { error?: string; code?: number }>> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${ts.httpUrl}/matchmake/${method}/${roomNameOrId}`, {
    method: "POST",
    headers,
    body: options.body ?? "{}",
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as never, headers: response.headers };
}

/**
 * A POST with the request target sent verbatim: `fetch` normalises URLs, so
 * it cannot send an absolute-form target (`http://x/auth/guest`), `//a` or
 * `/./a`, which Node's server hands to the routers as they are.
 */
export async function postRaw(
  ts: TestServer,
  target: string,
  { headers = {}, body = "{}" }: { headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: ts.port,
        method: "POST",
        path: target,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: Record<string, unknown>;
          try {
            parsed = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            parsed = { text };
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") responseHeaders.set(name, value);
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: responseHeaders });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface Closed {
  code: number;
  reason: string;
}

export interface RawMessage {
  type: string | number;
  payload: unknown;
}

export class RawClient {
  /** Every frame received, in order. */
  readonly frames: Buffer[] = [];
  /** ROOM_DATA frames decoded into type + payload. */
  readonly messages: RawMessage[] = [];
  readonly closed: Promise<Closed>;
  reconnectionToken = "";
  private waiters: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    readonly seat: SeatReservation | undefined,
  ) {
    ws.on("message", (data: RawData) => {
      const frame = toBuffer(data);
      this.frames.push(frame);
      const message = decodeRoomData(frame);
      if (message !== undefined) this.messages.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    // Errors (e.g. a refused upgrade) surface through `closed` and `opened`.
    ws.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      ws.once("close", (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  /** Open a socket to `url` without joining (for upgrade-level tests). */
  static connect(url: string, headers: Record<string, string> = {}): RawClient {
    return new RawClient(new WebSocket(url, { headers }), undefined);
  }

  /** URL of the room socket for a seat, as the SDK builds it. */
  static roomUrl(ts: TestServer, seat: SeatReservation, query = ""): string {
    return `ws://127.0.0.1:${ts.port}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}${query}`;
  }

  /** Matchmake into `roomId`, open the socket and complete the JOIN handshake. */
  static async join(ts: TestServer, roomId: string, token: string, headers: Record<string, string> = {}) {
    const answer = await matchmake(ts, "joinById", roomId, { token, headers });
    if (answer.status !== 200) throw new Error(`matchmake answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const client = new RawClient(new WebSocket(RawClient.roomUrl(ts, answer.body), { headers }), answer.body);
    await client.joined();
    return client;
  }

  /**
   * Reconnect to a held seat the way the SDK's automatic reconnection does:
   * straight to the room socket with the last reconnection token (no
   * matchmaking). Resolves once joined; rejects with the close if refused.
   */
  static async reconnect(
    ts: TestServer,
    previous: RawClient,
    headers: Record<string, string> = {},
  ): Promise<RawClient> {
    const seat = previous.seat;
    if (seat === undefined) throw new Error("not a joined client");
    const url = RawClient.roomUrl(ts, seat, `&reconnectionToken=${previous.reconnectionToken}&skipHandshake=1`);
    const client = new RawClient(new WebSocket(url, { headers }), seat);
    try {
      await client.joined();
    } catch (error) {
      if (client.ws.readyState !== WebSocket.CLOSED) throw error;
      throw new Error(`reconnection refused: ${JSON.stringify(await client.closed)}`, { cause: error });
    }
    return client;
  }

  /** Resolve once JOIN_ROOM arrived and was acknowledged. */
  async joined(): Promise<void> {
    const frame = await this.waitForFrame((f) => f[0] === Protocol.JOIN_ROOM);
    const it: Iterator = { offset: 1 };
    this.reconnectionToken = decode.utf8Read(frame, it, frame[it.offset++]!);
    this.send(Buffer.from([Protocol.JOIN_ROOM]));
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

  send(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  /** A ROOM_DATA frame exactly as the SDK's `room.send(type, payload)` encodes it. */
  sendMessage(type: string | number, payload?: unknown): void {
    this.send(encodeRoomData(type, payload));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  all<K extends keyof ServerMessages>(type: K): Array<ServerMessages[K]> {
    return this.messages.filter((m) => m.type === type).map((m) => m.payload as ServerMessages[K]);
  }

  async waitForMessage<K extends keyof ServerMessages>(
    type: K,
    predicate: (payload: ServerMessages[K]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerMessages[K]> {
    const found = await this.waitUntil(() => this.all(type).find(predicate), timeoutMs, `message "${type}"`);
    return found;
  }

  waitForFrame(predicate: (frame: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
    return this.waitUntil(() => this.frames.find(predicate), timeoutMs, "frame");
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
        const timer = setTimeout(resolve, remaining);
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
