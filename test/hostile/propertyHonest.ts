import { InputEncoder } from "@colyseus/schema/input";
import { WireClient, isStateFrame, timedInputAck, type SeatReservation } from "../../colyseus/wireClient.ts";
import { MoveInput } from "../../shared/index.ts";

/**
 * An honest player for the hostile property, on the raw wire client (it
 * decodes no state, so a dozen cost the measuring process little): one
 * reliable MoveInput per tick, as the SDK's input handle sends it, and a
 * record of when each state frame arrived and how long each input took to be
 * acknowledged, so the harness can cut both into windows afterwards.
 *
 * The ack is the SDK's reconciliation ack: every state frame of a room with
 * inputs is TIMED and carries how many of this client's inputs the server has
 * consumed (core InputBuffer.ackSeq; reliable inputs are acked by count), the
 * number the SDK's Predict reconciler drops pending inputs on. The same logic
 * as bench/bots/wire.ts, with timestamps kept.
 */
export class HonestPlayer {
  /** performance.now() of every state frame (ROOM_STATE / ROOM_STATE_PATCH). */
  readonly stateAt: number[] = [];
  /** Every acknowledged input: when its ack arrived and how long after it was sent. */
  readonly acks: Array<{ at: number; ms: number }> = [];
  droppedWith: number | undefined;
  private client: WireClient | undefined;
  private closing = false;
  private readonly input = new MoveInput();
  private readonly encoder = new InputEncoder(this.input);
  private sent = 0;
  private readonly pending: Array<{ seq: number; at: number }> = [];

  constructor(readonly seat: SeatReservation) {}

  async connect(url: string, headers: Record<string, string>): Promise<void> {
    const client = WireClient.open(url, this.seat, { headers, record: false, onFrame: (f) => this.receive(f) });
    this.client = client;
    void client.closed.then(({ code }) => {
      if (!this.closing) this.droppedWith = code;
    });
    await client.joined(10_000);
  }

  move(dx: number, dy: number): void {
    if (this.client?.isOpen !== true) return;
    this.input.dx = dx;
    this.input.dy = dy;
    this.client.sendInput(this.encoder.encode());
    this.pending.push({ seq: ++this.sent, at: performance.now() });
  }

  /** Forget what was recorded before `at` (keeps memory flat over a long run). */
  forgetBefore(at: number): void {
    const keepFrom = this.stateAt.findIndex((t) => t >= at);
    // Keep one arrival before the cut: the harness needs the interval that straddles it.
    this.stateAt.splice(0, keepFrom < 0 ? Math.max(0, this.stateAt.length - 1) : Math.max(0, keepFrom - 1));
    const acksFrom = this.acks.findIndex((a) => a.at >= at);
    this.acks.splice(0, acksFrom < 0 ? this.acks.length : acksFrom);
  }

  close(): Promise<void> {
    this.closing = true;
    return this.client?.leave() ?? Promise.resolve();
  }

  private receive(frame: Buffer): void {
    const now = performance.now();
    if (isStateFrame(frame)) this.stateAt.push(now);
    const ackSeq = timedInputAck(frame);
    if (ackSeq === undefined) return;
    let settled = 0;
    while (settled < this.pending.length && this.pending[settled]!.seq <= ackSeq) {
      this.acks.push({ at: now, ms: now - this.pending[settled]!.at });
      settled++;
    }
    if (settled > 0) this.pending.splice(0, settled);
  }
}

/**
 * State frames received in [start, end), counted without the ±1 of where a
 * window's edges fall between two patches: each interval between consecutive
 * arrivals contributes the share of it inside the window (a steady 20/s over
 * one second counts 20.0 wherever the window starts; a 500 ms stall inside it
 * counts as the one interval it is). After the last arrival nothing counts:
 * the harness reads a window only once a patch interval has passed after it.
 */
export function statesIn(arrivals: number[], start: number, end: number): number {
  let count = 0;
  for (let i = 0; i + 1 < arrivals.length; i++) {
    const from = arrivals[i]!;
    const to = arrivals[i + 1]!;
    if (to <= from) continue;
    const overlap = Math.min(to, end) - Math.max(from, start);
    if (overlap > 0) count += overlap / (to - from);
  }
  return count;
}
