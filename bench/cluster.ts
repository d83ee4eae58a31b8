import { spawnSync } from "node:child_process";
import { Fleet } from "./bots/fleet.ts";
import { WireBot, guestToken, reserveSeat, seatUrl } from "./bots/wire.ts";
import { startNodeServer } from "./lib/processes.ts";
import { increase, scrape, type Scrape } from "./lib/prometheus.ts";
import { mapLimit, quantile, sleep, sum } from "./lib/stats.ts";
import type { Progress, Quantiles } from "./scenarioRunner.ts";
import { countdown } from "./scenarioRunner.ts";

/**
 * The cluster scenario (issue 10): the same players joined to one process and
 * then to a Redis-backed cluster behind nginx, in the same run; then a rolling
 * restart of every cluster process under load, each dropped player pressing
 * Quick play again.
 *
 * This machine has two cores, so the figures are per client, not throughput:
 * CPU per client on each cluster process against the single process, join
 * latency through the proxy against a direct join, and what Redis does per
 * join and per second.
 */
export interface ClusterScenario {
  processes: number;
  players: number;
  /** Players per arena room (MAX_CLIENTS). */
  roomSize: number;
  warmupS: number;
  measureS: number;
}

/** What the bench needs of a running cluster (bench/clusterLauncher.ts starts one). */
export interface BenchCluster {
  /** The proxy's `http://host:port`: pages, tokens, matchmaking. */
  readonly url: string;
  /** Each process reached directly (metrics) and the address its seats carry. */
  readonly processes: ReadonlyArray<{ readonly httpUrl: string; readonly publicAddress: string }>;
  /** The private redis-server's port. */
  readonly redisPort: number;
  /** SIGTERM process `index` and wait for its exit (its players are drained: server:shutdown, 4001). */
  stopProcess(index: number): Promise<void>;
  /** Start process `index` again on its port; resolves once it listens and the proxy reaches it. */
  startProcess(index: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RollingRestart {
  /** Players connected to a process when it was told to stop (summed over every restart). */
  dropped: number;
  /** Of those, how many were back in a room (through the proxy) within REJOIN_DEADLINE_MS. */
  rejoined: number;
  lost: number;
  /** From the drop to the first state of the new room. */
  rejoinMs: Quantiles;
  /** From the last state frame before the drop to the first after the rejoin. */
  withoutStateMs: Quantiles;
  /** Matchmaking attempts refused or failed while rejoining (each retried). */
  failedAttempts: number;
  /** Wall time of the whole rolling restart. */
  seconds: number;
}

export interface ClusterFigures {
  processes: number;
  players: number;
  ccu: { single: number; cluster: number };
  joinMs: { single: Quantiles; cluster: Quantiles };
  joinFailures: { single: number; cluster: number };
  /** Server CPU (% of one core) per 100 connected clients. */
  cpuPer100Clients: { single: number; clusterProcesses: number[] };
  clientsPerProcess: number[];
  redis: {
    commandsPerJoin: number;
    /** While every player moves (steady play, no joins). */
    commandsPerS: number;
    /** With no players at all (presence heartbeats, listings). */
    idleCommandsPerS: number;
  };
  rollingRestart: RollingRestart;
}

const JOIN_CONCURRENCY = 16;
/** A player who is not back in a room this long after the drop counts as lost. */
const REJOIN_DEADLINE_MS = 15_000;
const RETRY_MS = 100;

interface Joined {
  bot: WireBot;
  ms: number;
}

/** Token, seat and socket through `httpUrl`, as the browser's Quick play does it; timed from the token request. */
async function joinThrough(httpUrl: string, name: string): Promise<Joined> {
  const started = performance.now();
  const token = await guestToken(httpUrl, name);
  const seat = await reserveSeat(httpUrl, "arena", token);
  const bot = new WireBot(seat);
  // The seat names the hosting process' public address (through the proxy: /p<PORT>); without one, the same server.
  await bot.connect(seatUrl(httpUrl.replace(/^http/, "ws"), seat, token));
  await untilState(bot);
  return { bot, ms: performance.now() - started };
}

async function untilState(bot: WireBot): Promise<void> {
  const deadline = performance.now() + 5000;
  while (Number.isNaN(bot.lastStateAt)) {
    if (performance.now() > deadline) throw new Error("no state within 5 s of joining");
    await sleep(5);
  }
}

async function joinAll(httpUrl: string, players: number, progress: Progress, label: string) {
  const joined: Joined[] = [];
  const results = await mapLimit(
    Array.from({ length: players }, (_, i) => i),
    JOIN_CONCURRENCY,
    async (i) => {
      joined.push(await joinThrough(httpUrl, `bot-${i}`));
      if (joined.length % 50 === 0) progress(`${label}: joined ${joined.length}/${players}`);
    },
  );
  return { joined, failures: results.filter((r) => r.status === "rejected").length };
}

const quantiles = (samples: number[]): Quantiles => ({ p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) });

/** `INFO stats` total_commands_processed of the cluster's redis-server (redis-cli ships with redis-server). */
export function redisCommands(port: number): number {
  const out = spawnSync("redis-cli", ["-p", String(port), "info", "stats"], { encoding: "utf8" });
  const match = /total_commands_processed:(\d+)/.exec(out.stdout ?? "");
  if (match === null) throw new Error(`redis-cli -p ${port} info stats: ${out.stderr || out.stdout}`);
  // Minus the INFO itself.
  return Number(match[1]) - 1;
}

/** Commands per second over `seconds` of whatever is going on. */
async function redisRate(port: number, seconds: number, label: string, progress: Progress): Promise<number> {
  const before = redisCommands(port);
  const started = performance.now();
  await countdown(label, seconds, progress);
  return (redisCommands(port) - before) / ((performance.now() - started) / 1000);
}

function cpuPer100(before: Scrape, after: Scrape): number {
  const seconds = (after.at - before.at) / 1000;
  const cpuPercent = (increase(before, after, "process_cpu_seconds_total") / seconds) * 100;
  const clients = after.value("tickwire_clients");
  return clients > 0 ? (cpuPercent / clients) * 100 : Number.NaN;
}

/** Players moving on one process with no Redis: the per-client reference. */
async function singleProcess(scenario: ClusterScenario, progress: Progress) {
  const server = await startNodeServer({
    script: "server/index.ts",
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      NODE_ENV: "development",
      SERVE_CLIENT: "none",
      MAX_CLIENTS: String(scenario.roomSize),
    },
  });
  const fleet = new Fleet(0xc1);
  try {
    progress(`cluster (single process): joining ${scenario.players}`);
    const { joined, failures } = await joinAll(server.httpUrl, scenario.players, progress, "single process");
    for (const { bot } of joined) fleet.add(bot);
    fleet.start();
    await countdown("single process: warm-up", scenario.warmupS, progress);
    const before = await scrape(server.httpUrl);
    await countdown("single process: measuring", scenario.measureS, progress);
    const after = await scrape(server.httpUrl);
    return {
      ccu: after.value("tickwire_clients"),
      joinMs: quantiles(joined.map((j) => j.ms)),
      failures,
      cpuPer100: cpuPer100(before, after),
    };
  } finally {
    await fleet.close();
    await server.stop();
  }
}

