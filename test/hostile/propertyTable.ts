import type { AttackStats } from "./propertyAttacker.ts";

/**
 * The hostile property's table: one line per phase, printed by the hostile
 * summary reporter (summaryReporter.ts) from each case's `meta`. Types only,
 * so the reporter, in vitest's main process, loads nothing else.
 */
declare module "vitest" {
  interface TaskMeta {
    /** Set by each case of property.test.ts: its phase's result, or why it was not measured. */
    hostileProperty?: { result?: PhaseResult; machine: string; bound: string; skipped?: string };
  }
}

export interface PhaseResult {
  phase: string;
  /** Median over windows of the median honest client's patches per second. */
  patchesPerS: number;
  /** Each window's mean patches/s and ack p99 (ms), for the detail line. */
  windows: Array<{ patchesPerS: number; ackP99Ms: number; healthP99Ms: number }>;
  patchRatio: number;
  /** Median over windows of the windows' input -> ack p99, ms. */
  ackP99Ms: number;
  ackRiseTicks: number;
  healthP99Ms: number;
  healthMaxMs: number;
  rssPeakMiB: number;
  /** The baseline phase's peak, which the bound is added to (undefined for the baseline itself). */
  rssBaselineMiB: number | undefined;
  /** Server CPU over the measured windows, % of one core. */
  serverCpuPct: number;
  /** CPU other processes on the machine used meanwhile, % of one core. */
  othersCpuPct: number;
  /** Measured a second time because the first measurement broke the property, short of grossly. */
  remeasured?: boolean;
  /** Broken twice, short of grossly, with the machine busy: not judged (why). */
  inconclusive?: string;
  /** The attacker's own account; `ramping` when its connections were not all up after the ready timeout. */
  attack: (AttackStats & { ramping: boolean; rampMs: number }) | undefined;
  /** How long the server took to become idle after the previous phase (ms), or undefined if it never did. */
  settledMs?: number | undefined;
  /** The property's clauses this phase broke (empty: it holds). */
  broken: string[];
}

export interface PropertyTable {
  machine: string;
  bound: string;
  phases: PhaseResult[];
  /** Set when the baseline itself was too poor to measure against (machine too loaded). */
  skipped: string | undefined;
}

/** Whole milliseconds; ∞ for a window with no acknowledgement at all. */
const whole = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(0) : "∞");

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** The table the summary reporter prints, one line per phase. */
export function formatTable(report: PropertyTable): string[] {
  const head = [
    "phase".padEnd(18),
    "patches/s".padStart(9),
    "ratio".padStart(7),
    "ack p99".padStart(9),
    "rise".padStart(8),
    "/health p99 (max)".padStart(18),
    "RSS peak".padStart(9),
    "cpu".padStart(5),
    "others".padStart(6),
    "  verdict",
  ].join(" ");
  const lines = [report.machine, `memory bound: ${report.bound}`, head];
  for (const r of report.phases) {
    lines.push(
      [
        `${r.phase}${r.remeasured === true ? "*" : ""}`.padEnd(18),
        r.patchesPerS.toFixed(1).padStart(9),
        pct(r.patchRatio).padStart(7),
        `${whole(r.ackP99Ms)} ms`.padStart(9),
        `${r.ackRiseTicks >= 0 ? "+" : ""}${Number.isFinite(r.ackRiseTicks) ? r.ackRiseTicks.toFixed(2) : "∞"}t`.padStart(
          8,
        ),
        `${r.healthP99Ms.toFixed(1)} (${r.healthMaxMs.toFixed(0)}) ms`.padStart(18),
        `${r.rssPeakMiB.toFixed(0)} MiB`.padStart(9),
        `${r.serverCpuPct.toFixed(0)}%`.padStart(5),
        `${r.othersCpuPct.toFixed(0)}%`.padStart(6),
        `  ${r.broken.length === 0 ? "holds" : `${r.inconclusive === undefined ? "BROKEN" : `INCONCLUSIVE (${r.inconclusive})`}: ${r.broken.join("; ")}`}`,
      ].join(" "),
    );
    lines.push(
      `${"".padEnd(18)}   windows (patches/s, ack p99 ms, /health p99 ms): ${r.windows.map((w) => `${w.patchesPerS.toFixed(1)}/${whole(w.ackP99Ms)}/${w.healthP99Ms.toFixed(0)}`).join("  ")}`,
    );
    if (r.attack !== undefined) {
      const closes = Object.entries(r.attack.closes)
        .map(([code, n]) => `${code}×${n}`)
        .join(" ");
      const settled =
        r.settledMs === undefined
          ? "server NOT idle before it (10 s)"
          : `server idle ${(r.settledMs / 1000).toFixed(1)} s before it`;
      const ramp = r.attack.ramping
        ? `NOT all up after ${(r.attack.rampMs / 1000).toFixed(0)} s`
        : `up in ${(r.attack.rampMs / 1000).toFixed(1)} s`;
      lines.push(
        `${"".padEnd(18)}   attack ${ramp}, ${settled}: ${r.attack.open} open, ${r.attack.sentPerS}/s sent, ${r.attack.backlogged} held back (server not reading); closes/answers: ${closes || "none"}; ${r.attack.note}`,
      );
    }
  }
  if (report.phases.some((r) => r.remeasured === true))
    lines.push("* measured twice (the first broke the property, short of grossly): the second is shown");
  if (report.skipped !== undefined) lines.push(`NOT MEASURED (machine too loaded): ${report.skipped}`);
  return lines;
}
