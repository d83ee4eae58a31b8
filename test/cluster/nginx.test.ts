import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import { startCluster, type Cluster, type ClusterMember } from "../../scripts/cluster/launcher.ts";
import { createSelfSignedCertificate, type CertificateFiles } from "../../scripts/cluster/tls.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";
import {
  getJson as getJsonFrom,
  isAlive,
  meetMoveAndChat,
  postFrom as postFromVia,
} from "../helpers/proxiedCluster.ts";
import type { TlsPlayer } from "../helpers/tlsPlayer.ts";
import { until } from "../helpers/until.ts";

/**
 * Real nginx from Debian (deploy/nginx/tickwire.conf.template, rendered by the
 * launcher `npm run cluster` uses) terminating TLS with a throwaway
 * self-signed certificate, in front of two real server processes on a
 * private redis-server. Players are real SDK clients in child processes that
 * trust only that certificate, matchmaking through the proxy and playing
 * over `wss://`.
 */
const nginxMissing = findExecutable("nginx") === undefined;
// In CI a missing nginx is a failure (beforeAll throws "install it with `apt-get install -y nginx`"), not a skip.
const skip = nginxMissing && process.env.CI !== "true";
if (skip) console.warn("test/cluster/nginx.test.ts skipped: nginx is not installed (apt-get install -y nginx)");

/** Each process' per-IP request budget: enough for the players, small enough to exhaust. */
const HTTP_BURST = 20;

let dir: string;
let cert: CertificateFiles;
let cluster: Cluster;
const players: TlsPlayer[] = [];

describe.skipIf(skip)("nginx in front of two processes, TLS terminated (wss://)", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tickwire-nginx-test-"));
    cert = await createSelfSignedCertificate(dir);
    cluster = await startCluster({
      processes: 2,
      tls: cert,
      entry: "source",
      env: {
        SERVE_CLIENT: "none",
        MAX_CONNECTIONS_PER_IP: "100",
        HTTP_BURST: String(HTTP_BURST),
        HTTP_RATE_PER_MIN: "1",
      },
    });
  }, 60_000);

  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      for (const p of cluster.processes) console.log(p.prefix, JSON.stringify(p.logs.slice(-20), null, 1));
      console.log(cluster.nginx.readErrorLog().slice(-3000));
    }
    await Promise.all(players.splice(0).map((p) => p.leave()));
  });

  afterAll(async () => {
    const pids = cluster?.pids() ?? [];
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    // Everything the launcher started is gone: nothing left to orphan.
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 30_000);

  it("routes /<prefix>/ to that process and / to any, over https; /metrics is not exposed", async () => {
    for (const member of cluster.processes) {
      const health = await getJson<Health>(`/${member.prefix}/health`);
      expect(health).toMatchObject({ status: "ok", processId: member.processId, publicAddress: member.publicAddress });
      expect(member.publicAddress).toBe(`127.0.0.1:${cluster.proxyPort}/p${member.port}`);
    }
    const ids = cluster.processes.map((m) => m.processId);
    expect(ids).toContain((await getJson<Health>("/health")).processId);
    for (const p of ["/metrics", `/${cluster.processes[0]!.prefix}/metrics`]) {
      expect((await cluster.get(p)).status, p).toBe(404);
    }
  });

  it("two players matchmaking through different processes' prefixes meet in one room over wss:// and see each other move and chat", async () => {
    const { host, bobJoined } = await meetMoveAndChat(cluster, cert.certificate, track);

    // nginx logs a WebSocket when it closes: by its path only, never the token the SDK puts in the query.
    const accessLog = () => readFileSync(path.join(cluster.dir, "access.log"), "utf8");
    await until(
      () => accessLog().includes(`/${host.prefix}/${host.processId}/${bobJoined.roomId} `),
      5000,
      "the log line",
    );
    expect(accessLog()).not.toContain("_authToken");
    expect(accessLog()).not.toContain("eyJ");
  }, 60_000);

  it("per-IP limits count the client nginx saw (X-Forwarded-For from a trusted proxy), and a forged header buys nothing", async () => {
    const target = `/${cluster.processes[0]!.prefix}/auth/guest`;
    // Loopback is a /8: these are two distinct clients of nginx, and neither is nginx's own 127.0.0.1.
    let status = 0;
    let sent = 0;
    while (sent < HTTP_BURST + 1 && status !== 429) {
      status = await postFrom("127.0.0.2", target, { "x-forwarded-for": `198.51.100.${sent}` });
      sent++;
    }
    expect(status, "127.0.0.2 ran out of its own budget, forged X-Forwarded-For or not").toBe(429);
    expect(await postFrom("127.0.0.3", target)).toBe(200);
  });

  it("with one process killed (-9), `/` keeps answering from the other, and the restarted process is routed again", async () => {
    const [a, b] = cluster.processes as [ClusterMember, ClusterMember];
    expect(await cluster.stopProcess(0, "SIGKILL")).toMatchObject({ signal: "SIGKILL" });
    // Round-robin would send every other request to the dead one: nginx must pass each on to the survivor.
    for (let i = 0; i < 6; i++) expect((await getJson<Health>("/health")).processId).toBe(b.processId);
    expect((await cluster.get(`/${a.prefix}/health`)).status).toBe(502);

    const restarted = await cluster.startProcess(0);
    expect(restarted.port).toBe(a.port);
    expect((await getJson<Health>(`/${a.prefix}/health`)).processId).toBe(restarted.processId);
  }, 30_000);
});

describe.runIf(nginxMissing && process.env.CI === "true")("nginx is required in CI", () => {
  it("is installed (apt-get install -y nginx, as .ci/run does)", () => {
    expect(findExecutable("nginx"), "nginx binary").toBeDefined();
  });
});

function track(player: TlsPlayer): TlsPlayer {
  players.push(player);
  return player;
}

const getJson = <T>(p: string) => getJsonFrom<T>(cluster, p);
const postFrom = (localAddress: string, p: string, headers: Record<string, string> = {}) =>
  postFromVia(cluster, cert.certificate, localAddress, p, headers);