/**
 * Restart every process in turn while the fleet plays. A player whose process
 * stops gets `server:shutdown` and 4001, and presses Quick play through the
 * proxy at once (retrying every RETRY_MS while matchmaking refuses), as the
 * browser client lets a player do.
 */
async function rollingRestart(cluster: BenchCluster, fleet: Fleet, live: WireBot[], progress: Progress) {
  const started = performance.now();
  const rejoinMs: number[] = [];
  const withoutStateMs: number[] = [];
  let dropped = 0;
  let failedAttempts = 0;
  let nextName = live.length;
  for (let index = 0; index < cluster.processes.length; index++) {
    const address = cluster.processes[index]?.publicAddress;
    const affected = live.filter((bot) => bot.seat.publicAddress === address && bot.droppedWith === undefined);
    progress(`rolling restart: process ${index + 1}/${cluster.processes.length} (${affected.length} players)`);
    dropped += affected.length;
    const rejoins = affected.map(async (bot) => {
      await bot.dropped();
      const droppedAt = performance.now();
      const lastState = bot.lastStateAt;
      while (performance.now() - droppedAt < REJOIN_DEADLINE_MS) {
        try {
          const { bot: fresh } = await joinThrough(cluster.url, `bot-${nextName++}`);
          rejoinMs.push(performance.now() - droppedAt);
          withoutStateMs.push(fresh.lastStateAt - lastState);
          fleet.add(fresh);
          live.push(fresh);
          return;
        } catch {
          failedAttempts++;
          await sleep(RETRY_MS);
        }
      }
    });
    // Its players rejoin while it drains and exits; it starts again once they are back. On this 2-core machine a
    // process booting under tsx takes a core for ~2 s, which would otherwise be measured as the survivors' join time
    // (on real machines the restarted process boots on its own).
    await Promise.all([cluster.stopProcess(index), ...rejoins]);
    await cluster.startProcess(index);
  }
  const rejoined = rejoinMs.length;
  return {
    dropped,
    rejoined,
    lost: dropped - rejoined,
    rejoinMs: quantiles(rejoinMs),
    withoutStateMs: quantiles(withoutStateMs),
    failedAttempts,
    seconds: (performance.now() - started) / 1000,
  };
}

