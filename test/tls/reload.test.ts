import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateDir, installCertificate, type TestCertificate } from "../helpers/certificates.ts";
import { httpsRequest, presentedFingerprint } from "../helpers/https.ts";
import { startServerProcess, type ServerProcess } from "../helpers/serverProcess.ts";
import { TlsFleet } from "../helpers/tlsFleet.ts";
import { until } from "../helpers/until.ts";

/**
 * SIGHUP to a real server process renews its certificate under load:
 * PLAYERS SDK players move over wss:// the whole time, the files are
 * swapped and the process signalled; every player must keep its connection
 * (no close, no drop) and keep receiving patches, and a new handshake must
 * get the new certificate. A broken file on the next SIGHUP keeps the
 * certificate in use.
 */
const PLAYERS = 32;
/** Patches each player must get after the reload: a second's worth at 20 Hz. */
const PATCHES_AFTER = 20;

let certs: Awaited<ReturnType<typeof certificateDir>>;
let first: TestCertificate;
let second: TestCertificate;
/** Where the server reads its TLS_CERT_FILE and TLS_KEY_FILE. */
let live: { certificate: string; key: string };
let server: ServerProcess;
let fleet: TlsFleet;
const bothCas = () => [first.pem, second.pem];

beforeAll(async () => {
  certs = await certificateDir();
  [first, second] = await Promise.all([certs.create("first"), certs.create("second")]);
  live = { certificate: path.join(certs.dir, "live-cert.pem"), key: path.join(certs.dir, "live-key.pem") };
  await installCertificate(first, live);
  // The players trust both: a player that reconnected would succeed, and show up as a drop rather than an error.
  const bundle = path.join(certs.dir, "bundle.pem");
  await writeFile(bundle, first.pem + second.pem);
  server = await startServerProcess("server/index.ts", {
    TLS_CERT_FILE: live.certificate,
    TLS_KEY_FILE: live.key,
    SERVE_CLIENT: "none",
    AUTH_SECRET: "reload-test-secret-0123456789abcdef",
    // All the players come from 127.0.0.1; the per-IP limits have tests of their own.
    HTTP_BURST: "10000",
    HTTP_RATE_PER_MIN: "100000",
    MAX_CONNECTIONS_PER_IP: "1000",
    MAX_HTTP_SOCKETS_PER_IP: "1000",
    MAX_PENDING_SEATS_PER_IP: "1000",
    MAX_SEATS_PER_IP_PER_ROOM: "1000",
    MAX_IP_DISPATCH_MS_PER_S: "100000",
    MAX_FRAMES_PER_S_PER_IP: "10000000",
    MAX_QUEUED_BYTES_PER_IP: "1073741824",
  });
  fleet = new TlsFleet(`https://127.0.0.1:${server.port}`, PLAYERS, bundle);
  await fleet.waitFor("ready");
}, 90_000);

afterAll(async () => {
  await fleet?.leave();
  if (server?.child.exitCode === null) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  await certs?.remove();
});

const logged = (msg: string) => server.logs.filter((line) => line.msg.startsWith(msg));

async function patchesSinceMark(atLeast: number): Promise<Array<{ patches: number; maxGapMs: number }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const stats = await fleet.stats();
    if (stats.every((p) => p.patches >= atLeast)) return stats;
    if (Date.now() > deadline) throw new Error(`not every player got ${atLeast} patches: ${JSON.stringify(stats)}`);
    // The counts live in the fleet's process: polled, as until() does for server-side state.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("SIGHUP: the certificate renewed under load", () => {
  it("serves the first certificate to begin with", async () => {
    expect(await presentedFingerprint(server.port, bothCas())).toBe(first.fingerprint256);
  });

  it("new handshakes get the new certificate; every player stays connected and keeps receiving patches", async () => {
    // A window without a reload first, for comparison (the report's numbers).
    await fleet.mark();
    const baseline = (await patchesSinceMark(PATCHES_AFTER)).map((p) => p.maxGapMs);
    await fleet.mark();
    const signalledAt = Date.now();
    await installCertificate(second, live);
    server.child.kill("SIGHUP");
    await until(() => logged("tls certificate reloaded").length === 1, 10_000, "the reload line");
    const reloadedAt = Date.now();
    const line = logged("tls certificate reloaded")[0];
    expect(line).toMatchObject({ fingerprint256: second.fingerprint256, previous: first.fingerprint256 });
    expect(line?.validTo).toEqual(expect.any(String));
    expect(JSON.stringify(server.logs)).not.toContain("PRIVATE KEY");

    expect(await presentedFingerprint(server.port, bothCas())).toBe(second.fingerprint256);
    const stats = await patchesSinceMark(PATCHES_AFTER);
    expect(fleet.closures).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    const metrics = await httpsRequest(server.port, "/metrics", { ca: bothCas() });
    expect(metrics.body).toMatch(/\ntickwire_tls_cert_expiry_seconds \d+\n/);

    const patches = stats.map((p) => p.patches);
    const gaps = stats.map((p) => p.maxGapMs);
    console.info(
      `reload under load: ${PLAYERS} players over wss, SIGHUP→reloaded in ${reloadedAt - signalledAt} ms; ` +
        `patches per player in the window: min ${Math.min(...patches)}, max ${Math.max(...patches)}; ` +
        `largest gap between two patches: ${Math.max(...gaps)} ms (median player ${gaps.sort((a, b) => a - b)[gaps.length >> 1]} ms); ` +
        `closures: ${fleet.closures.length}; the same window without a reload: largest gap ${Math.max(...baseline)} ms`,
    );
  });

  it("a broken certificate on the next SIGHUP is logged, naming the file, and the one in use is kept", async () => {
    await writeFile(live.certificate, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    server.child.kill("SIGHUP");
    await until(() => logged("tls reload failed").length === 1, 10_000, "the failure line");
    const line = logged("tls reload failed")[0];
    expect(line).toMatchObject({ level: 50, file: live.certificate, fingerprint256: second.fingerprint256 });
    expect(line?.msg).toContain(`TLS_CERT_FILE: ${live.certificate} is not a PEM certificate`);
    expect(await presentedFingerprint(server.port, bothCas())).toBe(second.fingerprint256);
    await fleet.mark();
    await patchesSinceMark(5);
    expect(fleet.closures).toEqual([]);
    expect(server.child.exitCode).toBeNull();
  });

  it("SIGTERM still drains and exits 0 with SIGHUP handled", async () => {
    server.child.kill("SIGTERM");
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(logged("shutdown complete")).toHaveLength(1);
  });
});
