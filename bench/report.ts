import type { Capacity } from "./capacity.ts";
import type { ClusterFigures } from "./cluster.ts";
import type { AckCost, PositionCost } from "./encoding.ts";
import type { ViewEncodeCost } from "./viewEncoding.ts";
import type { Figures } from "./scenarioRunner.ts";
import type { TargetCheck } from "./targets.ts";

const n = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);
const kb = (bytes: number): string => (bytes >= 10_000 ? `${(bytes / 1000).toFixed(1)}k` : bytes.toFixed(0));

const ROWS: Array<[string, (f: Figures) => string]> = [
  ["CCU reached / players", (f) => `${f.ccu} / ${f.players}`],
  ["rooms", (f) => `${f.rooms}`],
  ["join failures / disconnects", (f) => `${f.joinFailures} / ${f.disconnects}`],
  ["bytes/client/s median (p95)", (f) => `${kb(f.bytesPerClientPerS.median)} (${kb(f.bytesPerClientPerS.p95)})`],
  ["  of which state, median", (f) => kb(f.stateBytesPerClientPerS.median)],
  ["bytes per moving-entity update", (f) => n(f.bytesPerEntityUpdate, 2)],
  ["server CPU, % of one core", (f) => n(f.serverCpuPercent)],
  ["tick p50 / p99 ms", (f) => `${n(f.tickMs.p50, 2)} / ${n(f.tickMs.p99, 2)}`],
  ["patch encode+send p50 / p99 ms", (f) => `${n(f.patchMs.p50, 2)} / ${n(f.patchMs.p99, 2)}`],
  ["event-loop delay p99 ms", (f) => n(f.eventLoopP99Ms)],
  ["RSS MB / per client KB", (f) => `${n(f.rssMB, 0)} / ${n(f.rssPerClientKB, 0)}`],
  ["input→ack p50 / p99 ms", (f) => `${n(f.ackMs.p50, 0)} / ${n(f.ackMs.p99, 0)}`],
  [
    "decoded states checked (mismatches)",
    (f) => (f.verification === null ? "–" : `${f.verification.checked} (${f.verification.mismatches.length})`),
  ],
  [
    "load generator CPU % / loop p99 ms",
    (f) => `${n(f.loadGenerator.cpuPercent, 0)} / ${n(f.loadGenerator.eventLoopP99Ms)}`,
  ],
];

/** Markdown table: one column per scenario, one row per figure. */
export function figuresTable(results: Figures[]): string {
  const header = ["figure", ...results.map((r) => r.scenario)];
  const rows = ROWS.map(([label, cell]) => [label, ...results.map(cell)]);
  return markdown(header, rows);
}

/** "2.10× less" when Tickwire uses less CPU than the baseline, "1.71× more" when it uses more. */
export function cpuComparison(tickwire: number, baseline: number): string {
  return tickwire <= baseline ? `${n(baseline / tickwire, 2)}× less` : `${n(tickwire / baseline, 2)}× more`;
}

export function ratiosTable(results: Figures[]): string {
  const pairs = results
    .filter((r) => r.server === "tickwire")
    .map((r) => [r, results.find((b) => b.scenario === `baseline ${r.scenario}`)] as const)
    .filter((pair): pair is readonly [Figures, Figures] => pair[1] !== undefined);
  const rows = pairs.map(([t, b]) => [
    t.scenario,
    `${n(b.bytesPerClientPerS.median / t.bytesPerClientPerS.median)}× fewer`,
    cpuComparison(t.serverCpuPercent, b.serverCpuPercent),
    `${n(b.rssMB / t.rssMB, 2)}×`,
    `${n(t.ackMs.p50, 0)} vs ${n(b.ackMs.p50, 0)}`,
  ]);
  return markdown(
    [
      "vs naive baseline",
      "bytes/client/s",
      "server CPU",
      "RSS (baseline/tickwire)",
      "ack p50 ms (tickwire vs baseline)",
    ],
    rows,
  );
}

export function targetsTable(checks: TargetCheck[]): string {
  return markdown(
    ["target", "measured", ""],
    checks.map((c) => [c.target, c.measured, c.met === null ? "–" : c.met ? "met" : "MISSED"]),
  );
}

