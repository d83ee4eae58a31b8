import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Child, Exit } from "./child.ts";
import { defaultEntry, startGameProcess, type EntryKind, type GameProcess, type LogLine } from "./gameProcess.ts";
import { httpGet } from "./httpGet.ts";
import { combinedPem, sharedBackendStates, startHaproxy } from "./haproxy.ts";
import { renderHaproxyConfig } from "./haproxyConfig.ts";
import { startNginx } from "./nginx.ts";
import { prefixForPort, renderNginxSite } from "./nginxConfig.ts";
import { startPrivateRedis, type PrivateRedis } from "./redis.ts";
import { createSelfSignedCertificate, type CertificateFiles } from "./tls.ts";
import { freePort, waitFor } from "./tools.ts";

/**
 * A Tickwire cluster on this machine: a private redis-server (or REDIS_URL),
 * N game processes and nginx (or HAProxy) in front of them, rendered from the
 * same template as deploy/nginx/tickwire.conf (deploy/haproxy/tickwire.cfg).
 * Used by `npm run cluster`, the proxy tests and the cluster benchmark.
 */
export interface ClusterOptions {
  /** How many game processes (≥ 1). */
  processes: number;
  /** The proxy in front: nginx (default) or HAProxy, each from its deploy/ template. */
  proxy?: ProxyKind;
  /** Terminate TLS at the proxy: `true` makes a throwaway self-signed certificate; or give your own files. */
  tls?: boolean | CertificateFiles;
  /** The port the proxy listens on (127.0.0.1); unset or 0: a free one. */
  proxyPort?: number;
  /** Use this Redis instead of starting a private redis-server (it is then not stopped). */
  redisUrl?: string;
  /** `built` (dist/server/index.js) or `source` (tsx); default: built if it exists. */
  entry?: EntryKind;
  /** Extra environment for every game process (over the launcher's own settings). */
  env?: Record<string, string>;
  /** Every log line of every game process, as it comes. */
  onLog?: (member: ClusterMember, line: LogLine) => void;
}

export type ProxyKind = "nginx" | "haproxy";

/** The proxy this launcher runs (nginx or HAProxy), stopped by its pid. */
export interface RunningProxy {
  readonly kind: ProxyKind;
  readonly pid: number;
  readonly configFile: string;
  /** nginx' error log, or HAProxy's output (its log lines and warnings). */
  readonly readErrorLog: () => string;
  /** HAProxy only: its admin socket (`show stat`). */
  readonly statsSocket: string | undefined;
}

/** One game process slot: its port and prefix stay across restarts, its pid and processId do not. */
export interface ClusterMember {
  readonly index: number;
  readonly port: number;
  /** `p<PORT>`: the proxy routes `/<prefix>/` to this process. */
  readonly prefix: string;
  /** What the process runs with: `127.0.0.1:<proxyPort>/<prefix>`. */
  readonly publicAddress: string;
  /** The process itself, bypassing the proxy: `http://127.0.0.1:<port>`. */
  readonly directUrl: string;
  readonly pid: number;
  readonly processId: string;
  readonly running: boolean;
  /** Its recent log lines (this incarnation). */
  readonly logs: LogLine[];
  /** Resolves when this incarnation exits. */
  readonly exited: Promise<Exit>;
}

