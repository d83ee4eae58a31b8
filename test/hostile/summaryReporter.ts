import type { Reporter, TestModule } from "vitest/node";
import { formatTable, type PhaseResult, type PropertyTable } from "./propertyTable.ts";

/**
 * Ends the run with one line for the hostile suite: how many cases were tried
 * and how many the server survived.
 *
 * A reporter, because it runs in vitest's main process and sees every file's
 * results, whichever fork ran it: an `afterAll` in a test file would only see
 * its own file. A case counts as tried once it started (or its file was meant
 * to run it); it survived if it passed. A file that died before reporting
 * its cases (a crashed server process takes its fork with it) counts as one
 * case tried, not survived.
 *
 * Then, when property.test.ts ran, a `hostile property:` block: its table of
 * phases (propertyTable.ts), read from each case's `meta`.
 */
export default class HostileSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let tried = 0;
    let survived = 0;
    const failures: string[] = [];
    for (const module of testModules) {
      if (!module.moduleId.includes("/test/hostile/")) continue;
      let cases = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "skipped") continue;
        cases++;
        if (state === "passed") survived++;
        else failures.push(`${module.relativeModuleId} > ${test.name}`);
      }
      if (cases === 0 && module.state() === "failed") {
        cases = 1;
        failures.push(`${module.relativeModuleId} (did not run)`);
      }
      tried += cases;
    }
    const property = propertyTable(testModules);
    if (tried === 0 && property === undefined) return;
    for (const failure of failures) process.stdout.write(`  not survived: ${failure}\n`);
    process.stdout.write(`\nhostile suite: ${tried} cases tried, ${survived} survived\n`);
    if (property !== undefined) {
      process.stdout.write(
        `hostile property:\n${formatTable(property)
          .map((line) => `  ${line}\n`)
          .join("")}`,
      );
    }
  }
}

function propertyTable(testModules: ReadonlyArray<TestModule>): PropertyTable | undefined {
  let table: PropertyTable | undefined;
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const meta = test.meta().hostileProperty;
      if (meta === undefined) continue;
      table ??= { machine: meta.machine, bound: meta.bound, phases: [] as PhaseResult[], skipped: undefined };
      if (meta.result !== undefined) table.phases.push(meta.result);
      table.skipped ??= meta.skipped;
    }
  }
  return table;
}