export async function runClusterScenario(
  scenario: ClusterScenario,
  start: (processes: number, env: Record<string, string>) => Promise<BenchCluster>,
  progress: Progress,
): Promise<ClusterFigures> {
  const single = await singleProcess(scenario, progress);
  progress(`cluster: starting ${scenario.processes} processes, redis and nginx`);
  const cluster = await start(scenario.processes, { MAX_CLIENTS: String(scenario.roomSize) });
  const fleet = new Fleet(0xc2);
  try {
    const idleCommandsPerS = await redisRate(cluster.redisPort, 3, "cluster: redis idle", progress);
    const commandsBefore = redisCommands(cluster.redisPort);
    const joinsStarted = performance.now();
    const { joined, failures } = await joinAll(cluster.url, scenario.players, progress, "cluster");
    // Less what Redis does anyway over the same time (heartbeats, listings).
    const background = (idleCommandsPerS * (performance.now() - joinsStarted)) / 1000;
    const joinCommands = redisCommands(cluster.redisPort) - commandsBefore - background;
    const live = joined.map((j) => j.bot);
    for (const bot of live) fleet.add(bot);
    fleet.start();
    await countdown("cluster: warm-up", scenario.warmupS, progress);
    const before = await Promise.all(cluster.processes.map((p) => scrape(p.httpUrl)));
    const commandsPerS = await redisRate(cluster.redisPort, scenario.measureS, "cluster: measuring", progress);
    const after = await Promise.all(cluster.processes.map((p) => scrape(p.httpUrl)));
    const clientsPerProcess = after.map((s) => s.value("tickwire_clients"));
    const figures = {
      processes: scenario.processes,
      players: scenario.players,
      ccu: { single: single.ccu, cluster: sum(clientsPerProcess) },
      joinMs: { single: single.joinMs, cluster: quantiles(joined.map((j) => j.ms)) },
      joinFailures: { single: single.failures, cluster: failures },
      cpuPer100Clients: {
        single: single.cpuPer100,
        clusterProcesses: after.map((s, i) => cpuPer100(before[i] as Scrape, s)),
      },
      clientsPerProcess,
      redis: {
        commandsPerJoin: joined.length > 0 ? joinCommands / joined.length : Number.NaN,
        commandsPerS,
        idleCommandsPerS,
      },
    };
    const restart = await rollingRestart(cluster, fleet, live, progress);
    return { ...figures, rollingRestart: restart };
  } finally {
    await fleet.close();
    await cluster.stop();
  }
}
