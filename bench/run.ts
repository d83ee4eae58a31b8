/**
 * `npm run bench [-- --quick] [--only=NAME] [--cpu-prof] [--no-capacity] [--no-cluster] [--priority]`
 *
 * Runs every scenario of bench/scenarioCatalogue.ts against a fresh server process
 * (pinned to one core when taskset exists) with this process as the load
 * generator, probes the largest CCU one process holds, measures encoding
 * costs, runs the cluster scenario (bench/cluster.ts), prints Markdown tables on stdout (progress on stderr) and writes
 * bench/results/latest.json.
 */
import "../colyseus/webSocketGlobal.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { probeCapacity, type Capacity } from "./capacity.ts";
import { runClusterScenario, type ClusterFigures } from "./cluster.ts";
import { startBenchCluster } from "./clusterLauncher.ts";
import { ackCost, positionCosts } from "./encoding.ts";
import { pinLoadGenerator, raisePriority } from "./lib/processes.ts";
import {
  ackTable,
  capacityTable,
  clusterTable,
  encodingTable,
  figuresTable,
  ratiosTable,
  targetsTable,
  viewEncodingTable,
} from "./report.ts";
import { runScenario, type Figures } from "./scenarioRunner.ts";
import { scenarios } from "./scenarioCatalogue.ts";
import { checkTargets } from "./targets.ts";
import { viewEncodeCost } from "./viewEncoding.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const cpuProf = args.includes("--cpu-prof");
const runCapacity = !quick && !args.includes("--no-capacity") && only === undefined;
const runCluster = !args.includes("--no-cluster") && (only === undefined || "cluster".includes(only));
const RESULTS_DIR = "bench/results";

let lastPrinted = 0;
function progress(line: string): void {
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[K${line}`);
  } else if (performance.now() - lastPrinted > 3000) {
    lastPrinted = performance.now();
    process.stderr.write(`${line}\n`);
  }
}

const started = Date.now();
// Before pinning: availableParallelism() follows this process' CPU affinity.
const machine = `${cpus()[0]?.model.trim() ?? "cpu"} ×${availableParallelism()}, Node ${process.version}`;
const pinned = pinLoadGenerator();
const prioritised = args.includes("--priority") && raisePriority();
mkdirSync(RESULTS_DIR, { recursive: true });
const nodeArgs = cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${RESULTS_DIR}/profiles`] : [];

const results: Figures[] = [];
for (const scenario of scenarios(quick ? "quick" : "full")) {
  if (only !== undefined && !scenario.name.includes(only)) continue;
  results.push(await runScenario(scenario, progress, scenario.server === "tickwire" ? nodeArgs : []));
}
let capacity: Capacity | undefined;
if (runCapacity) capacity = await probeCapacity(250, 3000, 25, progress);
let cluster: ClusterFigures | undefined;
if (runCluster) {
  const scenario = quick
    ? { processes: 2, players: 40, roomSize: 10, warmupS: 1, measureS: 3 }
    : { processes: 3, players: 300, roomSize: 25, warmupS: 5, measureS: 15 };
  cluster = await runClusterScenario(scenario, startBenchCluster, progress);
}
progress("encoding measurements");
const encoding = positionCosts();
const ack = ackCost();
const viewEncoding = quick ? [] : [viewEncodeCost(250, 2000), viewEncodeCost(1000, 4000)];
if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");

const targets = checkTargets(results, capacity);
const command = `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
console.log(`## Tickwire benchmark (${quick ? "quick" : "full"})\n`);
console.log(
  `\`${command}\` on ${machine}; server pinned to core 0: ${pinned ? "yes" : "no"}; raised priority: ${prioritised ? "yes" : "no"}.\n`,
);
console.log(figuresTable(results), "\n");
if (results.some((r) => r.server === "naive")) console.log(ratiosTable(results), "\n");
if (capacity !== undefined) console.log(`Capacity (rooms of ${capacity.roomSize}):\n\n${capacityTable(capacity)}\n`);
if (cluster !== undefined) console.log(`Cluster (Redis + nginx, \`bench/cluster.ts\`):\n\n${clusterTable(cluster)}\n`);
console.log(targetsTable(targets), "\n");
console.log(encodingTable(encoding), "\n");
console.log(ackTable(ack));
if (viewEncoding.length > 0) console.log(`\n${viewEncodingTable(viewEncoding)}`);

writeFileSync(
  `${RESULTS_DIR}/latest.json`,
  `${JSON.stringify(
    {
      command,
      quick,
      machine,
      pinned,
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      results,
      capacity,
      cluster,
      targets,
      encoding,
      ack,
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`wrote ${RESULTS_DIR}/latest.json in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

const mismatched = results.some((r) => (r.verification?.mismatches.length ?? 0) > 0);
if (mismatched) {
  for (const r of results) for (const m of r.verification?.mismatches ?? []) console.error(`${r.scenario}: ${m}`);
  process.exitCode = 1;
}
