/**
 * What each WebSocket connection costs the process, and whom to cut when one
 * (or one address) costs too much: plain numbers and decisions, no sockets
 * (applied by colyseus/costCutter.ts; the frame tap feeds it).
 *
 * Why a meter on top of the per-frame limits: the limits bound what a frame
 * may *be* (size, rate, shape), not what it *costs*. A frame the limits
 * admit can still be expensive to dispatch (a decoder's slow path, a heavy
 * but legitimate handler), and 32 connections per address × 120 frames/s
 * of such frames stall the event loop every other room shares. The meter
 * closes that gap in general: whatever makes a connection expensive, its
 * measured dispatch time is what is judged.
 *
 * Each connection and each address carries decay-weighted sums (time
 * constant COST_WINDOW_MS): dispatch CPU in ms, frames, bytes in. With a
 * steady rate r per second the sum settles at r × window, so `sum / window`
 * is a rate over roughly the last second that needs no buckets and no
 * allocation per frame. An address' sums are the sums of its connections',
 * including connections that closed recently (closing and reopening does not
 * reset an address' cost); a connection that is cut takes its share with it,
 * so the next cut needs the remaining connections to be too costly too.
 *
 * Two clocks per frame: a connection's own sum counts each frame at most
 * MAX_FRAME_SHARE of its budget (so one dispatch that absorbed a GC pause
 * does not cut an honest player alone), while its address' sum counts every
 * frame in full, so what an address is held to is measured time, not capped
 * samples (a frame of 100 ms counts 100 ms there), with one exception so a
 * pause inside one honest dispatch cannot cut: the connection with the most
 * time over the cap counts capped (judgedCpuMs).
 *
 * Who is never cut: a connection whose own share is negligible (below
 * NEGLIGIBLE_SHARE of the per-connection budget, or of the address' frame
 * budget). An address can be over its budget with only such connections
 * live: its cost was spent by connections already closed (an attacker behind
 * the same NAT on short-lived sockets). Cutting the idle neighbours would
 * punish the wrong players, so instead the address gets no new connection
 * (`refusesUpgrades`, applied at the upgrade with 429) until its sums decay
 * under budget.
 *
 * Cut reasons:
 * - `cpu`: a connection over `maxDispatchMsPerS`, or an address over
 *   `maxDispatchMsPerSPerIp` (its heaviest connection is cut);
 * - `frames`: an address over `maxFramesPerSPerIp` (its busiest connection;
 *   one connection's own rate is MAX_MESSAGES_PER_S' job, 4429);
 * - `queued_bytes`: an address whose connections' unsent queues sum over
 *   `maxQueuedBytesPerIp` (its longest queue, until under);
 * - `loop_lag`: the event loop's delay over `loopLagCutMs`: the heaviest
 *   connection of the process, and only if it costs at least
 *   LOOP_LAG_MIN_SHARE of the per-connection budget, so load from honest
 *   players (each far below it) never cuts anyone.
 */
export interface ConnectionCostSettings {
  /** Dispatch CPU one connection may use, in ms per second (decay-weighted over ~1 s). */
  maxDispatchMsPerS: number;
  /** The same, summed over every connection of one client IP (IPv6: per /64). */
  maxDispatchMsPerSPerIp: number;
  /** Frames per second summed over every connection of one client IP. */
  maxFramesPerSPerIp: number;
  /** Unsent bytes (`ws` bufferedAmount) summed over every connection of one client IP. */
  maxQueuedBytesPerIp: number;
  /** Event-loop delay (p99 over one sweep) above which the heaviest connection is cut; 0 turns it off. */
  loopLagCutMs: number;
}

/** The decay time constant: the sums are rates over roughly this much recent time. */
export const COST_WINDOW_MS = 1000;

/** How often queues and the event-loop delay are looked at (colyseus/costCutter.ts). */
export const COST_SWEEP_MS = 500;

/**
 * Under loop lag, the heaviest connection is cut only if it costs at least
 * this share of `maxDispatchMsPerS` (25 ms/s at the default 50), more than one
 * frame can count (MAX_FRAME_SHARE): an honest player measures ~0.4 ms/s
 * on average, ~5 ms/s at its peaks, chatting in a room of 32 (SECURITY.md),
 * so a loop slowed down by honest load, or by a garbage-collection pause one
 * honest dispatch happened to absorb, cuts no one.
 */
export const LOOP_LAG_MIN_SHARE = 0.5;

