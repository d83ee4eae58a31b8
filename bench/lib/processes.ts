import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";

/** Children still running; killed whatever way the bench ends (error, Ctrl-C, normal exit). */
const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

const hasTaskset = spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
const cores = availableParallelism();

/** The core the server under test gets; the load generator takes the others. */
export const SERVER_CORE = 0;

/**
 * Keep the load generator (this process) off the server's core, so the two
 * do not steal each other's time. False when taskset or a second core is missing.
 */
export function pinLoadGenerator(): boolean {
  if (!hasTaskset || cores < 2) return false;
  const others = Array.from({ length: cores - 1 }, (_, i) => i + 1).join(",");
  return spawnSync("taskset", ["-acp", others, String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** `nice` level for the server and load generator under `--priority` (root only). */
const PRIORITY_NICE = -10;
let priority = false;

/**
 * On a shared machine other processes preempt the pinned server, and the
 * event-loop delay then measures the neighbours: `--priority` runs the server
 * and this process at a higher CPU priority. Needs root (negative nice).
 */
export function raisePriority(): boolean {
  priority =
    spawnSync("renice", ["-n", String(PRIORITY_NICE), "-p", String(process.pid)], { stdio: "ignore" }).status === 0;
  return priority;
}

export interface NodeProcess {
  readonly pid: number;
  readonly port: number;
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** True when pinned to SERVER_CORE with taskset. */
  readonly pinned: boolean;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  /** A .ts entry, run through tsx. */
  script: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** How long to wait for the "listening" log line. */
  timeoutMs?: number;
}

/**
 * Start a server under test as its own `node` process (pinned to one core
 * when possible) and resolve once it logs `{"msg":"tickwire listening","port":N}`.
 */
/**
 * Every bot connects from 127.0.0.1, so the per-IP limits that protect a
 * public server (SECURITY.md: MAX_CONNECTIONS_PER_IP, MAX_HTTP_SOCKETS_PER_IP, HTTP_BURST,
 * HTTP_RATE_PER_MIN, MAX_PENDING_SEATS_PER_IP, MAX_SEATS_PER_IP_PER_ROOM) would refuse the load generator after a
 * few dozen bots, and the per-IP cost budgets (MAX_IP_DISPATCH_MS_PER_S, MAX_FRAMES_PER_S_PER_IP,
 * MAX_QUEUED_BYTES_PER_IP) would cut its bots by the hundred. The per-connection
 * budget and the loop-lag cut stay: a bot costs what an honest player does.
 * A scenario's own env can still set them.
 */
export const LOAD_GENERATOR_ALLOWANCE = {
  MAX_CONNECTIONS_PER_IP: "100000",
  MAX_HTTP_SOCKETS_PER_IP: "100000",
  MAX_PENDING_SEATS_PER_IP: "100000",
  MAX_SEATS_PER_IP_PER_ROOM: "100000",
  HTTP_BURST: "1000000",
  HTTP_RATE_PER_MIN: "1000000",
  MAX_IP_DISPATCH_MS_PER_S: "100000",
  MAX_FRAMES_PER_S_PER_IP: "10000000",
  MAX_QUEUED_BYTES_PER_IP: "1073741824",
};

export async function startNodeServer(options: StartOptions): Promise<NodeProcess> {
  const args = ["--import", "tsx", ...(options.nodeArgs ?? []), options.script];
  const pinned = hasTaskset && cores >= 2;
  const node = pinned ? ["taskset", "-c", String(SERVER_CORE), process.execPath, ...args] : [process.execPath, ...args];
  const commandLine = priority ? ["nice", "-n", String(PRIORITY_NICE), ...node] : node;
  const child = spawn(commandLine[0] ?? process.execPath, commandLine.slice(1), {
    // METRICS_TOKEN emptied (= unset): the bench scrapes /metrics without a token, whatever the shell exports.
    env: { ...process.env, ...LOAD_GENERATOR_ALLOWANCE, METRICS_TOKEN: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => live.delete(child));

  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.script} did not start:\n${stderr}`)),
      options.timeoutMs ?? 20_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited with ${code}:\n${stderr}`));
    });
    // Keep draining stdout for the whole run, or a full pipe would block the server.
    createInterface({ input: child.stdout }).on("line", (line) => {
      const port = listeningPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve(port);
    });
  });

  return {
    pid: child.pid ?? -1,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    pinned,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function listeningPort(line: string): number | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === "tickwire listening" && typeof entry.port === "number" ? entry.port : undefined;
  } catch {
    return undefined;
  }
}
