import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { startChild, type Child } from "./child.ts";
import { HAPROXY_SHARED_BACKEND } from "./haproxyConfig.ts";
import type { CertificateFiles } from "./tls.ts";
import { requireExecutable } from "./tools.ts";

export interface RunningHaproxy extends Child {
  configFile: string;
  /** HAProxy's stdout and stderr so far: its log lines (`log stdout`), warnings, and why it refused to start. */
  readErrorLog: () => string;
  /** The admin socket the config opened (launcher configs always open one). */
  statsSocket: string;
}

/** The haproxy binary (HAPROXY overrides), or a clear "apt-get install -y haproxy". */
export function haproxyBinary(): string {
  return requireExecutable("haproxy", "apt-get install -y haproxy", process.env.HAPROXY);
}

/** HAProxy reads the certificate and its key from one PEM (`crt`): write the two files as one into `dir`. */
export function combinedPem(dir: string, tls: CertificateFiles): string {
  const file = path.join(dir, "tls-combined.pem");
  writeFileSync(file, `${readFileSync(tls.certificate, "utf8").trimEnd()}\n${readFileSync(tls.key, "utf8")}`, {
    mode: 0o600,
  });
  return file;
}

/** `haproxy -c` on `config` (written to `dir`): resolves with HAProxy's report, or throws it. Binds nothing. */
export async function testHaproxyConfig(dir: string, config: string, name = "haproxy-check.cfg"): Promise<string> {
  const configFile = path.join(dir, name);
  writeFileSync(configFile, config);
  const check = startChild(haproxyBinary(), ["-c", "-f", configFile], { stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  check.child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  check.child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const { code } = await check.exited;
  if (code !== 0) throw new Error(`haproxy refused the config ${configFile}:\n${output.join("")}`);
  return output.join("");
}

/**
 * Run HAProxy in the foreground (`-db`: no daemon, our child, stopped by its
 * pid) on `config`, a whole haproxy.cfg from renderHaproxyConfig with
 * `logTarget: "stdout format raw"` and `statsSocket` in `dir`. Its output goes
 * to `dir`/haproxy.log. Resolves once the config passed `haproxy -c` and the
 * process is spawned; it binds right after.
 */
export async function startHaproxy(dir: string, config: string, statsSocket: string): Promise<RunningHaproxy> {
  await testHaproxyConfig(dir, config);
  const configFile = path.join(dir, "haproxy.cfg");
  writeFileSync(configFile, config);
  const logFile = path.join(dir, "haproxy.log");
  const fd = openSync(logFile, "a");
  const haproxy = startChild(haproxyBinary(), ["-db", "-f", configFile], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const readErrorLog = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  return Object.assign(haproxy, { configFile, readErrorLog, statsSocket });
}

/** `status` per server of the round-robin backend (`UP`, `DOWN`, `UP 1/2`, `MAINT`…), read from `show stat`. */
export async function sharedBackendStates(statsSocket: string): Promise<Map<string, string>> {
  const csv = await adminCommand(statsSocket, "show stat");
  const [header, ...rows] = csv.replace(/^# /, "").trim().split("\n");
  const columns = (header ?? "").split(",");
  const at = (name: string) => columns.indexOf(name);
  const states = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(",");
    const [proxy, server, status] = [cells[at("pxname")], cells[at("svname")], cells[at("status")]];
    if (proxy === HAPROXY_SHARED_BACKEND && server !== "BACKEND" && server !== undefined) {
      states.set(server, status ?? "");
    }
  }
  return states;
}

/** One command on HAProxy's admin socket; it answers and closes. */
function adminCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.setTimeout(2000, () => socket.destroy(new Error(`${command}: no answer from ${socketPath}`)));
    socket.on("connect", () => socket.write(`${command}\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString()));
    socket.on("error", reject);
  });
}
