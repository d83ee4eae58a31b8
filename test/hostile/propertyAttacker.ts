import { connect, type Socket } from "node:net";
import { InputEncoder } from "@colyseus/schema/input";
import { WireClient, encodeRoomData, matchmake, type SeatReservation } from "../../colyseus/wireClient.ts";
import { TokenService } from "../../server/auth/TokenService.ts";
import { ClientMessage, MoveInput, Role, RoomName } from "../../shared/index.ts";
import { tickwireFramePolicy } from "../../server/net/framePolicy.ts";
import {
  UNRELIABLE_SLOTS,
  fragments,
  largestAdmitted,
  longestChatLine,
  maxHostileChat,
  reliableInput,
  unreliableInput,
} from "./propertyFrames.ts";

/**
 * The hostile property's attacker: one IP doing the strongest thing the
 * documented limits allow, in a process of its own (forked by
 * propertyHarness.ts), so its client-side CPU is not charged to the process
 * that measures the honest players.
 *
 * Protocol (IPC): started with the AttackPlan as JSON in argv[2]; sends
 * `{ type: "ready", ... }` once its connections are up, then attacks until it
 * gets `{ type: "stop" }`, answers `{ type: "stats", ... }` and exits.
 *
 * The attacker's IP: WebSocket and HTTP requests claim it with
 * X-Forwarded-For (the server trusts 127.0.0.1 as a proxy), so every per-IP
 * limit applies to it. The slow-HTTP mode connects from that loopback address
 * itself (127.0.0.x), since the socket cap counts peer addresses (a trusted
 * proxy is exempt from it).
 */
export type AttackMode =
  | "input-reliable"
  | "input-unreliable"
  | "input-fragmented"
  | "chat"
  | "join-no-ack"
  | "slow-http"
  | "reservations"
  | "slow-consumer";

export interface AttackPlan {
  mode: AttackMode;
  httpUrl: string;
  port: number;
  /** The one address the attack comes from: an XFF claim, and for slow HTTP the socket's own (loopback) address. */
  ip: string;
  secret: string;
  /** The documented defaults the attack is sized to. */
  limits: {
    maxConnectionsPerIp: number;
    messagesPerSecond: number;
    maxPayloadBytes: number;
    maxFragments: number;
    maxHttpSocketsPerIp: number;
    matchmakeMaxBodyBytes: number;
    /** Seats one IP may hold in one room (MAX_SEATS_PER_IP_PER_ROOM): the fleet opens a room per this many. */
    maxSeatsPerIpPerRoom: number;
  };
}

export interface AttackStats {
  mode: AttackMode;
  /** Connections (or sockets, or reservations) open at the end. */
  open: number;
  /** Frames or requests sent per second over the attack. */
  sentPerS: number;
  /** Frames not sent because the server was not reading (the socket's send queue over 256 KiB). */
  backlogged: number;
  /** Closes the server gave, by code (HTTP statuses for the HTTP modes). */
  closes: Record<string, number>;
  note: string;
}

type Control = { type: "stop" };

const plan = JSON.parse(process.argv[2] ?? "{}") as AttackPlan;
const { limits } = plan;
const headers = { "x-forwarded-for": plan.ip };
const tokens = new TokenService({ secret: new TextEncoder().encode(plan.secret), ttlSeconds: 3600 });
const stats: AttackStats = { mode: plan.mode, open: 0, sentPerS: 0, backlogged: 0, closes: {}, note: "" };
let sent = 0;
let stopping = false;
/** From "ready": the rate is the attack's, not its setup's. */
let attackingSince = performance.now();
const BACKLOG_BYTES = 256 * 1024;

