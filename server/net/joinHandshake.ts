/**
 * The join handshake of one connection, as a state machine over the frames
 * seen on the wire (applied by colyseus/joinGate.ts):
 *
 *   waiting  → the server sends JOIN_ROOM → offered → the client answers
 *   [JOIN_ROOM] → joined.
 *
 * Why a gate at all: until that answer, Colyseus keeps the client JOINING and
 * still dispatches its room messages (core Room#_onMessage handles ROOM_DATA
 * in any state but LEAVING), while everything the room sends it — chat
 * broadcasts, `chat:since` answers — piles up in core's per-client queue,
 * which no socket buffer (and so no slow-consumer cap) sees. A socket that
 * never answers could chat and grow that queue for as long as it stayed.
 *
 * So: a client has `deadlineMs` from JOIN_ROOM to answer, and what it sends
 * before answering is held, not dispatched, and delivered right after its
 * answer. Held, not dropped, because the SDK itself runs the app's
 * onJoin/onReconnect callbacks before it sends the answer (sdk Room.mjs:
 * `onReconnect.invoke()` precedes "Acknowledge JOIN_ROOM"), and Tickwire's
 * client sends `chat:since` from onReconnect. At most `MAX_EARLY_FRAMES` are
 * held; an honest client sends one or two.
 */
export const MAX_EARLY_FRAMES = 8;

export interface JoinHandshakeSettings {
  /** How long a client has, from the server's JOIN_ROOM, to acknowledge it; then closed with 4408. */
  deadlineMs: number;
}

/** What becomes of one inbound frame (already admitted by the frame guard). */
export type HandshakeVerdict =
  /** Joined: dispatch as usual. */
  | "deliver"
  /** The acknowledgement: dispatch it, then the held frames, in order. */
  | "ack"
  /** Before the acknowledgement: keep it for after. */
  | "hold"
  /** One frame too many before the acknowledgement: close with 4408. */
  | "overflow";

export class JoinHandshake {
  private state: "waiting" | "offered" | "joined" = "waiting";
  private held = 0;

  constructor(private readonly maxEarlyFrames = MAX_EARLY_FRAMES) {}

  get joined(): boolean {
    return this.state === "joined";
  }

  /** The server sent JOIN_ROOM; returns true the first time (start the deadline then). */
  offered(): boolean {
    if (this.state !== "waiting") return false;
    this.state = "offered";
    return true;
  }

  /**
   * `isAck`: the frame's protocol code is JOIN_ROOM. An acknowledgement sent
   * before the server's JOIN_ROOM is no acknowledgement (core has no message
   * listener yet and ignores it): it is held like any other frame.
   */
  inbound(isAck: boolean): HandshakeVerdict {
    if (this.state === "joined") return "deliver";
    if (isAck && this.state === "offered") {
      this.state = "joined";
      return "ack";
    }
    if (this.held >= this.maxEarlyFrames) return "overflow";
    this.held++;
    return "hold";
  }
}
