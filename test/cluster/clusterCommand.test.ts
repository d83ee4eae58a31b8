import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";

/**
 * `npm run cluster` end to end (`scripts/cluster.ts --source`, so no build):
 * it prints the URL, the URL answers through nginx, and SIGINT (Ctrl-C)
 * stops every process it started, leaving none running.
 */
const skip = findExecutable("nginx") === undefined && process.env.CI !== "true";
if (skip)
  console.warn("test/cluster/clusterCommand.test.ts skipped: nginx is not installed (apt-get install -y nginx)");

const haproxySkip = findExecutable("haproxy") === undefined && process.env.CI !== "true";

describe.skipIf(skip)("npm run cluster", () => {
  it("prints the URL to open, serves it through nginx, and Ctrl-C stops everything it started", async () => {
    await runCluster([]);
  }, 60_000);

  it.skipIf(haproxySkip)(
    "does the same with --proxy haproxy",
    async () => {
      expect(await runCluster(["--proxy", "haproxy"])).toContain("behind haproxy");
    },
    60_000,
  );
});

/** Run `npm run cluster -- --processes 2 --port 0 --source …extra`, check it, Ctrl-C it; resolves with its output. */
async function runCluster(extra: string[]): Promise<string> {
  const cli = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/cluster.ts", "--processes", "2", "--port", "0", "--source", ...extra],
    {
      cwd: new URL("../..", import.meta.url).pathname,
      env: { ...process.env, SERVE_CLIENT: "none" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      cli.stdout.on("data", () => output.includes("Ctrl-C stops everything.") && resolve());
      void exited.then((code) => reject(new Error(`npm run cluster exited (${code}):\n${output}`)));
    });
    const url = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    expect(url, output).toBeDefined();
    // Two game processes, the proxy and redis-server, each printed with its pid.
    const pids = [...output.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids, output).toHaveLength(4);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const health = (await (await fetch(`${url}/health`)).json()) as Health;
    expect(health.status).toBe("ok");
    expect(health.publicAddress).toMatch(/^127\.0\.0\.1:\d+\/p\d+$/);

    cli.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("nothing left running");
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} outlived npm run cluster`).toBe(false);
  } finally {
    // Not SIGKILL: its children are in their own process groups; SIGTERM makes it stop them first.
    if (cli.exitCode === null && cli.signalCode === null) {
      cli.kill("SIGTERM");
      await exited;
    }
  }
  return output;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