export function capacityTable(capacity: Capacity): string {
  return markdown(
    ["CCU", "loop p99 ms", "tick p99 ms", "patch p99 ms", "server CPU %", "drops", "load gen CPU %"],
    capacity.steps.map((s) => [
      `${s.ccu}`,
      n(s.eventLoopP99Ms),
      n(s.tickP99Ms, 2),
      n(s.patchP99Ms, 2),
      n(s.serverCpuPercent),
      `${s.disconnects + s.joinFailures}`,
      n(s.loadGeneratorCpuPercent, 0),
    ]),
  );
}

export function encodingTable(costs: PositionCost[]): string {
  return markdown(
    ["position field type", "bytes per x+y update", "exact on the client"],
    costs.map((c) => [c.type, n(c.bytesPerUpdate, 2), c.exact ? "yes" : "no"]),
  );
}

export function ackTable(cost: AckCost): string {
  return markdown(
    ["per-client input ack (defineInput)", "with", "without"],
    [
      ["header bytes per patch frame", `${1 + cost.prefixBytesPerFrame}`, "1"],
      [
        "frames/s to an idle client (heartbeats)",
        n(cost.idleFramesPerSecond.withInput, 0),
        n(cost.idleFramesPerSecond.without, 0),
      ],
      [
        `applyPatches, ${cost.clients} clients, ${cost.patchBodyBytes} B body (µs)`,
        n(cost.applyPatchesUs.withInput, 1),
        n(cost.applyPatchesUs.without, 1),
      ],
    ],
  );
}

export function viewEncodingTable(costs: ViewEncodeCost[]): string {
  return markdown(
    ["world, no sockets", "interest p50 / p99 ms", "applyPatches p50 / p99 ms", "bytes/client/s"],
    costs.map((c) => [
      `${c.players} on ${c.size}²`,
      `${n(c.interestMs.p50, 2)} / ${n(c.interestMs.p99, 2)}`,
      `${n(c.patchMs.p50, 2)} / ${n(c.patchMs.p99, 2)}`,
      n(c.bytesPerClientPerS, 0),
    ]),
  );
}

/** Single process vs cluster behind the proxy, then the rolling restart. */
export function clusterTable(c: ClusterFigures): string {
  const q = (x: { p50: number; p99: number }, digits = 0) => `${n(x.p50, digits)} / ${n(x.p99, digits)}`;
  const r = c.rollingRestart;
  const perProcess = c.cpuPer100Clients.clusterProcesses
    .map((cpu, i) => `${n(cpu)} (${c.clientsPerProcess[i] ?? 0} clients)`)
    .join(", ");
  return markdown(
    ["cluster figure", "single process", `${c.processes} processes behind nginx`],
    [
      ["CCU reached / players", `${c.ccu.single} / ${c.players}`, `${c.ccu.cluster} / ${c.players}`],
      ["join failures", `${c.joinFailures.single}`, `${c.joinFailures.cluster}`],
      ["join p50 / p99 ms (token + seat + first state)", q(c.joinMs.single), q(c.joinMs.cluster)],
      ["server CPU % of a core per 100 clients", n(c.cpuPer100Clients.single), perProcess],
      ["Redis commands per join", "–", n(c.redis.commandsPerJoin)],
      [
        "Redis commands/s, idle / all playing",
        "–",
        `${n(c.redis.idleCommandsPerS, 0)} / ${n(c.redis.commandsPerS, 0)}`,
      ],
      [
        "rolling restart: players dropped / back in a room / lost",
        "–",
        `${r.dropped} / ${r.rejoined} / ${r.lost} (${n(r.seconds, 0)} s)`,
      ],
      ["rolling restart: drop → back in a room p50 / p99 ms", "–", q(r.rejoinMs)],
      ["rolling restart: without state p50 / p99 ms", "–", q(r.withoutStateMs)],
      ["rolling restart: matchmaking attempts retried", "–", `${r.failedAttempts}`],
    ],
  );
}

function markdown(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
