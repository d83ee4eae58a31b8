import { Protocol } from "@colyseus/core";
import type { WebSocket } from "ws";
import { TickwireCloseCode } from "../shared/index.ts";
import { JoinHandshake } from "../server/net/joinHandshake.ts";
import { closeOnPurpose } from "./closeSocket.ts";
import { protocolCodeOf } from "./protocol.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/Room.ts (Room#_onJoin attaches its 'message' listener, then sends JOIN_ROOM by `client.raw`; Room#_onMessage: `JOIN_ROOM && state === JOINING` → JOINED, flushes `_enqueuedMessages`; ROOM_DATA dispatched in JOINING too)
 * Mirrors: @colyseus/core@0.18.17 src/Transport.ts (enqueueClientRaw: a client not JOINED gets its messages pushed on `_enqueuedMessages`, unbounded)
 * Mirrors: @colyseus/sdk@0.18.4 src/Room.ts (onJoin/onReconnect callbacks run before the `[JOIN_ROOM]` acknowledgement is sent)
 * Mirrors: ws@8.23.0 lib/websocket.js (WebSocket#send, emit('message', data, isBinary))
 *
 * Applies the join handshake policy (server/net/joinHandshake.ts) to one
 * connection: the deadline starts when core sends JOIN_ROOM (seen in
 * `ws.send`), and inbound frames before the client's acknowledgement are held
 * (seen in `ws.emit`), then delivered after it. Installed before the frame
 * tap (colyseus/frameTap.ts), so the tap's rate limit and frame policy apply
 * to every frame first, and held frames are delivered inside the tap's try.
 *
 * Why the deadline is not counted from the upgrade: a reconnection whose old
 * socket the server has not yet noticed is dead legitimately waits in core
 * (up to seatReservationTimeout) before JOIN_ROOM is sent.
 */
export function gateJoinHandshake(
  ws: WebSocket,
  deadlineMs: number,
  onRefused: (why: "timeout" | "overflow") => void,
): void {
  const handshake = new JoinHandshake();
  const held: unknown[][] = [];
  let timer: NodeJS.Timeout | undefined;

  const refuse = (why: "timeout" | "overflow"): void => {
    clearTimeout(timer);
    held.length = 0;
    onRefused(why);
    closeOnPurpose(
      ws,
      TickwireCloseCode.JoinTimeout,
      why === "timeout" ? "join not acknowledged in time" : "too many frames before joining",
    );
  };

  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  const gatedSend = (...args: unknown[]): void => {
    const data = args[0];
    if (!handshake.joined && data instanceof Uint8Array && protocolCodeOf(data) === Protocol.JOIN_ROOM) {
      if (handshake.offered()) {
        timer = setTimeout(() => refuse("timeout"), deadlineMs);
        timer.unref();
      }
    }
    send(...args);
  };
  ws.send = gatedSend as WebSocket["send"];

  const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
  const gatedEmit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== "message") return emit(event, ...args);
    const frame = args[0];
    const isAck = frame instanceof Uint8Array && protocolCodeOf(frame) === Protocol.JOIN_ROOM;
    switch (handshake.inbound(isAck)) {
      case "deliver":
        return emit(event, ...args);
      case "hold":
        held.push(args);
        return true;
      case "overflow":
        refuse("overflow");
        return true;
      case "ack": {
        clearTimeout(timer);
        const result = emit(event, ...args);
        for (const early of held.splice(0)) emit(event, ...early);
        return result;
      }
    }
  };
  ws.emit = gatedEmit as WebSocket["emit"];
  ws.once("close", () => {
    clearTimeout(timer);
    held.length = 0;
  });
}

/** The private client fields read below (ws-transport WebSocketClient, core Transport.ts enqueueClientRaw). */
interface JoiningClient {
  _enqueuedMessages?: Uint8Array[];
}

/**
 * Bytes core holds for a client that has not completed its join (its
 * `_enqueuedMessages`, flushed on the acknowledgement and deleted then); 0
 * once joined. For the hostile suite and diagnostics: no socket buffer sees
 * this queue.
 */
export function bytesQueuedBeforeJoin(client: object): number {
  const queue = (client as JoiningClient)._enqueuedMessages;
  if (!Array.isArray(queue)) return 0;
  let bytes = 0;
  for (const message of queue) bytes += message.byteLength;
  return bytes;
}