/**
 * One frame counts at most this share of the per-connection budget (12.5 ms
 * at the default 50). Measured with 32 honest players on this 2-core machine
 * under load: dispatches take 10 µs at the median, 0.6 ms at p99, and one of
 * 8 000 took 188 ms (a garbage-collection pause or the machine's other work
 * landing inside it). Such a frame does not cut an honest player by itself;
 * an attacker whose frames all cost that much is cut after four.
 */
export const MAX_FRAME_SHARE = 0.25;

/**
 * A connection whose own share is below this fraction of the per-connection
 * budget (5 ms/s of 50; frames: of the address' frame budget, 120/s of 1200)
 * is never cut for its address' sums. An honest player costs ~0.4 ms/s and
 * sends ~21 frames/s (SECURITY.md), so it stays under; an attacker's live
 * connection that pushes its address over does not (it must spend the excess
 * itself, or its address' cost came from closed connections: then new
 * upgrades are refused instead).
 */
export const NEGLIGIBLE_SHARE = 0.1;

export type CutReason = "cpu" | "queued_bytes" | "frames" | "loop_lag";

/** Whose budget was crossed: the connection's own, its address', or the process' (loop lag). */
export type CutScope = "connection" | "ip" | "process";

/** Where a connection is, for the log line (never its tokens). */
export interface ConnectionLabel {
  ip: string;
  roomId: string | undefined;
  sessionId: string | undefined;
}

/** A decision to cut one connection, with the figures behind it (rates per second). */
export interface Cut<T> {
  reason: CutReason;
  scope: CutScope;
  subject: T;
  label: ConnectionLabel;
  cpuMsPerS: number;
  framesPerS: number;
  bytesInPerS: number;
  queuedBytes: number;
  /** The address' sums at the decision (after a sweep, its queued bytes). */
  ipCpuMsPerS: number;
  ipFramesPerS: number;
  ipQueuedBytes: number;
}

/** Decay-weighted sums, brought forward to `at` lazily. */
class Sums {
  /** Each frame counted at most MAX_FRAME_SHARE of the per-connection budget (what cuts one connection). */
  cpuMs = 0;
  /** Each frame counted in full (what an address is judged by). */
  fullCpuMs = 0;
  frames = 0;
  bytes = 0;
  at: number;

  constructor(now: number) {
    this.at = now;
  }

  decayTo(now: number): void {
    const elapsed = now - this.at;
    if (elapsed <= 0) return;
    const k = Math.exp(-elapsed / COST_WINDOW_MS);
    this.cpuMs *= k;
    this.fullCpuMs *= k;
    this.frames *= k;
    this.bytes *= k;
    this.at = now;
  }
}

class AddressCost extends Sums {
  readonly connections = new Set<ConnectionCost<unknown>>();
  queuedBytes = 0;
}

/** One connection's meter; hand it back to `frame` for each of its frames. */
export class ConnectionCost<T> extends Sums {
  queuedBytes = 0;
  /** Set once cut: its frames still in flight are not counted again. */
  cut: CutReason | undefined = undefined;

  constructor(
    readonly subject: T,
    readonly label: ConnectionLabel,
    readonly address: AddressCost,
    now: number,
  ) {
    super(now);
  }
}

/** The heaviest connection's and address' dispatch CPU now, in ms per second (for the gauge). */
export interface TopCost {
  connectionMsPerS: number;
  ipMsPerS: number;
}

export class ConnectionCosts<T> {
  private readonly addresses = new Map<string, AddressCost>();
  private readonly cpuLimit: number;
  private readonly ipCpuLimit: number;
  private readonly ipFramesLimit: number;
  private readonly maxSampleMs: number;
  private readonly loopLagFloor: number;
  private readonly negligibleCpuMs: number;
  private readonly negligibleFrames: number;

  constructor(private readonly settings: ConnectionCostSettings) {
    const window = COST_WINDOW_MS / 1000;
    this.cpuLimit = settings.maxDispatchMsPerS * window;
    this.ipCpuLimit = settings.maxDispatchMsPerSPerIp * window;
    this.ipFramesLimit = settings.maxFramesPerSPerIp * window;
    this.maxSampleMs = this.cpuLimit * MAX_FRAME_SHARE;
    this.loopLagFloor = this.cpuLimit * LOOP_LAG_MIN_SHARE;
    this.negligibleCpuMs = this.cpuLimit * NEGLIGIBLE_SHARE;
    this.negligibleFrames = this.ipFramesLimit * NEGLIGIBLE_SHARE;
  }

