import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Health } from "../../server/http/health.ts";
import { sharedBackendStates } from "../../scripts/cluster/haproxy.ts";
import { startCluster, type Cluster, type ClusterMember } from "../../scripts/cluster/launcher.ts";
import { createSelfSignedCertificate, type CertificateFiles } from "../../scripts/cluster/tls.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";
import { getJson as getJsonFrom, isAlive, meetMoveAndChat, postFrom, postThrough } from "../helpers/proxiedCluster.ts";
import { TlsPlayer } from "../helpers/tlsPlayer.ts";
import { until, untilValue } from "../helpers/until.ts";

/**
 * Real HAProxy from Debian (deploy/haproxy/tickwire.cfg.template, rendered by
 * the launcher `npm run cluster -- --proxy haproxy` uses) terminating TLS
 * with a throwaway self-signed certificate, in front of two real server
 * processes on a private redis-server. The same players and scenario as
 * nginx.test.ts (test/helpers/proxiedCluster.ts), plus what HAProxy's health
 * checks add: a process killed with -9 is marked down and `/` keeps matchmaking.
 */
const haproxyMissing = findExecutable("haproxy") === undefined;
// In CI a missing HAProxy is a failure (beforeAll throws "install it with `apt-get install -y haproxy`"), not a skip.
const skip = haproxyMissing && process.env.CI !== "true";
if (skip) console.warn("test/cluster/haproxy.test.ts skipped: haproxy is not installed (apt-get install -y haproxy)");

const HTTP_BURST = 20;

let dir: string;
let cert: CertificateFiles;
let cluster: Cluster;
const players: TlsPlayer[] = [];

describe.skipIf(skip)("HAProxy in front of two processes, TLS terminated (wss://)", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tickwire-haproxy-test-"));
    cert = await createSelfSignedCertificate(dir);
    cluster = await startCluster({
      processes: 2,
      proxy: "haproxy",
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
      console.log(cluster.proxy.readErrorLog().slice(-3000));
    }
    await Promise.all(players.splice(0).map((p) => p.leave()));
  });

  afterAll(async () => {
    const pids = cluster?.pids() ?? [];
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
  }, 30_000);

  it("routes /<prefix>/ to that process and / to any, over https; both are checked UP; /metrics is not exposed", async () => {
    expect(cluster.proxy.kind).toBe("haproxy");
    for (const member of cluster.processes) {
      const health = await getJson<Health>(`/${member.prefix}/health`);
      expect(health).toMatchObject({ status: "ok", processId: member.processId, publicAddress: member.publicAddress });
    }
    const states = await sharedBackendStates(cluster.proxy.statsSocket!);
    expect(Object.fromEntries(states)).toEqual(Object.fromEntries(cluster.processes.map((m) => [m.prefix, "UP"])));
    // Round-robin: both processes answer `/` in turn.
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await getJson<Health>("/health")).processId ?? "none");
    expect([...seen].sort()).toEqual(cluster.processes.map((m) => m.processId).sort());
    for (const p of ["/metrics", `/${cluster.processes[0]!.prefix}/metrics`, "/metrics/x"]) {
      expect((await cluster.get(p)).status, p).toBe(404);
    }
  });

  it("two players matchmaking through different processes' prefixes meet in one room over wss:// and see each other move and chat", async () => {
    const { host, bobJoined } = await meetMoveAndChat(cluster, cert.certificate, track);
    // HAProxy logs a WebSocket when it closes: by its path only (%HPO), never the token in the query.
    const log = () => cluster.proxy.readErrorLog();
    await until(
      () => log().includes(`GET /${host.prefix}/${host.processId}/${bobJoined.roomId} `),
      5000,
      "the log line",
    );
    expect(log()).not.toContain("_authToken");
    expect(log()).not.toContain("eyJ");
  }, 60_000);

  it("per-IP limits count the client HAProxy saw (option forwardfor), and a forged header buys nothing", async () => {
    const target = `/${cluster.processes[0]!.prefix}/auth/guest`;
    let status = 0;
    let sent = 0;
    while (sent < HTTP_BURST + 1 && status !== 429) {
      status = await postFrom(cluster, cert.certificate, "127.0.0.2", target, {
        "x-forwarded-for": `198.51.100.${sent}`,
      });
      sent++;
    }
    expect(status, "127.0.0.2 ran out of its own budget, forged X-Forwarded-For or not").toBe(429);
    expect(await postFrom(cluster, cert.certificate, "127.0.0.3", target)).toBe(200);
  });

  it("after kill -9 of one process, matchmaking through / keeps working and the check marks it DOWN; restarted, it is UP again", async () => {
    const [a, b] = cluster.processes as [ClusterMember, ClusterMember];
    const killedAt = Date.now();
    expect(await cluster.stopProcess(0, "SIGKILL")).toMatchObject({ signal: "SIGKILL" });

    // Right after the kill, before any check noticed: a refused connection is retried on the survivor.
    const joinMs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = Date.now();
      const { token } = JSON.parse(
        (await postThrough(cluster, cert.certificate, "/auth/guest", { localAddress: `127.0.1.${i + 1}` })).body,
      ) as { token: string };
      const seat = await postThrough(cluster, cert.certificate, "/matchmake/joinOrCreate/arena", {
        localAddress: `127.0.1.${i + 1}`,
        headers: { authorization: `Bearer ${token}` },
      });
      joinMs.push(Date.now() - started);
      expect(seat.status, seat.body).toBe(200);
      // The seat is on the survivor: the dead process could not have answered, nor be placed on.
      expect(JSON.parse(seat.body)).toMatchObject({ processId: b.processId });
    }
    for (let i = 0; i < 4; i++) expect((await getJson<Health>("/health")).processId).toBe(b.processId);

    await untilValue(
      () => sharedBackendStates(cluster.proxy.statsSocket!),
      (states) => states.get(a.prefix)?.startsWith("DOWN") === true,
      10_000,
      `HAProxy marks ${a.prefix} DOWN`,
    );
    const downMs = Date.now() - killedAt;
    expect((await cluster.get(`/${a.prefix}/health`)).status).toBe(503);

    // A whole player through `/` lands on the survivor and plays there.
    const carol = track(new TlsPlayer(cluster.url, "Carol", cert.certificate));
    const carolJoined = await carol.waitFor("joined");
    expect(carolJoined.url).toContain(`/${b.prefix}/${b.processId}/`);
    await carol.leave();

    const sorted = [...joinMs].sort((x, y) => x - y);
    console.log(
      `haproxy: token + joinOrCreate through / after kill -9: median ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
        `max ${sorted.at(-1)} ms (${joinMs.join(", ")}); marked DOWN ${downMs} ms after the kill`,
    );

    const restarted = await cluster.startProcess(0);
    expect((await getJson<Health>(`/${a.prefix}/health`)).processId).toBe(restarted.processId);
    expect((await sharedBackendStates(cluster.proxy.statsSocket!)).get(a.prefix)).toBe("UP");
  }, 60_000);
});

describe.runIf(haproxyMissing && process.env.CI === "true")("HAProxy is required in CI", () => {
  it("is installed (apt-get install -y haproxy, as .ci/run does)", () => {
    expect(findExecutable("haproxy"), "haproxy binary").toBeDefined();
  });
});

function track(player: TlsPlayer): TlsPlayer {
  players.push(player);
  return player;
}

const getJson = <T>(p: string) => getJsonFrom<T>(cluster, p);