const count = (key: string | number) => (stats.closes[String(key)] = (stats.closes[String(key)] ?? 0) + 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mint(): Promise<string> {
  return tokens
    .issue({ playerId: TokenService.newPlayerId(), name: "Mallory", role: Role.Player })
    .then((t) => t.token);
}

/** Matchmake as the SDK does, waiting out 429s (the request budget is the limit being spent). */
async function reserve(method: string, roomNameOrId: string, token: string, body?: string): Promise<SeatReservation> {
  for (;;) {
    const answer = await matchmake(plan.httpUrl, method, roomNameOrId, { token, headers, body });
    if (answer.status === 200) return answer.body;
    count(answer.status);
    if (answer.status !== 429 || stopping) throw new Error(`matchmake ${answer.status}`);
    await sleep(Number(answer.headers.get("retry-after") ?? "1") * 1000);
  }
}

/** A joined raw client in `roomId` ("create" when undefined), retrying a 429 upgrade after its Retry-After. */
async function join(roomId: string | undefined, token: string, ack = true): Promise<WireClient> {
  for (;;) {
    const seat = await reserve(roomId === undefined ? "create" : "joinById", roomId ?? RoomName.Arena, token);
    const client = WireClient.open(WireClient.roomUrl(plan.httpUrl, seat), seat, { headers, record: false });
    try {
      if (ack) await client.joined(10_000);
      else await client.opened();
      return client;
    } catch {
      const closed = await client.closed;
      count(closed.code);
      if (stopping) throw new Error("stopping");
      await sleep(1000);
    }
  }
}

/**
 * Keep `size` connections in rooms of the attacker's own (a new room per
 * MAX_SEATS_PER_IP_PER_ROOM seats), re-joining any the server closes (the
 * budget permitting), each driven by `drive` until it closes.
 */
async function fleet(size: number, ack: boolean, drive: (client: WireClient, slot: number) => void): Promise<void> {
  const token = await mint();
  const live = new Set<WireClient>();
  const keep = async (slot: number, roomId: string, initial?: WireClient) => {
    let client = initial;
    while (!stopping) {
      client ??= await join(roomId, token, ack).catch(() => undefined);
      if (client === undefined) {
        await sleep(500);
        continue;
      }
      live.add(client);
      stats.open = live.size;
      drive(client, slot);
      const closed = await client.closed;
      live.delete(client);
      stats.open = live.size;
      if (!stopping) count(closed.code);
      client = undefined;
    }
  };
  stopAll = () => {
    for (const client of live) reset(client);
  };
  let roomId = "";
  for (let slot = 0; slot < size && !stopping; slot++) {
    // The room's first seat holds it (an acknowledged join), the others join it by id.
    const opensRoom = slot % limits.maxSeatsPerIpPerRoom === 0;
    // A refusal while the fleet comes up is the limits at work (the room's
    // seats for this address taken by re-joins of connections already cut,
    // say): the slot keeps trying, as a cut one does; a room is retried.
    const client = await join(opensRoom ? undefined : roomId, token, opensRoom || ack).catch(() => undefined);
    if (opensRoom) {
      if (client === undefined) {
        slot--;
        await sleep(500);
        continue;
      }
      roomId = client.seat?.roomId ?? "";
    }
    void keep(slot, roomId, client);
  }
}

let stopAll = (): void => undefined;

/**
 * End a connection with a TCP RST rather than a close: what the server has
 * not read yet is discarded with it, so the next phase does not measure the
 * server still working through this one's backlog (a FIN would be read after
 * all of it).
 */
function reset(client: WireClient): void {
  const socket = (client.ws as unknown as { _socket?: Socket })._socket;
  if (socket !== undefined) socket.resetAndDestroy();
  else client.close();
}

/** Call `send(client, n)` so that each connection sends `perSecond` frames a second, paced every 10 ms. */
function paced(perSecond: number, send: (client: WireClient, n: number) => void): (client: WireClient) => void {
  return (client) => {
    const begun = performance.now();
    let done = 0;
    const timer = setInterval(() => {
      if (!client.isOpen) return clearInterval(timer);
      const due = Math.floor(((performance.now() - begun) / 1000) * perSecond);
      for (; done < due; done++) {
        if (client.ws.bufferedAmount > BACKLOG_BYTES) {
          stats.backlogged += due - done;
          done = due;
          break;
        }
        send(client, done);
        sent++;
      }
    }, 10);
  };
}

/** Whether the server's frame policy (as configured for Tickwire's input) lets a frame through. */
const admits = (() => {
  const policy = tickwireFramePolicy(MoveInput);
  return (frame: Buffer) => policy(frame, true).ok;
})();

async function inputs(mode: AttackMode): Promise<void> {
  const maxWrites = Math.floor((limits.maxPayloadBytes - 1) / 3);
  const writes = largestAdmitted(reliableInput, maxWrites, admits);
  const slots = largestAdmitted((n) => unreliableInput(n, 1), UNRELIABLE_SLOTS(limits.maxPayloadBytes), admits);
  const reliable = reliableInput(writes);
  const pieces = fragments(reliable, limits.maxFragments);
  let baseSeq = 1;
  stats.note =
    mode === "input-fragmented"
      ? `${pieces.length} fragments of ${pieces[0]?.length ?? 0} B per ${reliable.length} B reliable input`
      : mode === "input-reliable"
        ? `${reliable.length} B, ${writes} field writes${admits(reliable) ? "" : " (refused by the policy)"}`
        : `${6 + slots} B, ${slots} empty slots${admits(unreliableInput(slots, 1)) ? "" : " (refused by the policy)"}`;
  await fleet(
    limits.maxConnectionsPerIp,
    true,
    paced(limits.messagesPerSecond, (client) => {
      if (mode === "input-reliable") client.send(reliable);
      else if (mode === "input-unreliable") {
        client.send(unreliableInput(slots, baseSeq));
        baseSeq += slots;
      } else {
        pieces.forEach((piece, i) => client.ws.send(piece, { binary: true, fin: i === pieces.length - 1 }));
      }
    }),
  );
}

/** Chat at the frame rate: mostly max-size hostile text (hygiene, then too_long), every 4th a chat:since. */
async function chat(): Promise<void> {
  const hostile = Array.from({ length: 16 }, (_, n) => maxHostileChat(limits.maxPayloadBytes, n));
  const since = encodeRoomData(ClientMessage.ChatSince, { afterId: 0 });
  stats.note = `${hostile[0]?.length ?? 0} B hostile lines, 280-char lines, chat:since; flood control mutes`;
  await fleet(
    limits.maxConnectionsPerIp,
    true,
    paced(limits.messagesPerSecond, (client, n) => {
      if (n % 4 === 3) client.send(since);
      else if (n % 4 === 2) client.send(longestChatLine(n));
      else client.send(hostile[n % hostile.length]!);
    }),
  );
}

/**
 * Seats that never acknowledge JOIN_ROOM, each sending the 8 frames the join
 * gate holds (max-size chat), re-joined when closed with 4408.
 */
async function joinsNeverAcked(): Promise<void> {
  const held = maxHostileChat(limits.maxPayloadBytes, 0);
  stats.note = "each: 8 held 4 KiB frames, closed 4408 after JOIN_ACK_TIMEOUT_MS, re-joined";
  await fleet(limits.maxConnectionsPerIp, false, (client) => {
    for (let i = 0; i < 8; i++) client.send(held);
    sent += 8;
  });
}

/** Sockets that trickle a request head a byte every 500 ms, reopened when the server closes them. */
function slowHttp(): Promise<void> {
  const [host, port] = ["127.0.0.1", plan.port];
  const head = "POST /matchmake/joinOrCreate/arena HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  const live = new Set<Socket>();
  const open = () => {
    if (stopping) return;
    const socket = connect({ host, port, localAddress: plan.ip });
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      live.add(socket);
      stats.open = live.size;
      socket.write(head);
      timer = setInterval(() => {
        socket.write("a");
        sent++;
      }, 500);
    });
    socket.on("data", (data: Buffer) => count(data.toString().split(" ")[1] ?? "data"));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      live.delete(socket);
      stats.open = live.size;
      if (!stopping) {
        count("closed");
        setTimeout(open, 50);
      }
    });
  };
  for (let i = 0; i < limits.maxHttpSocketsPerIp; i++) open();
  stopAll = () => {
    for (const socket of live) socket.resetAndDestroy();
  };
  stats.note = `${limits.maxHttpSocketsPerIp} sockets from ${plan.ip}, a head byte every 500 ms`;
  return Promise.resolve();
}

