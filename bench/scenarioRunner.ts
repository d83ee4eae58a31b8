import { monitorEventLoopDelay } from "node:perf_hooks";
import type { PlayerSnapshot } from "../server/http/debug.ts";
import { Fleet, type Bot } from "./bots/fleet.ts";
import { NaiveBot } from "./bots/naive.ts";
import { SdkBot } from "./bots/sdk.ts";
import { WireBot, guestToken, reserveSeat, seatUrl } from "./bots/wire.ts";
import { startNodeServer, type NodeProcess } from "./lib/processes.ts";
import { histogramQuantile, increase, scrape, type Scrape } from "./lib/prometheus.ts";
import { mapLimit, median, quantile, sleep, sum } from "./lib/stats.ts";

/**
 * Runs one scenario (what a scenario is: `Scenario`; which ones the bench
 * runs: scenarioCatalogue.ts): a fresh server process, a fleet of bots, a
 * measured window, then the decoded-state check, reduced to `Figures`.
 */
export interface Scenario {
  name: string;
  server: "tickwire" | "naive";
  room: "arena" | "world";
  players: number;
  /** Server environment (MAX_CLIENTS, WORLD_SIZE, ...). */
  env: Record<string, string>;
  /** Every n-th bot runs the full SDK decoder and is checked against the server's state. */
  sdkEvery: number;
  warmupS: number;
  measureS: number;
  note?: string;
}

export interface Quantiles {
  p50: number;
  p99: number;
}

export interface Figures {
  scenario: string;
  server: "tickwire" | "naive";
  players: number;
  ccu: number;
  rooms: number;
  joinFailures: number;
  disconnects: number;
  windowS: number;
  bytesPerClientPerS: { median: number; p95: number };
  stateBytesPerClientPerS: { median: number; p95: number };
  serverBytesOutPerS: number;
  /** Schema body bytes per player position change, from movement-only patches the SDK sample decoded. */
  bytesPerEntityUpdate: number | null;
  serverCpuPercent: number;
  tickMs: Quantiles;
  patchMs: Quantiles;
  eventLoopP99Ms: number;
  rssMB: number;
  rssPerClientKB: number;
  ackMs: Quantiles;
  verification: { checked: number; mismatches: string[] } | null;
  loadGenerator: { cpuPercent: number; eventLoopP99Ms: number };
}

export type Progress = (line: string) => void;

const SERVER_SCRIPT = { tickwire: "server/index.ts", naive: "bench/naive/server.ts" } as const;
const JOIN_CONCURRENCY = 16;

export async function runScenario(scenario: Scenario, progress: Progress, nodeArgs: string[] = []): Promise<Figures> {
  const server = await startNodeServer({
    script: SERVER_SCRIPT[scenario.server],
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DEBUG_ENDPOINTS: "true",
      // The server refuses DEBUG_ENDPOINTS with NODE_ENV=production, which the shell may export.
      NODE_ENV: "development",
      SERVE_CLIENT: "none",
      ...scenario.env,
    },
    nodeArgs,
  });
  const fleet = new Fleet(0x7c1c);
  const sdkBots: SdkBot[] = [];
  try {
    const idle = await scrape(server.httpUrl);
    progress(`${scenario.name}: joining ${scenario.players} players`);
    const joined = await mapLimit(
      Array.from({ length: scenario.players }, (_, i) => i),
      JOIN_CONCURRENCY,
      async (i) => {
        const bot = await joinBot(scenario, server, i);
        if (bot instanceof SdkBot) sdkBots.push(bot);
        fleet.add(bot);
        if (fleet.bots.length % 50 === 0) progress(`${scenario.name}: joined ${fleet.bots.length}/${scenario.players}`);
      },
    );
    const joinFailures = joined.filter((r) => r.status === "rejected").length;
    fleet.start();
    await countdown(`${scenario.name}: warm-up`, scenario.warmupS, progress);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const before = await scrape(server.httpUrl);
    fleet.resetWindow();
    const cpuBefore = process.cpuUsage();
    loop.enable();
    await countdown(`${scenario.name}: measuring`, scenario.measureS, progress);
    const after = await scrape(server.httpUrl);
    const window = fleet.window();
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);

    progress(`${scenario.name}: checking decoded states`);
    const verification = scenario.server === "tickwire" ? await verify(server.httpUrl, fleet, sdkBots) : null;
    const disconnects = fleet.disconnects;
    return figures(scenario, { idle, before, after }, window, {
      joinFailures,
      disconnects,
      sdkBots,
      verification,
      loadGenerator: {
        cpuPercent: ((cpu.user + cpu.system) / 1e3 / (window.seconds * 1000)) * 100,
        eventLoopP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 10),
      },
    });
  } finally {
    progress(`${scenario.name}: disconnecting`);
    await fleet.close();
    await server.stop();
  }
}

