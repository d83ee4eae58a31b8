import { startCluster } from "../scripts/cluster/launcher.ts";
import type { BenchCluster } from "./cluster.ts";
import { LOAD_GENERATOR_ALLOWANCE } from "./lib/processes.ts";

/**
 * The cluster the bench plays against: the same launcher as `npm run cluster`
 * and the nginx test (scripts/cluster/launcher.ts: a private redis-server, N
 * processes, nginx), run from source as the single-process scenarios are, with
 * the load generator's allowance (every bot comes from 127.0.0.1).
 */
export async function startBenchCluster(processes: number, env: Record<string, string>): Promise<BenchCluster> {
  const cluster = await startCluster({
    processes,
    entry: "source",
    env: { ...LOAD_GENERATOR_ALLOWANCE, METRICS_TOKEN: "", NODE_ENV: "development", SERVE_CLIENT: "none", ...env },
  });
  return {
    url: cluster.url,
    processes: cluster.processes.map((p) => ({ httpUrl: p.directUrl, publicAddress: p.publicAddress })),
    redisPort: Number(new URL(cluster.redisUrl).port),
    async stopProcess(index) {
      await cluster.stopProcess(index, "SIGTERM");
    },
    async startProcess(index) {
      await cluster.startProcess(index);
    },
    stop: () => cluster.stop(),
  };
}