  /** A new connection from `label.ip` (a limit key: clientIp.ts limitKey). */
  open(subject: T, label: ConnectionLabel, now: number): ConnectionCost<T> {
    let address = this.addresses.get(label.ip);
    if (address === undefined) {
      address = new AddressCost(now);
      this.addresses.set(label.ip, address);
    }
    const connection = new ConnectionCost(subject, label, address, now);
    address.connections.add(connection);
    return connection;
  }

  /** The connection is gone; its recent cost stays with its address until it decays. */
  close(connection: ConnectionCost<T>): void {
    connection.address.connections.delete(connection);
  }

  /**
   * One frame of `connection` took `ms` to admit and dispatch and was `bytes`
   * long. Returns the connection to cut if a budget is now crossed (this one,
   * or its address' heaviest), else undefined. No allocation unless a cut.
   */
  frame(connection: ConnectionCost<T>, ms: number, bytes: number, now: number): Cut<T> | undefined {
    if (connection.cut !== undefined) return undefined;
    const sample = ms < this.maxSampleMs ? ms : this.maxSampleMs;
    const address = connection.address;
    connection.decayTo(now);
    address.decayTo(now);
    connection.cpuMs += sample;
    connection.fullCpuMs += ms;
    connection.frames += 1;
    connection.bytes += bytes;
    address.cpuMs += sample;
    address.fullCpuMs += ms;
    address.frames += 1;
    address.bytes += bytes;
    if (connection.cpuMs > this.cpuLimit) return this.cut(connection, "cpu", "connection", now);
    if (address.fullCpuMs > this.ipCpuLimit) {
      const heaviest = this.heaviest(address, now, "fullCpuMs");
      // Negligible: the address' cost is its closed connections' (refusesUpgrades), not this one's.
      if (heaviest.cpuMs < this.negligibleCpuMs) return undefined;
      if (this.judgedCpuMs(address, now) > this.ipCpuLimit) return this.cut(heaviest, "cpu", "ip", now);
    }
    if (address.frames > this.ipFramesLimit) {
      const busiest = this.heaviest(address, now, "frames");
      if (busiest.frames < this.negligibleFrames) return undefined;
      return this.cut(busiest, "frames", "ip", now);
    }
    return undefined;
  }

  /**
   * Whether a new connection from `ip` is refused: its address is over its
   * CPU or frame budget (what is left when its live connections are all
   * negligible and the cost was spent by closed ones), until the sums decay
   * under budget (about a second per factor e).
   */
  refusesUpgrades(ip: string, now: number): boolean {
    const address = this.addresses.get(ip);
    if (address === undefined) return false;
    address.decayTo(now);
    if (address.frames > this.ipFramesLimit) return true;
    return address.fullCpuMs > this.ipCpuLimit && this.judgedCpuMs(address, now) > this.ipCpuLimit;
  }

  /**
   * Every COST_SWEEP_MS: per address, the unsent queues (`queuedBytes` reads
   * one connection's); and, when the loop's delay is over its threshold, the
   * process' heaviest connection. Also forgets idle addresses.
   */
  sweep(now: number, loopLagMs: number, queuedBytes: (subject: T) => number): Array<Cut<T>> {
    const cuts: Array<Cut<T>> = [];
    for (const [ip, address] of this.addresses) {
      address.queuedBytes = 0;
      for (const connection of address.connections) {
        connection.queuedBytes = queuedBytes(connection.subject as T);
        address.queuedBytes += connection.queuedBytes;
      }
      while (address.queuedBytes > this.settings.maxQueuedBytesPerIp) {
        const longest = this.longestQueue(address);
        address.queuedBytes -= longest.queuedBytes;
        cuts.push(this.cut(longest, "queued_bytes", "ip", now));
      }
      if (address.connections.size === 0) {
        address.decayTo(now);
        // Negligible: forgetting it changes no decision.
        if (address.frames < 1 && address.fullCpuMs < this.cpuLimit / 100) this.addresses.delete(ip);
      }
    }
    if (this.settings.loopLagCutMs > 0 && loopLagMs > this.settings.loopLagCutMs) {
      const heaviest = this.heaviestOfProcess(now);
      if (heaviest !== undefined && heaviest.cpuMs >= this.loopLagFloor) {
        cuts.push(this.cut(heaviest, "loop_lag", "process", now));
      }
    }
    return cuts;
  }

