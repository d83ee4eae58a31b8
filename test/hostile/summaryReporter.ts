import type { Reporter, TestModule } from "vitest/node";

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
    if (tried === 0) return;
    for (const failure of failures) process.stdout.write(`  not survived: ${failure}\n`);
    process.stdout.write(`\nhostile suite: ${tried} cases tried, ${survived} survived\n`);
  }
}