export async function joinBot(scenario: Scenario, server: NodeProcess, i: number): Promise<Bot> {
  const name = `bot-${i}`;
  if (scenario.server === "naive") return NaiveBot.connect(server.wsUrl, name);
  if (i % scenario.sdkEvery === Math.floor(scenario.sdkEvery / 2)) {
    return SdkBot.join(server.httpUrl, server.wsUrl, scenario.room, name);
  }
  const token = await guestToken(server.httpUrl, name);
  const seat = await reserveSeat(server.httpUrl, scenario.room, token);
  const bot = new WireBot(seat);
  await bot.connect(seatUrl(server.wsUrl, seat, token));
  return bot;
}

export async function countdown(label: string, seconds: number, progress: Progress): Promise<void> {
  for (let left = seconds; left > 0; left--) {
    progress(`${label} ${left}s`);
    await sleep(1000);
  }
}

/**
 * Stop every input, wait until each sampled room has simulated all it
 * received and sent the result, then compare each SDK bot's decoded players
 * with what the server says that client should hold (debug snapshot).
 */
async function verify(httpUrl: string, fleet: Fleet, sdkBots: SdkBot[]) {
  fleet.stop();
  const roomIds = [...new Set(sdkBots.map((b) => b.room.roomId))];
  for (const roomId of roomIds) {
    // Twice in a row, a tick apart: an input still in flight when the first read said 0 would show up.
    let quiet = 0;
    for (let attempt = 0; attempt < 100 && quiet < 2; attempt++) {
      const { pendingInputs } = (await (await fetch(`${httpUrl}/debug/rooms/${roomId}`)).json()) as {
        pendingInputs: number;
      };
      quiet = pendingInputs === 0 ? quiet + 1 : 0;
      await sleep(60);
    }
  }
  // Patches and steps run on separate timers: the second patch from now left after the last step.
  for (let i = 0; i < 2; i++) await Promise.all(sdkBots.map((b) => b.waitForPatch()));
  const mismatches: string[] = [];
  for (const bot of sdkBots) {
    const response = await fetch(`${httpUrl}/debug/rooms/${bot.room.roomId}/clients/${bot.sessionId}`);
    const { players } = (await response.json()) as { players: Record<string, PlayerSnapshot> };
    mismatches.push(...compare(bot.sessionId, bot.decoded(), players));
  }
  return { checked: sdkBots.length, mismatches: mismatches.slice(0, 20) };
}

function compare(
  who: string,
  decoded: Record<string, PlayerSnapshot>,
  truth: Record<string, PlayerSnapshot>,
): string[] {
  const problems: string[] = [];
  for (const id of new Set([...Object.keys(decoded), ...Object.keys(truth)])) {
    const a = JSON.stringify(decoded[id] ?? null);
    const b = JSON.stringify(truth[id] ?? null);
    if (a !== b) problems.push(`${who} sees ${id} as ${a}, server has ${b}`);
  }
  return problems;
}

interface Extra {
  joinFailures: number;
  disconnects: number;
  sdkBots: SdkBot[];
  verification: Figures["verification"];
  loadGenerator: Figures["loadGenerator"];
}

function figures(
  scenario: Scenario,
  s: { idle: Scrape; before: Scrape; after: Scrape },
  window: ReturnType<Fleet["window"]>,
  extra: Extra,
): Figures {
  const { before, after } = s;
  const seconds = (after.at - before.at) / 1000;
  const ccu = after.value("tickwire_clients");
  const rss = after.value("process_resident_memory_bytes");
  const updates = extra.sdkBots.map((b) => b.updates);
  const moved = sum(updates.map((u) => u.moved));
  const ms = (name: string, q: number) => histogramQuantile(before, after, name, q) * 1000;
  return {
    scenario: scenario.name,
    server: scenario.server,
    players: scenario.players,
    ccu,
    rooms: after.value("tickwire_rooms"),
    joinFailures: extra.joinFailures,
    disconnects: extra.disconnects,
    windowS: window.seconds,
    bytesPerClientPerS: { median: median(window.bytesPerS), p95: quantile(window.bytesPerS, 0.95) },
    stateBytesPerClientPerS: { median: median(window.stateBytesPerS), p95: quantile(window.stateBytesPerS, 0.95) },
    serverBytesOutPerS: increase(before, after, "tickwire_bytes_sent_total") / seconds,
    bytesPerEntityUpdate: moved > 0 ? sum(updates.map((u) => u.movementBodyBytes)) / moved : null,
    serverCpuPercent: (increase(before, after, "process_cpu_seconds_total") / seconds) * 100,
    tickMs: { p50: ms("tickwire_tick_duration_seconds", 0.5), p99: ms("tickwire_tick_duration_seconds", 0.99) },
    patchMs: { p50: ms("tickwire_patch_duration_seconds", 0.5), p99: ms("tickwire_patch_duration_seconds", 0.99) },
    eventLoopP99Ms: after.value("tickwire_event_loop_delay_seconds", { quantile: "0.99" }) * 1000,
    rssMB: rss / 2 ** 20,
    rssPerClientKB: ccu > 0 ? (rss - s.idle.value("process_resident_memory_bytes")) / 1024 / ccu : Number.NaN,
    ackMs: { p50: quantile(window.ackMs, 0.5), p99: quantile(window.ackMs, 0.99) },
    verification: extra.verification,
    loadGenerator: extra.loadGenerator,
  };
}
