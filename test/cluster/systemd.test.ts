import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import { startCluster } from "../../scripts/cluster/launcher.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";
import { checkServerEnv, parseEnvironmentFile } from "../helpers/deployEnv.ts";

/**
 * deploy/systemd: the template unit passes `systemd-analyze verify` (and a
 * broken copy does not, so the check can fail), its hardening scores as
 * systemd rates it, its environment plus tickwire.env.example is a config the
 * server accepts, and rolling-restart.sh restarts real processes one by one.
 * There is no systemd running here (no PID 1 to start units with), so the
 * unit itself is not started.
 */
const UNIT = new URL("../../deploy/systemd/tickwire@.service", import.meta.url).pathname;
const ENV_EXAMPLE = new URL("../../deploy/systemd/tickwire.env.example", import.meta.url).pathname;
const ROLLING = new URL("../../deploy/systemd/rolling-restart.sh", import.meta.url).pathname;
const unit = readFileSync(UNIT, "utf8");
const analyze = findExecutable("systemd-analyze");
if (analyze === undefined) console.warn("systemd-analyze not installed: the unit checks are skipped");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tickwire-systemd-test-"));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `systemd-analyze verify` of the unit as instance tickwire@2567; resolves with everything it printed. */
async function verify(text: string): Promise<{ code: number; output: string }> {
  const file = path.join(tempDir(), "tickwire@2567.service");
  writeFileSync(file, text);
  try {
    const { stdout, stderr } = await promisify(execFile)(analyze!, ["verify", file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

/** The unit's `Environment=` lines for one instance (%i → port). */
function unitEnvironment(port: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)) {
    env[name!] = value!.replaceAll("%i", String(port));
  }
  return env;
}

describe.skipIf(analyze === undefined)("deploy/systemd/tickwire@.service", () => {
  it("passes `systemd-analyze verify` with nothing to say", async () => {
    // verify checks the executable exists, not the script (the app is not in /opt/tickwire here). Where node is
    // not /usr/bin/node, the copy runs this test's node instead: the one change.
    const text = existsSync("/usr/bin/node") ? unit : unit.replaceAll("/usr/bin/node", process.execPath);
    expect(await verify(text)).toEqual({ code: 0, output: "" });
  });

  it("is reported when broken (an unknown key, a bad Restart=), so the check above can fail", async () => {
    const broken = unit.replace("ProtectSystem=strict", "ProtectSytem=strict").replace("on-failure", "sometimes");
    const { output } = await verify(broken);
    expect(output).toMatch(/Unknown key 'ProtectSytem'/);
    expect(output).toMatch(/restart specifier.*sometimes/);
  });

  it("is hardened: systemd's offline security score is OK or better", async () => {
    const file = path.join(tempDir(), "tickwire@2567.service");
    writeFileSync(file, unit);
    const { stdout } = await promisify(execFile)(analyze!, ["security", "--offline=yes", "--no-pager", file]);
    const score = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(stdout);
    expect(score, stdout.slice(-500)).not.toBeNull();
    console.log(`systemd-analyze security: exposure ${score![1]} ${score![2]}`);
    expect(["PERFECT", "SAFE", "OK"]).toContain(score![2]);
  });
});

describe("the unit's environment with tickwire.env.example", () => {
  it("is a configuration the server accepts, and TimeoutStopSec leaves room for the drain", () => {
    const shared = parseEnvironmentFile(readFileSync(ENV_EXAMPLE, "utf8"));
    // An EnvironmentFile= overrides Environment=: the per-process variables must not be in it.
    expect(Object.keys(shared)).not.toContain("PORT");
    expect(Object.keys(shared)).not.toContain("PUBLIC_ADDRESS");
    const config = checkServerEnv({ ...unitEnvironment(2567), ...shared }, "tickwire@2567");
    expect(config).toMatchObject({ production: true, port: 2567, host: "127.0.0.1" });
    expect(config.cluster?.publicAddress).toBe("play.example.com/p2567");
    expect(config.net.trustedProxies).toEqual(["127.0.0.1"]);
    const timeoutStop = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    expect(timeoutStop).toBeGreaterThan(config.shutdownTimeoutSeconds);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/tickwire\/dist\/server\/index\.js$/m);
  });

  it("refuses a typo in a variable's name (the server itself would ignore it)", () => {
    expect(() => checkServerEnv({ REDIS_URI: "redis://x:6379" }, "typo")).toThrow(
      /not a documented variable: REDIS_URI/,
    );
  });
});

const redisMissing = findExecutable("redis-server") === undefined;
const proxyMissing = findExecutable("nginx") === undefined;
describe.skipIf((redisMissing || proxyMissing) && process.env.CI !== "true")("rolling-restart.sh", () => {
  it("restarts each process in turn and waits for a new processId on its /health before the next", async () => {
    const cluster = await startCluster({ processes: 2, entry: "source", env: { SERVE_CLIENT: "none" } });
    // The script's restart command asks this test to restart a launcher process, the way `systemctl restart`
    // would: it answers once the old one drained (SIGTERM) and the new one listens.
    const control: Server = createServer((req, res) => {
      const index = cluster.processes.findIndex((m) => req.url === `/restart/${m.port}`);
      if (index === -1) return void res.writeHead(404).end();
      void (async () => {
        await cluster.stopProcess(index, "SIGTERM");
        await cluster.startProcess(index);
        res.writeHead(200).end();
      })().catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
    const controlPort = (control.address() as AddressInfo).port;
    try {
      const before = cluster.processes.map((m) => m.processId);
      const ports = cluster.processes.map((m) => String(m.port));
      const restart = `curl -fsS -X POST http://127.0.0.1:${controlPort}/restart/{port}`;
      // Through the proxy's prefix, as an operator would check it.
      const run = await runScript(["--restart", restart, "--health-url", `${cluster.url}/p{port}/health`, ...ports]);
      expect(run.code, run.output).toBe(0);
      for (const port of ports) expect(run.output).toMatch(new RegExp(`process ${port} is back .* after \\d+ ms`));
      console.log(run.output.trim());
      const after = cluster.processes.map((m) => m.processId);
      for (const [i, id] of after.entries()) expect(id).not.toBe(before[i]);
      for (const m of cluster.processes) {
        const health = JSON.parse((await cluster.get(`/${m.prefix}/health`)).body) as Health;
        expect(health.processId).toBe(m.processId);
      }

      // A restart that never brings the process back: the script stops there, exit 1, the next one untouched.
      const untouched = cluster.processes[1]!.processId;
      const failed = await runScript(["--restart", "true", "--timeout", "2", ...ports]);
      expect(failed.code).toBe(1);
      expect(failed.output).toContain(`process ${ports[0]} did not answer`);
      expect(cluster.processes[1]!.processId).toBe(untouched);
    } finally {
      control.close();
      await cluster.stop();
    }
  }, 90_000);
});

function runScript(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [ROLLING, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => resolve({ code, output }));
  });
}
