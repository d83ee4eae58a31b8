/**
 * `npm run cluster -- [--processes N] [--port P] [--tls] [--proxy nginx|haproxy] [--redis-url URL] [--source] [--verbose]`
 *
 * Tickwire as a cluster on this machine: a private redis-server (or
 * --redis-url / REDIS_URL), N game processes and nginx in front
 * (deploy/nginx/tickwire.conf.template; or HAProxy, deploy/haproxy/tickwire.cfg.template),
 * then prints the URL to open.
 * Ctrl-C stops everything it started, by pid, and checks nothing is left.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { BUILT_ENTRY, REPO_ROOT, type LogLine } from "./cluster/gameProcess.ts";
import { startCluster, type Cluster, type ClusterMember } from "./cluster/launcher.ts";
import { MissingToolError } from "./cluster/tools.ts";

const USAGE = `usage: npm run cluster -- [--processes N] [--port P] [--tls] [--proxy nginx|haproxy] [--redis-url URL] [--source] [--verbose]
  --processes N    game processes (default 2)
  --port P         proxy port on 127.0.0.1 (default 8080; 0 = any free port)
  --tls            https/wss with a throwaway self-signed certificate (the browser asks once)
  --proxy KIND     nginx (default) or haproxy
  --redis-url URL  use this Redis (default: REDIS_URL, else a private redis-server on a free port)
  --source         run server/index.ts through tsx instead of building dist/ first
  --verbose        every log line (default: info and above)`;

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    port: { type: "string", default: "8080" },
    tls: { type: "boolean", default: false },
    proxy: { type: "string", default: "nginx" },
    "redis-url": { type: "string" },
    source: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const processes = Number(values.processes);
const port = Number(values.port);
const proxy = values.proxy;
const proxyOk = proxy === "nginx" || proxy === "haproxy";
if (!proxyOk || !Number.isInteger(processes) || processes < 1 || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(USAGE);
  process.exit(2);
}

if (!values.source && builtIsStale()) {
  console.log("building (npm run build): dist/ is missing or older than the sources…");
  const build = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const printLog = (member: ClusterMember, line: LogLine) => {
  if (!values.verbose && line.stderr !== true && (line.level ?? 30) < 30) return;
  const { level, msg, time: _time, pid: _pid, hostname: _host, ...rest } = line;
  const extra = Object.keys(rest).length === 0 ? "" : ` ${JSON.stringify(rest)}`;
  const label = line.stderr === true ? "stderr" : (LEVELS[level ?? 30] ?? String(level));
  console.log(`[${member.prefix}] ${label} ${msg ?? ""}${values.verbose ? extra : extra.slice(0, 160)}`);
};

let cluster: Cluster;
try {
  cluster = await startCluster({
    processes,
    proxyPort: port,
    tls: values.tls,
    proxy,
    redisUrl: values["redis-url"] ?? (process.env.REDIS_URL || undefined),
    entry: values.source ? "source" : "built",
    onLog: printLog,
  });
} catch (error) {
  if (error instanceof MissingToolError) console.error(error.message);
  else if (String(error).includes("Address already in use")) {
    console.error(`port ${port} is taken: choose another with --port (0 = any free port)\n${String(error)}`);
  } else console.error(error);
  process.exit(1);
}

const c = cluster;
console.log(
  [
    "",
    `Tickwire cluster: ${processes} game process${processes === 1 ? "" : "es"} behind ${proxy}, Redis ${c.redisUrl}${c.redis === undefined ? "" : " (private)"}`,
    ...c.processes.map(
      (m) =>
        `  /${m.prefix}/ → ${m.directUrl}  pid ${m.pid}  processId ${m.processId}  PUBLIC_ADDRESS=${m.publicAddress}`,
    ),
    `  ${c.proxy.kind} pid ${c.proxy.pid}, config ${c.proxy.configFile}${c.redis === undefined ? "" : `; redis-server pid ${c.redis.pid}`}`,
    ...(c.tls === undefined
      ? []
      : [`  self-signed certificate ${c.tls.certificate} (Node clients: NODE_EXTRA_CA_CERTS=<that file>)`]),
    "",
    `  Open ${c.url}/`,
    "",
    "Ctrl-C stops everything.",
  ].join("\n"),
);

for (const member of c.processes) {
  void member.exited.then(({ code, signal }) => {
    if (!stopping) console.warn(`[${member.prefix}] exited (${code ?? signal}) — not restarted`);
  });
}

let stopping = false;
const stop = async (signal: NodeJS.Signals) => {
  if (stopping) {
    console.warn(`second ${signal}: killing what is left`);
    for (const pid of c.pids()) process.kill(pid, "SIGKILL");
    process.exit(1);
  }
  stopping = true;
  const pids = c.pids();
  console.log(`\n${signal}: stopping ${pids.length} processes (game processes drain first)…`);
  await c.stop();
  const left = pids.filter(isAlive);
  if (left.length > 0) {
    console.error(`still running after stop: ${left.join(", ")}`);
    process.exit(1);
  }
  console.log(`stopped: ${pids.join(", ")} — nothing left running`);
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** dist/server/index.js is missing, or a file under server/, shared/, colyseus/ or client/ is newer. */
function builtIsStale(): boolean {
  let built: number;
  try {
    built = statSync(BUILT_ENTRY).mtimeMs;
  } catch {
    return true;
  }
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== "node_modules" && entry.name !== "dist" && newer(full);
      return statSync(full).mtimeMs > built;
    });
  return ["server", "shared", "colyseus", "client"].some((dir) => newer(path.join(REPO_ROOT, dir)));
}