  /** The heaviest connection's and address' dispatch CPU rate at `now`. */
  top(now: number): TopCost {
    const window = COST_WINDOW_MS / 1000;
    let connectionMs = 0;
    let ipMs = 0;
    for (const address of this.addresses.values()) {
      address.decayTo(now);
      if (address.fullCpuMs > ipMs) ipMs = address.fullCpuMs;
      for (const connection of address.connections) {
        connection.decayTo(now);
        if (connection.cpuMs > connectionMs) connectionMs = connection.cpuMs;
      }
    }
    return { connectionMsPerS: connectionMs / window, ipMsPerS: ipMs / window };
  }

  /** Live connections metered (for tests and diagnostics). */
  get connections(): number {
    let count = 0;
    for (const address of this.addresses.values()) count += address.connections.size;
    return count;
  }

  /**
   * The address' dispatch time as it is judged: every frame in full, except
   * that the live connection with the most time over the per-frame cap counts
   * capped. So one connection's dispatch that absorbed a pause (188 ms
   * measured, SECURITY.md) never puts its address over by itself, while the
   * slow frames of every other connection count in full. Only called with
   * the address over budget (at most MAX_CONNECTIONS_PER_IP connections).
   */
  private judgedCpuMs(address: AddressCost, now: number): number {
    let excused = 0;
    for (const connection of address.connections) {
      connection.decayTo(now);
      const excess = connection.fullCpuMs - connection.cpuMs;
      if (excess > excused) excused = excess;
    }
    return address.fullCpuMs - excused;
  }

  private heaviest(address: AddressCost, now: number, by: "fullCpuMs" | "frames"): ConnectionCost<T> {
    let heaviest: ConnectionCost<T> | undefined;
    for (const candidate of address.connections as Set<ConnectionCost<T>>) {
      candidate.decayTo(now);
      if (heaviest === undefined || candidate[by] > heaviest[by]) heaviest = candidate;
    }
    // frame() only asks for the heaviest of the address of a live connection.
    if (heaviest === undefined) throw new Error("an address over budget with no connection");
    return heaviest;
  }

  private heaviestOfProcess(now: number): ConnectionCost<T> | undefined {
    let heaviest: ConnectionCost<T> | undefined;
    for (const address of this.addresses.values()) {
      for (const candidate of address.connections as Set<ConnectionCost<T>>) {
        candidate.decayTo(now);
        if (heaviest === undefined || candidate.cpuMs > heaviest.cpuMs) heaviest = candidate;
      }
    }
    return heaviest;
  }

  private longestQueue(address: AddressCost): ConnectionCost<T> {
    let longest: ConnectionCost<T> | undefined;
    for (const candidate of address.connections as Set<ConnectionCost<T>>) {
      if (longest === undefined || candidate.queuedBytes > longest.queuedBytes) longest = candidate;
    }
    if (longest === undefined) throw new Error("an address over its queue budget with no connection");
    return longest;
  }

  /**
   * Marks `victim` cut and takes it out of its address (its share of the
   * address' sums with it), then describes the decision.
   */
  private cut(victim: ConnectionCost<T>, reason: CutReason, scope: CutScope, now: number): Cut<T> {
    const address = victim.address;
    victim.decayTo(now);
    address.decayTo(now);
    const window = COST_WINDOW_MS / 1000;
    const decision: Cut<T> = {
      reason,
      scope,
      subject: victim.subject,
      label: victim.label,
      cpuMsPerS: round(victim.cpuMs / window),
      framesPerS: round(victim.frames / window),
      bytesInPerS: round(victim.bytes / window),
      queuedBytes: victim.queuedBytes,
      ipCpuMsPerS: round(address.fullCpuMs / window),
      ipFramesPerS: round(address.frames / window),
      ipQueuedBytes: address.queuedBytes,
    };
    victim.cut = reason;
    address.connections.delete(victim);
    address.cpuMs = Math.max(0, address.cpuMs - victim.cpuMs);
    address.fullCpuMs = Math.max(0, address.fullCpuMs - victim.fullCpuMs);
    address.frames = Math.max(0, address.frames - victim.frames);
    address.bytes = Math.max(0, address.bytes - victim.bytes);
    return decision;
  }
}

/** Two decimals: log lines and tests read these. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