export interface Cluster {
  /** What players open: `http(s)://127.0.0.1:<proxyPort>` (the proxy). */
  readonly url: string;
  readonly proxyPort: number;
  readonly redisUrl: string;
  /** The certificate the proxy serves (TLS only): trust it with NODE_EXTRA_CA_CERTS=<certificate>. */
  readonly tls: CertificateFiles | undefined;
  /** The AUTH_SECRET every process shares (generated for this run unless given). */
  readonly authSecret: string;
  /** The run's directory: nginx.conf or haproxy.cfg, its logs, the certificate, redis' files. Removed by stop(). */
  readonly dir: string;
  readonly processes: readonly ClusterMember[];
  readonly proxy: RunningProxy;
  /** The same as `proxy` (named before HAProxy could stand in front). */
  readonly nginx: RunningProxy;
  /** The private redis-server, if this launcher started one. */
  readonly redis: { readonly pid: number; stop(): Promise<Exit>; start(): Promise<void> } | undefined;
  /** Signal process `i` (default SIGTERM: graceful drain) and resolve on its exit; SIGSTOP/SIGCONT resolve at once. */
  stopProcess(i: number, signal?: NodeJS.Signals): Promise<Exit | undefined>;
  /** Start process `i` again on its port (after it exited), resolving once it listens and the proxy reaches it. */
  startProcess(i: number): Promise<ClusterMember>;
  /** GET through the proxy (`path` like `/rooms` or `/p2567/health`), trusting the run's certificate. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Every pid this launcher started that is still running (game processes, the proxy, redis). */
  pids(): number[];
  /** Stop everything it started: game processes (SIGTERM, drained), then the proxy, then redis; remove `dir`. */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(options.processes) || options.processes < 1) {
    throw new Error(`processes must be a whole number ≥ 1, not ${options.processes}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "tickwire-cluster-"));
  // nginx workers run as `nobody` when the master is root: they must reach temp/ inside.
  chmodSync(dir, 0o755);
  const entry = options.entry ?? defaultEntry();
  const members: Member[] = [];
  let redis: PrivateRedis | undefined;
  const proxyKind = options.proxy ?? "nginx";
  let proxy: (Child & { configFile: string; readErrorLog: () => string; statsSocket?: string }) | undefined;

  const stopAll = async () => {
    await Promise.all(members.flatMap((m) => (m.current === undefined ? [] : [m.current.stop("SIGTERM")])));
    await proxy?.stop("SIGTERM", 5000);
    await redis?.stop("SIGTERM", 5000);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const tls =
      options.tls === true ? await createSelfSignedCertificate(dir) : options.tls === false ? undefined : options.tls;
    const ca = tls === undefined ? undefined : readFileSync(tls.certificate);
    const scheme = tls === undefined ? "http" : "https";
    if (options.redisUrl === undefined) redis = await startPrivateRedis(dir);
    const redisUrl = options.redisUrl ?? redis!.url;
    const authSecret = options.env?.AUTH_SECRET ?? process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url");

    const ports: number[] = [];
    while (ports.length < options.processes) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const proxied = ports.map((port) => ({ address: `127.0.0.1:${port}`, prefix: prefixForPort(port) }));
    const statsSocket = path.join(dir, "haproxy.sock");
    const startProxy = (proxyPort: number) =>
      proxyKind === "nginx"
        ? startNginx(
            dir,
            renderNginxSite({
              processes: proxied,
              listen: `127.0.0.1:${proxyPort}`,
              serverName: "localhost",
              accessLog: path.join(dir, "access.log"),
              tls,
            }),
          )
        : startHaproxy(
            dir,
            renderHaproxyConfig({
              processes: proxied,
              listen: `127.0.0.1:${proxyPort}`,
              tlsPem: tls === undefined ? undefined : combinedPem(dir, tls),
              logTarget: "stdout format raw",
              statsSocket,
            }),
            statsSocket,
          );

    // The proxy first, so its port is settled before the processes are told their PUBLIC_ADDRESS; nothing sends
    // it traffic until they listen (an early failed probe would mark a process down for nginx' fail_timeout;
    // HAProxy's checks mark them up again within a second of listening, awaited below).
    let proxyPort = options.proxyPort ?? 0;
    for (let attempt = 1; ; attempt++) {
      const port = proxyPort === 0 ? await freePort() : proxyPort;
      const started = await startProxy(port);
      const listening = await Promise.race([
        waitFor(() => canConnect(port), 5000, `${proxyKind} on 127.0.0.1:${port}`).then(() => true),
        started.exited.then(() => false),
      ]);
      if (listening) {
        proxy = started;
        proxyPort = port;
        break;
      }
      const log = started.readErrorLog();
      if (proxyPort === 0 && log.includes("Address already in use") && attempt < 3) continue;
      await started.stop("SIGTERM", 5000);
      throw new Error(`${proxyKind} did not start on 127.0.0.1:${port}:\n${log}`);
    }
    const url = `${scheme}://127.0.0.1:${proxyPort}`;
    const get = (p: string) => httpGet(`${url}${p}`, ca);

    const origins = [`${scheme}://127.0.0.1:${proxyPort}`, `${scheme}://localhost:${proxyPort}`].join(",");
    for (const [index, port] of ports.entries()) {
      const prefix = prefixForPort(port);
      const publicAddress = `127.0.0.1:${proxyPort}/${prefix}`;
      members.push(
        new Member(index, port, prefix, publicAddress, {
          ...process.env,
          LOG_LEVEL: "info",
          ...options.env,
          PORT: String(port),
          // Reached through the proxy only; the direct port is for tests and operators on this machine.
          HOST: "127.0.0.1",
          REDIS_URL: redisUrl,
          AUTH_SECRET: authSecret,
          PUBLIC_ADDRESS: publicAddress,
          ALLOWED_ORIGINS: options.env?.ALLOWED_ORIGINS ?? origins,
          // The proxy connects from 127.0.0.1 and appends the client's address to X-Forwarded-For.
          TRUSTED_PROXIES: options.env?.TRUSTED_PROXIES ?? "127.0.0.1",
        }),
      );
    }
    const startMember = async (member: Member) => {
      await member.start(entry, options.onLog);
      await waitFor(
        async () => (await get(`/${member.prefix}/health`)).status === 200,
        10_000,
        `${url}/${member.prefix}/health`,
      );
      // HAProxy routes `/` only to servers its checks saw UP (inter 1s, rise 1).
      if (proxyKind === "haproxy") {
        await waitFor(
          async () => (await sharedBackendStates(statsSocket)).get(member.prefix) === "UP",
          10_000,
          `HAProxy's check of ${member.prefix}`,
        );
      }
      return member;
    };
    // Settled, not raced: if one fails, stopAll must not miss another still starting.
    const results = await Promise.allSettled(members.map(startMember));
    for (const result of results) if (result.status === "rejected") throw result.reason;

    const running: RunningProxy = {
      kind: proxyKind,
      pid: proxy.pid,
      configFile: proxy.configFile,
      readErrorLog: proxy.readErrorLog,
      statsSocket: proxyKind === "haproxy" ? statsSocket : undefined,
    };
    return {
      url,
      proxyPort,
      redisUrl,
      tls,
      authSecret,
      dir,
      processes: members,
      proxy: running,
      nginx: running,
      redis:
        redis === undefined
          ? undefined
          : {
              get pid() {
                return redis!.pid;
              },
              stop: () => redis!.stop("SIGTERM", 5000),
              // Same port, so every process' REDIS_URL still points at it (ioredis reconnects by itself).
              start: async () => {
                if (redis!.running) return;
                redis = await startPrivateRedis(dir, redis!.port);
              },
            },
      async stopProcess(i, signal = "SIGTERM") {
        const member = memberAt(members, i);
        const current = member.current;
        if (current === undefined || !current.running) return undefined;
        if (signal === "SIGSTOP" || signal === "SIGCONT") {
          current.child.kill(signal);
          return undefined;
        }
        return current.stop(signal);
      },
      startProcess: (i) => {
        const member = memberAt(members, i);
        if (member.running) throw new Error(`process ${i} (${member.prefix}) is still running`);
        return startMember(member);
      },
      get,
      pids: () =>
        [...members.map((m) => m.current), proxy, redis].filter((c) => c?.running === true).map((c) => c!.pid),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

class Member implements ClusterMember {
  current: GameProcess | undefined;

  constructor(
    readonly index: number,
    readonly port: number,
    readonly prefix: string,
    readonly publicAddress: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get directUrl() {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.live().pid;
  }
  get processId() {
    return this.live().processId;
  }
  get running() {
    return this.current?.running === true;
  }
  get logs() {
    return this.live().logs;
  }
  get exited() {
    return this.live().exited;
  }

  async start(entry: EntryKind, onLog: ClusterOptions["onLog"]): Promise<void> {
    this.current = await startGameProcess(entry, this.env, (line) => onLog?.(this, line));
  }

  private live(): GameProcess {
    if (this.current === undefined) throw new Error(`process ${this.index} (${this.prefix}) was never started`);
    return this.current;
  }
}

function memberAt(members: readonly Member[], i: number): Member {
  const member = members[i];
  if (member === undefined) throw new Error(`no process ${i} (there are ${members.length})`);
  return member;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