/** Seat reservations at the request budget, with the largest body allowed (join options held with each seat). */
async function reservations(): Promise<void> {
  const token = await mint();
  const padding = "p".repeat(limits.matchmakeMaxBodyBytes - 64);
  const body = JSON.stringify({ name: "Mallory", padding });
  const worker = async () => {
    while (!stopping) {
      const answer = await matchmake(plan.httpUrl, "joinOrCreate", RoomName.Arena, { token, headers, body }).catch(
        () => undefined,
      );
      sent++;
      if (answer === undefined) continue;
      count(answer.status);
      if (answer.status === 200) stats.open++;
      else await sleep(Number(answer.headers.get("retry-after") ?? "1") * 1000);
    }
  };
  for (let i = 0; i < 4; i++) void worker();
  stats.note = `${body.length} B bodies, joinOrCreate, never claimed`;
}

/**
 * Connections that read nothing (socket paused) while asking for the most
 * output: chat lines at the chat rate (broadcast to all 32), chat:since at
 * its budget (up to 100 lines each), and movement (patches).
 */
async function slowConsumers(): Promise<void> {
  const input = new MoveInput();
  const encoder = new InputEncoder(input);
  let n = 0;
  stats.note = "paused readers: chat at 1/s, chat:since at 1/s, inputs at 20/s each";
  await fleet(limits.maxConnectionsPerIp, true, (client) => {
    client.ws.pause();
    const timers = [
      setInterval(() => {
        input.dx = n++ % 40 < 20 ? 1 : -1;
        client.sendInput(encoder.encode());
        sent++;
      }, 50),
      setInterval(() => {
        client.send(longestChatLine(n++));
        client.send(encodeRoomData(ClientMessage.ChatSince, { afterId: 0 }));
        sent += 2;
      }, 1000),
    ];
    void client.closed.then(() => timers.forEach(clearInterval));
  });
}

const modes: Record<AttackMode, () => Promise<void>> = {
  "input-reliable": () => inputs("input-reliable"),
  "input-unreliable": () => inputs("input-unreliable"),
  "input-fragmented": () => inputs("input-fragmented"),
  chat,
  "join-no-ack": joinsNeverAcked,
  "slow-http": slowHttp,
  reservations,
  "slow-consumer": slowConsumers,
};

process.on("message", (message: Control) => {
  if (message.type !== "stop") return;
  stopping = true;
  stats.sentPerS = Math.round(sent / ((performance.now() - attackingSince) / 1000));
  stopAll();
  process.send?.({ type: "stats", stats }, () => process.exit(0));
});

// The process lives on its IPC channel until "stop"; a stray error must not lose the stats.
process.on("uncaughtException", (error) => {
  stats.note += ` (attacker error: ${error.message})`;
});

void (async () => {
  try {
    await modes[plan.mode]();
    sent = 0;
    attackingSince = performance.now();
    process.send?.({ type: "ready", open: stats.open });
  } catch (error) {
    process.send?.({ type: "failed", error: String(error) });
  }
})();
