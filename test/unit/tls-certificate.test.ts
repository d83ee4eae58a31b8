import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SecureContextOptions } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCertificate, TlsCertificateError } from "../../server/tls/certificate.ts";
import { CertificateReloader } from "../../server/tls/CertificateReloader.ts";
import { certificateDir, installCertificate, type TestCertificate } from "../helpers/certificates.ts";
import { captureLogs } from "../helpers/logs.ts";

let certs: Awaited<ReturnType<typeof certificateDir>>;
let first: TestCertificate;
let second: TestCertificate;

beforeAll(async () => {
  certs = await certificateDir();
  [first, second] = await Promise.all([certs.create("first"), certs.create("second")]);
});
afterAll(() => certs.remove());

const settings = (c: { certificate: string; key: string }) => ({ certFile: c.certificate, keyFile: c.key });

/** The error loadCertificate throws for these files. */
function failure(certFile: string, keyFile: string): TlsCertificateError {
  try {
    loadCertificate({ certFile, keyFile });
  } catch (error) {
    if (error instanceof TlsCertificateError) return error;
    throw error;
  }
  throw new Error("loaded");
}

function expectFailure(certFile: string, keyFile: string, file: string, message: string | RegExp): void {
  const error = failure(certFile, keyFile);
  expect(error.file).toBe(file);
  expect(error.message).toMatch(message);
}

describe("loadCertificate", () => {
  it("reads a pair and reports the leaf's fingerprint and expiry", () => {
    const loaded = loadCertificate(settings(first));
    expect(loaded.fingerprint256).toBe(first.fingerprint256);
    expect(loaded.expiresAt).toBeGreaterThan(Date.now());
    expect(loaded.expiresAt).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000);
    expect(loaded.leaf.checkHost("localhost")).toBe("localhost");
  });

  it("names the file that cannot be read", () => {
    const missing = path.join(certs.dir, "nope.pem");
    expectFailure(missing, first.key, missing, `TLS_CERT_FILE: cannot read ${missing}`);
    expectFailure(first.certificate, missing, missing, `TLS_KEY_FILE: cannot read ${missing}`);
  });

  it("names the file that is not PEM, and never quotes the key", async () => {
    const garbage = path.join(certs.dir, "garbage.pem");
    await writeFile(garbage, "not a certificate\n");
    expectFailure(garbage, first.key, garbage, /^TLS_CERT_FILE: .* is not a PEM certificate/);
    // The certificate where the key should be: not a private key.
    expectFailure(
      first.certificate,
      first.certificate,
      first.certificate,
      /^TLS_KEY_FILE: .* is not a PEM private key/,
    );
    // A key file given as the certificate: its text must not reach the message.
    const swapped = failure(first.key, first.key);
    expect(swapped.message).toMatch(/^TLS_CERT_FILE:/);
    expect(swapped.message).not.toContain("PRIVATE KEY");
  });

  it("refuses a key that is not the certificate's, naming the key file", () => {
    const error = failure(first.certificate, second.key);
    expect(error.file).toBe(second.key);
    expect(error.message).toBe(
      `TLS_KEY_FILE: the key in ${second.key} does not belong to the certificate in ${first.certificate}`,
    );
  });
});

describe("CertificateReloader", () => {
  it("applies a new pair to the server and logs its fingerprint, never the key", async () => {
    const live = { certificate: path.join(certs.dir, "live-cert.pem"), key: path.join(certs.dir, "live-key.pem") };
    await installCertificate(first, live);
    const { logger, lines } = captureLogs("info");
    const reloader = new CertificateReloader(settings(live), logger, loadCertificate(settings(live)));
    const applied: SecureContextOptions[] = [];
    await installCertificate(second, live);
    const result = reloader.reload({ setSecureContext: (options) => applied.push(options) });
    expect(result.reloaded).toBe(true);
    expect(reloader.current.fingerprint256).toBe(second.fingerprint256);
    expect(applied).toHaveLength(1);
    expect(String(applied[0]?.cert)).toBe(second.pem);
    const line = JSON.parse(lines.at(-1) ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: "tls certificate reloaded",
      fingerprint256: second.fingerprint256,
      previous: first.fingerprint256,
    });
    expect(lines.join("\n")).not.toContain("PRIVATE KEY");
  });

  it("keeps the pair in use when the new one fails, and says which file", async () => {
    const live = { certificate: path.join(certs.dir, "bad-cert.pem"), key: path.join(certs.dir, "bad-key.pem") };
    await installCertificate(first, live);
    const { logger, lines } = captureLogs("info");
    const reloader = new CertificateReloader(settings(live), logger, loadCertificate(settings(live)));
    const applied: SecureContextOptions[] = [];
    const target = { setSecureContext: (options: SecureContextOptions) => applied.push(options) };
    // A renewal caught half-way: the new key, the old certificate.
    await writeFile(live.key, await readFile(second.key));
    const result = reloader.reload(target);
    expect(result).toMatchObject({ reloaded: false, error: { file: live.key } });
    expect(applied).toEqual([]);
    expect(reloader.current.fingerprint256).toBe(first.fingerprint256);
    const line = JSON.parse(lines.at(-1) ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ level: 50, file: live.key, fingerprint256: first.fingerprint256 });
    expect(String(line.msg)).toMatch(/^tls reload failed, keeping the certificate in use: TLS_KEY_FILE: the key in/);
    // A server refusing the context (OpenSSL): the same, nothing kept half-applied.
    await installCertificate(second, live);
    const refused = reloader.reload({
      setSecureContext: () => {
        throw new Error("context refused");
      },
    });
    expect(refused.reloaded).toBe(false);
    expect(reloader.current.fingerprint256).toBe(first.fingerprint256);
  });
});
