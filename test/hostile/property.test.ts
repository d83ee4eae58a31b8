import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../server/config.ts";
import type { AttackMode } from "./propertyAttacker.ts";
import { memoryBound } from "./propertyBound.ts";
import {
  gross,
  machineBusy,
  machineLine,
  runPhase,
  settle,
  startPropertyRun,
  unmeasurable,
  type PhaseResult,
  type PropertyRun,
} from "./propertyHarness.ts";

/**
 * The hostile property (issue 13; SECURITY.md "The hostile property"):
 * whatever one IP does within the documented limits, honest players in other
 * rooms keep >= 95% of their patch rate, their input->ack p99 rises by less
 * than one tick, /health answers in < 100 ms, and the server's RSS stays under
 * its baseline plus the bound SECURITY.md states.
 *
 * A timing assertion, which the issue itself defines; made to hold on a
 * loaded 2-core machine by medians over one-second windows after a fixed
 * warm-up (propertyHarness.ts), and by refusing to judge at all when the
 * baseline is already poor: then every phase is skipped with the reason in
 * the `hostile property:` block, rather than failed. ~60-90 s; runs alone as
 * `npx vitest run test/hostile/property.test.ts`. The summary reporter
 * (summaryReporter.ts) prints the table from each case's `meta`.
 */

const config = defaultConfig();
const bound = memoryBound(config.net, config.arena.maxSeatsPerIp);

/** The input floods last: on a server they stall, the memory and backlog they leave would be measured by the next phase. */
const PHASES: Array<{ phase: string; mode: AttackMode }> = [
  { phase: "b chat", mode: "chat" },
  { phase: "c joins never acked", mode: "join-no-ack" },
  { phase: "d slow HTTP", mode: "slow-http" },
  { phase: "e reservations", mode: "reservations" },
  { phase: "f slow consumer", mode: "slow-consumer" },
  { phase: "a1 input reliable", mode: "input-reliable" },
  { phase: "a2 input fragmented", mode: "input-fragmented" },
  { phase: "a3 input unreliable", mode: "input-unreliable" },
];

/** Two measurements and a control, up to ~25 s each (settling at most 10 s, the attack's ramp at most 8 s, 5 s measured). */
/** Server CPU (% of a core) within this of the baseline's: the attack made the server do no real work. */
const IDLE_CPU_MARGIN_PCT = 10;

const PHASE_TIMEOUT_MS = 120_000;

describe("hostile property: one IP within the documented limits", () => {
  let run: PropertyRun | undefined;
  let baseline: PhaseResult | undefined;
  let tooLoaded: string | undefined;

  beforeAll(async () => {
    run = await startPropertyRun();
  }, 30_000);

  afterAll(async () => {
    await run?.close();
  });

  it(
    "baseline (no attack)",
    async ({ task, skip }) => {
      if (run === undefined) throw new Error("no property run");
      baseline = await runPhase(run, "baseline", undefined, undefined, bound);
      tooLoaded = unmeasurable(baseline);
      task.meta.hostileProperty = {
        result: baseline,
        machine: machineLine(),
        bound: bound.formula,
        skipped: tooLoaded,
      };
      if (tooLoaded !== undefined) skip(`machine too loaded to measure: ${tooLoaded}`);
      expect(baseline.broken).toEqual([]);
    },
    PHASE_TIMEOUT_MS,
  );

  for (const { phase, mode } of PHASES) {
    it(
      `${phase}: the property holds`,
      async ({ task, skip }) => {
        if (run === undefined || baseline === undefined) throw new Error("no baseline");
        if (tooLoaded !== undefined) {
          task.meta.hostileProperty = { machine: machineLine(), bound: bound.formula, skipped: tooLoaded };
          skip(`machine too loaded to measure: ${tooLoaded}`);
        }
        const [live, base] = [run, baseline];
        const measure = async (): Promise<PhaseResult> => {
          const settledMs = await settle(live);
          return { ...(await runPhase(live, phase, mode, base, bound)), settledMs };
        };
        let result = await measure();
        // A breach short of gross may be a burst of someone else's load on a shared machine: measured again.
        if (result.broken.length > 0 && !gross(result, bound)) result = { ...(await measure()), remeasured: true };
        // Broken with other processes holding over half the machine: was it the attack? Not if the server did no
        // more work than with no attack (the attack was shed, the harm is the machine's), nor if a control without
        // attack, measured right after, breaks too.
        if (result.broken.length > 0 && machineBusy(result)) {
          const busy = `other processes used ${result.othersCpuPct.toFixed(0)}% CPU`;
          if (result.serverCpuPct <= base.serverCpuPct + IDLE_CPU_MARGIN_PCT) {
            result.inconclusive = `${busy} and the server worked no more than without attack (${result.serverCpuPct.toFixed(0)}% CPU)`;
          } else {
            await settle(live);
            const control = await runPhase(live, "control", undefined, base, bound);
            if (control.broken.length > 0) {
              result.inconclusive = `${busy}, and a control without attack measured right after broke too (${control.broken.join("; ")})`;
            }
          }
        }
        task.meta.hostileProperty = { result, machine: machineLine(), bound: bound.formula };
        if (result.inconclusive !== undefined) skip(`${phase}: inconclusive, machine busy (${result.inconclusive})`);
        expect(run.honest.filter((bot) => bot.droppedWith !== undefined).map((bot) => bot.droppedWith)).toEqual([]);
        expect(result.broken, `${phase}`).toEqual([]);
      },
      PHASE_TIMEOUT_MS,
    );
  }
});
