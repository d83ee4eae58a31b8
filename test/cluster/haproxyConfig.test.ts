import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { combinedPem, testHaproxyConfig } from "../../scripts/cluster/haproxy.ts";
import { EXAMPLE_HAPROXY, renderHaproxyConfig } from "../../scripts/cluster/haproxyConfig.ts";
import { createSelfSignedCertificate } from "../../scripts/cluster/tls.ts";
import { findExecutable } from "../../scripts/cluster/tools.ts";

/** The shipped HAProxy config is the template rendered, and real HAProxy accepts it once the certificate exists. */
const shipped = readFileSync(new URL("../../deploy/haproxy/tickwire.cfg", import.meta.url), "utf8");
const haproxy = findExecutable("haproxy");
// Without HAProxy outside CI there is nothing to run it with; in CI, it is installed by .ci/run.
const skipRun = haproxy === undefined && process.env.CI !== "true";
if (skipRun) console.warn("haproxy -c skipped: haproxy is not installed (apt-get install -y haproxy)");
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("deploy/haproxy/tickwire.cfg", () => {
  it("is the template rendered for the example (regenerate: node --import tsx scripts/render-haproxy.ts > deploy/haproxy/tickwire.cfg)", () => {
    expect(shipped).toBe(renderHaproxyConfig(EXAMPLE_HAPROXY));
  });

  it("routes each prefix to its own backend (prefix stripped) and the rest round-robin over checked servers", () => {
    for (const port of [2567, 2568, 2569]) {
      expect(shipped).toContain(`acl to_p${port} path_beg /p${port}/\n    use_backend process_p${port} if to_p${port}`);
      expect(shipped).toContain(
        `backend process_p${port}\n    http-request replace-path /p${port}(/.*) \\1\n    server p${port} 127.0.0.1:${port}\n`,
      );
      expect(shipped).toContain(`server p${port} 127.0.0.1:${port} check inter 1s fall 2 rise 1`);
    }
    for (const line of [
      "option httpchk GET /health",
      "timeout tunnel 1h",
      "option forwardfor",
      "option redispatch 1",
      "retry-on conn-failure empty-response 503",
      "bind :443 ssl crt /etc/haproxy/certs/play.example.com.pem alpn http/1.1",
    ]) {
      expect(shipped).toContain(line);
    }
    // Never the request line: the SDK's token rides in the WebSocket URL's query.
    const directives = shipped.split("\n").filter((line) => !line.trimStart().startsWith("#"));
    const logFormat = directives.filter((line) => line.includes("log-format"));
    expect(logFormat).toHaveLength(1);
    expect(logFormat[0]).toContain("%HPO");
    expect(logFormat[0]).not.toMatch(/%r\b|%HU|%HQ/);
    expect(directives.join("\n")).not.toMatch(/option httplog/);
  });

  it.skipIf(skipRun)("passes `haproxy -c` with only the certificate path changed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tickwire-haproxy-c-"));
    dirs.push(dir);
    const pem = combinedPem(dir, await createSelfSignedCertificate(dir));
    const config = shipped.replace(EXAMPLE_HAPROXY.tlsPem!, pem);
    expect(config).not.toContain("/etc/haproxy/certs");
    expect(await testHaproxyConfig(dir, config)).toContain("Configuration file is valid");
  });

  it.skipIf(skipRun)(
    "is refused by `haproxy -c` when the PEM holds no key (HAProxy needs both in one file)",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "tickwire-haproxy-c-"));
      dirs.push(dir);
      const cert = await createSelfSignedCertificate(dir);
      await expect(testHaproxyConfig(dir, shipped.replace(EXAMPLE_HAPROXY.tlsPem!, cert.certificate))).rejects.toThrow(
        /No Private Key/,
      );
    },
  );

  it("refuses no processes, a prefix it could not route, and a prefix used twice", () => {
    expect(() => renderHaproxyConfig({ ...EXAMPLE_HAPROXY, processes: [] })).toThrow(/no processes/);
    expect(() => renderHaproxyConfig({ ...EXAMPLE_HAPROXY, processes: [{ address: "h:1", prefix: "a b" }] })).toThrow(
      /bad path prefix/,
    );
    const twice = [
      { address: "h:1", prefix: "p1" },
      { address: "k:1", prefix: "p1" },
    ];
    expect(() => renderHaproxyConfig({ ...EXAMPLE_HAPROXY, processes: twice })).toThrow(/used twice/);
  });
});
