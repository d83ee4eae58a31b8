import { matchMaker, type Presence } from "@colyseus/core";
import { subscribedProcessIds } from "../../colyseus/processChannels.ts";
import type { Logger } from "../logger.ts";
import {
  DEFAULT_LIVENESS_SETTINGS,
  placeNewRoom,
  suspects,
  type LivenessSettings,
  type ProcessStat,
} from "./livenessPolicy.ts";

/** Which processes Redis no longer sees subscribed: one snapshot, read per request. */
export interface LiveSet {
  isDead(processId: string): boolean;
}

/** The matchmaker calls this needs (Colyseus' public `matchMaker` API); tests may substitute them. */
export interface MatchmakerView {
  processId(): string;
  /** The `roomcount` hash: every process that announced itself and was not excluded. */
  processes(): Promise<ProcessStat[]>;
  /** Core's health check: asks the process over IPC; on no answer it sweeps it (see below) and resolves false. */
  healthCheck(processId: string): Promise<boolean>;
}

const colyseusMatchmaker: MatchmakerView = {
  processId: () => matchMaker.processId,
  processes: () => matchMaker.stats.fetchAll(),
  healthCheck: async (processId) => (await matchMaker.healthCheckProcessId(processId)) === true,
};

/** Our own key (not one of Colyseus'): `SETEX tickwire:alive:<processId> <ttl> 1`. */
export function livenessKey(processId: string): string {
  return `tickwire:alive:${processId}`;
}

/**
 * How a cluster gets rid of a dead process' rooms in seconds rather than never.
 *
 * Colyseus 0.18 already has the sweep: `matchMaker.healthCheckProcessId(id)`
 * asks the process over IPC and, after `COLYSEUS_PRESENCE_SHORT_TIMEOUT`
 * (2 s) with no answer, excludes it from `roomcount`, calls
 * `driver.cleanup(id)` (its rooms leave `roomcaches`) and leaves a "swept
 * receipt" so that a process that was only stalled restores its listings when
 * it wakes. But core runs it only at a process' start
 * (`healthCheckAllProcesses`) or when a request has already waited 2 s on the
 * dead process. So every `checkIntervalMs` each process:
 *
 * - suspects the processes Redis no longer sees subscribed to their channel
 *   (what `healthCheckAllProcesses` checks, run periodically instead of once:
 *   a `kill -9` closes the sockets, so this is known at once), and
 * - suspects those that stopped renewing their liveness key. This key is the
 *   one thing added here: Colyseus has no signal at all for a process that is
 *   frozen or partitioned with its sockets still open, which core never
 *   health-checks until a join trips over it.
 *
 * and hands each suspect to core's health check, which decides (an answer
 * clears it: a process of an older build with no key, or one that just
 * started, is left alone).
 *
 * Meanwhile `LiveRoomCache` and `placeRoom` keep matchmaking off a process
 * that is not subscribed, from the moment Redis knows it, without waiting for
 * the sweep.
 */
export class ProcessLiveness {
  private timer: ReturnType<typeof setInterval> | undefined;
  private round: Promise<void> | undefined;
  private readonly checking = new Set<string>();
  private failing = false;

  constructor(
    private readonly presence: Presence,
    private readonly logger: Logger,
    private readonly settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
    private readonly matchmaker: MatchmakerView = colyseusMatchmaker,
  ) {}

  /**
   * Which processes are not subscribed right now (this one never counts). If
   * Redis cannot say, nothing is judged dead: the caller's own Redis call
   * fails on its own.
   */
  async snapshot(): Promise<LiveSet> {
    let subscribed: Set<string>;
    try {
      subscribed = await subscribedProcessIds(this.presence);
    } catch {
      return { isDead: () => false };
    }
    const self = this.matchmaker.processId();
    return { isDead: (processId) => processId !== self && !subscribed.has(processId) };
  }

  /** Colyseus' `selectProcessIdToCreateRoom`: its default rule, minus the processes known dead. */
  readonly placeRoom = async (): Promise<string> => {
    const [stats, live] = await Promise.all([this.matchmaker.processes(), this.snapshot()]);
    return placeNewRoom(stats, (id) => live.isDead(id), this.matchmaker.processId());
  };

  /** Start renewing this process' key and checking the others (after the matchmaker accepts: it has its id). */
  start(): void {
    if (this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.settings.checkIntervalMs);
    this.timer.unref();
  }

  /** Stop, and drop this process' key: it is leaving on purpose (its rooms were removed by the shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    // Presence#del is typed void but RedisPresence returns a promise, which must not reject unhandled;
    // if Redis is away the key expires by itself.
    const deleted: unknown = this.presence.del(livenessKey(this.matchmaker.processId()));
    if (deleted instanceof Promise) await deleted.catch(() => undefined);
  }

  private tick(): void {
    // One round at a time: with Redis slow or away, rounds must not pile up.
    if (this.round !== undefined) return;
    this.round = this.runRound()
      .then(() => {
        if (this.failing) this.logger.info("cluster liveness: checking processes again");
        this.failing = false;
      })
      .catch((error: unknown) => {
        if (!this.failing) this.logger.warn({ err: error }, "cluster liveness: cannot check processes (Redis?)");
        this.failing = true;
      })
      .finally(() => {
        this.round = undefined;
      });
  }

  private async runRound(): Promise<void> {
    const self = this.matchmaker.processId();
    await (this.presence.setex(livenessKey(self), "1", this.settings.keyTtlSeconds) as Promise<unknown>);
    const listed = (await this.matchmaker.processes()).map((stat) => stat.processId).filter((id) => id !== self);
    if (listed.length === 0) return;
    const [subscribed, beats] = await Promise.all([
      subscribedProcessIds(this.presence),
      Promise.all(listed.map((id) => this.presence.exists(livenessKey(id)))),
    ]);
    const beating = new Set(listed.filter((_, i) => beats[i]));
    for (const processId of suspects(listed, self, subscribed, beating))
      this.check(processId, subscribed.has(processId));
  }

  /** Core's health check, once at a time per process; it sweeps the process if it does not answer. */
  private check(processId: string, subscribed: boolean): void {
    if (this.checking.has(processId)) return;
    this.checking.add(processId);
    const started = Date.now();
    this.matchmaker
      .healthCheck(processId)
      .then((alive) => {
        if (!alive)
          this.logger.warn(
            {
              processId,
              reason: subscribed ? "stopped renewing its liveness key" : "not subscribed",
              ms: Date.now() - started,
            },
            "cluster: a process did not answer its health check; its rooms were removed from the listing",
          );
      })
      .catch((error: unknown) => this.logger.warn({ err: error, processId }, "cluster: health check failed"))
      .finally(() => this.checking.delete(processId));
  }
}
