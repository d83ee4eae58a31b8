import { Fleet } from "./bots/fleet.ts";
import { startNodeServer } from "./lib/processes.ts";
import { histogramQuantile, increase, scrape } from "./lib/prometheus.ts";
import { mapLimit } from "./lib/stats.ts";
import { countdown, joinBot, type Progress, type Scenario } from "./scenarioRunner.ts";

export interface CapacityStep {
  ccu: number;
  eventLoopP99Ms: number;
  tickP99Ms: number;
  patchP99Ms: number;
  serverCpuPercent: number;
  disconnects: number;
  joinFailures: number;
  loadGeneratorCpuPercent: number;
}

export interface Capacity {
  /** Largest CCU whose event-loop delay p99 stayed under one tick (50 ms) with no disconnects. */
  largestCcu: number;
  steps: CapacityStep[];
  roomSize: number;
}

const ONE_TICK_MS = 50;

/**
 * Raise the load on ONE server process step by step (rooms of `roomSize`,
 * raw-protocol bots) until a bot is dropped, the event-loop delay p99 has
 * been over one tick at two steps in a row (one noisy step on a shared
 * machine does not end the probe), or `maxCcu` is reached. The answer is the
 * largest step held with the delay under one tick.
 */
export async function probeCapacity(
  stepSize: number,
  maxCcu: number,
  roomSize: number,
  progress: Progress,
): Promise<Capacity> {
  const server = await startNodeServer({
    script: "server/index.ts",
    env: { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", SERVE_CLIENT: "none", MAX_CLIENTS: String(roomSize) },
  });
  const scenario: Scenario = {
    name: "capacity",
    server: "tickwire",
    room: "arena",
    players: maxCcu,
    env: {},
    sdkEvery: Number.POSITIVE_INFINITY,
    warmupS: 3,
    measureS: 6,
  };
  const fleet = new Fleet(0xcafe);
  const steps: CapacityStep[] = [];
  let largestCcu = 0;
  try {
    fleet.start();
    for (let target = stepSize; target <= maxCcu; target += stepSize) {
      const from = fleet.bots.length;
      progress(`capacity: joining up to ${target}`);
      const joined = await mapLimit(
        Array.from({ length: target - from }, (_, i) => from + i),
        16,
        async (i) => fleet.add(await joinBot(scenario, server, i)),
      );
      await countdown(`capacity ${target}: settling`, scenario.warmupS, progress);
      const before = await scrape(server.httpUrl);
      const cpu = process.cpuUsage();
      await countdown(`capacity ${target}: measuring`, scenario.measureS, progress);
      const after = await scrape(server.httpUrl);
      const used = process.cpuUsage(cpu);
      const seconds = (after.at - before.at) / 1000;
      const step: CapacityStep = {
        ccu: after.value("tickwire_clients"),
        eventLoopP99Ms: after.value("tickwire_event_loop_delay_seconds", { quantile: "0.99" }) * 1000,
        tickP99Ms: histogramQuantile(before, after, "tickwire_tick_duration_seconds", 0.99) * 1000,
        patchP99Ms: histogramQuantile(before, after, "tickwire_patch_duration_seconds", 0.99) * 1000,
        serverCpuPercent: (increase(before, after, "process_cpu_seconds_total") / seconds) * 100,
        disconnects: fleet.disconnects,
        joinFailures: joined.filter((r) => r.status === "rejected").length,
        loadGeneratorCpuPercent: ((used.user + used.system) / 1e3 / (seconds * 1000)) * 100,
      };
      steps.push(step);
      if (step.disconnects > 0 || step.joinFailures > 0) break;
      if (step.eventLoopP99Ms < ONE_TICK_MS) largestCcu = step.ccu;
      else if ((steps.at(-2)?.eventLoopP99Ms ?? 0) >= ONE_TICK_MS) break;
    }
    return { largestCcu, steps, roomSize };
  } finally {
    progress("capacity: disconnecting");
    await fleet.close();
    await server.stop();
  }
}
