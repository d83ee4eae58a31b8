/**
 * CI's check of `npm run bench -- --quick`: every scenario produced its
 * figures and every sampled SDK client decoded exactly the server's state.
 * No timing thresholds: speed is judged on a quiet machine, not in CI.
 */
import { readFileSync } from "node:fs";
import type { ClusterFigures } from "./cluster.ts";
import type { Figures } from "./scenarioRunner.ts";

const { results, cluster } = JSON.parse(readFileSync("bench/results/latest.json", "utf8")) as {
  results: Figures[];
  cluster?: ClusterFigures;
};
const problems: string[] = [];
const finite = (r: Figures, label: string, value: number | null) => {
  if (value === null || !Number.isFinite(value)) problems.push(`${r.scenario}: ${label} missing`);
};

const expected = ["room-100", "rooms-500", "world-250", "baseline room-100", "baseline rooms-500"];
for (const name of expected) if (!results.some((r) => r.scenario === name)) problems.push(`${name}: not run`);
if (!results.some((r) => r.scenario.startsWith("world-") && r.scenario !== "world-250"))
  problems.push("world-1000: not run");

for (const r of results) {
  if (r.ccu !== r.players) problems.push(`${r.scenario}: ${r.ccu} of ${r.players} players connected`);
  if (r.joinFailures > 0 || r.disconnects > 0)
    problems.push(`${r.scenario}: ${r.joinFailures} join failures, ${r.disconnects} drops`);
  finite(r, "bytes/client/s", r.bytesPerClientPerS.median);
  finite(r, "server CPU", r.serverCpuPercent);
  finite(r, "tick p99", r.tickMs.p99);
  finite(r, "patch p99", r.patchMs.p99);
  finite(r, "event-loop p99", r.eventLoopP99Ms);
  finite(r, "RSS", r.rssMB);
  finite(r, "ack p99", r.ackMs.p99);
  if (r.server === "tickwire") {
    finite(r, "bytes per entity update", r.bytesPerEntityUpdate);
    if (r.verification === null || r.verification.checked === 0)
      problems.push(`${r.scenario}: no decoded state checked`);
    for (const m of r.verification?.mismatches ?? []) problems.push(`${r.scenario}: ${m}`);
  }
}

// The cluster scenario: everyone connected both ways, and the rolling restart lost nobody who pressed Quick play.
if (cluster === undefined) problems.push("cluster: not run");
else {
  if (cluster.ccu.single !== cluster.players || cluster.ccu.cluster !== cluster.players)
    problems.push(`cluster: ${cluster.ccu.single} / ${cluster.ccu.cluster} of ${cluster.players} players connected`);
  if (cluster.joinFailures.single + cluster.joinFailures.cluster > 0) problems.push("cluster: join failures");
  if (!Number.isFinite(cluster.redis.commandsPerJoin)) problems.push("cluster: Redis commands per join missing");
  const restart = cluster.rollingRestart;
  if (restart.dropped === 0) problems.push("cluster: the rolling restart dropped nobody (no process was restarted?)");
  if (restart.lost > 0)
    problems.push(`cluster: the rolling restart lost ${restart.lost} of ${restart.dropped} players`);
}

if (problems.length > 0) {
  console.error(`bench check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `bench check: ${results.length} scenarios produced every figure; decoded states matched; ` +
    `the cluster's rolling restart lost none of ${cluster?.rollingRestart.dropped ?? 0} players`,
);
