import type { Logger } from "../logger.ts";

/** What the health check reads of one ioredis connection (Redis and Cluster both have these). */
export interface WatchedConnection {
  readonly status: string;
  on(event: "ready" | "close" | "end" | "reconnecting", listener: () => void): unknown;
  off(event: "ready" | "close" | "end" | "reconnecting", listener: () => void): unknown;
}

export interface RedisHealthOptions {
  /** Colyseus' connections (presence publisher and subscriber, driver): Redis is up when all are ready. */
  connections: readonly WatchedConnection[];
  /** One round trip (PING): a Redis that accepts connections but does not answer is down too. */
  probe: () => Promise<unknown>;
  /** Puts this process and its rooms back in Redis (colyseus/clusterRegistration.ts reRegisterProcess). */
  reRegister: () => Promise<{ relisted: number; unlisted: number }>;
  logger: Logger;
  onChange?: (up: boolean) => void;
  /** How often the probe runs, and how long it may take. */
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
}

export const PROBE_INTERVAL_MS = 1000;
export const PROBE_TIMEOUT_MS = 1000;

/**
 * Whether this process can use Redis right now, as /health reports it and the
 * matchmaking gate reads it (a 503 while down, server/net/httpAdmission.ts).
 *
 * Down as soon as one of Colyseus' connections is not ready (ioredis emits
 * 'close' the moment Redis closes the socket) or the probe goes unanswered for
 * PROBE_TIMEOUT_MS (a stalled Redis keeps the sockets open). Up again only
 * once every connection is ready, the probe answers and this process has
 * re-registered: Redis may come back empty (no persistence), and matchmaking
 * before the rooms are listed again would place seats on a partial picture.
 *
 * Why a watcher of our own: Colyseus has none. While Redis is away its calls
 * wait in ioredis' offline queue (server/cluster/redis.ts says why they wait
 * rather than fail), so without this gate a matchmaking request would hang
 * until Redis returned.
 */
export class RedisHealth {
  private connected: boolean;
  private answering = true;
  private registered = true;
  private recovering = false;
  private probing = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private lastUp: boolean;
  private downSince: number | undefined;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly evaluate = (): void => this.update();

  constructor(private readonly options: RedisHealthOptions) {
    this.probeIntervalMs = options.probeIntervalMs ?? PROBE_INTERVAL_MS;
    this.probeTimeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    this.connected = this.allReady();
    this.lastUp = this.connected;
    for (const connection of options.connections) {
      for (const event of ["ready", "close", "end", "reconnecting"] as const) connection.on(event, this.evaluate);
    }
  }

  /** Redis answers and this process is registered in it. */
  get up(): boolean {
    return this.connected && this.answering && this.registered;
  }

  /**
   * Start probing; call once this process is registered (after listen). Before
   * that the state is the connections' alone, and nothing is re-registered.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.runProbe(), this.probeIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const connection of this.options.connections) {
      for (const event of ["ready", "close", "end", "reconnecting"] as const) connection.off(event, this.evaluate);
    }
  }

  private allReady(): boolean {
    return this.options.connections.every((connection) => connection.status === "ready");
  }

  private update(): void {
    this.connected = this.allReady();
    // Anything lost while Redis was away is rewritten before matchmaking is let through again.
    if (!this.connected || !this.answering) this.registered = !this.started;
    if (this.started && this.connected && this.answering && !this.registered) void this.recover();
    this.report();
  }

  private report(): void {
    const up = this.up;
    if (up === this.lastUp) return;
    this.lastUp = up;
    const log = this.options.logger;
    if (!up) {
      this.downSince = Date.now();
      log.warn(
        { connected: this.connected, answering: this.answering },
        "Redis unreachable: rooms keep running here; matchmaking and /rooms answer 503 until it is back",
      );
    } else {
      log.info(
        { downMs: this.downSince === undefined ? undefined : Date.now() - this.downSince },
        "Redis answers again: matchmaking resumed",
      );
    }
    this.options.onChange?.(up);
  }

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      const { relisted, unlisted } = await this.options.reRegister();
      this.options.logger.info({ relisted, unlisted }, "re-registered this process and its rooms in Redis");
      this.registered = true;
    } catch (error) {
      // Tried again on the next probe.
      this.options.logger.warn({ err: error }, "re-registering in Redis failed");
    } finally {
      this.recovering = false;
    }
    this.update();
  }

  /** One probe in flight at most: a stalled Redis gets one PING, not one per interval. */
  private runProbe(): void {
    if (this.probing || !this.allReady()) return;
    this.probing = true;
    const timeout = setTimeout(() => {
      this.answering = false;
      this.update();
    }, this.probeTimeoutMs);
    this.options
      .probe()
      .then(
        () => (this.answering = true),
        () => (this.answering = false),
      )
      .finally(() => {
        clearTimeout(timeout);
        this.probing = false;
        this.update();
      });
  }
}
