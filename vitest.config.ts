import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // The hostile suite's one-line summary ("N cases tried, M survived") comes last.
    reporters: ["default", "./test/hostile/summaryReporter.ts"],
    // Each file runs in its own process: Colyseus' matchmaker is a process-wide singleton.
    pool: "forks",
    // The fuzz test measures the heap after a full GC.
    execArgv: ["--expose-gc"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    typecheck: {
      enabled: true,
      include: ["test/types/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
