import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { createSelfSignedCertificate, type CertificateFiles } from "../../scripts/cluster/tls.ts";

/** A throwaway self-signed pair (scripts/cluster/tls.ts: openssl, localhost + 127.0.0.1, one day), with its fingerprint. */
export interface TestCertificate extends CertificateFiles {
  /** SHA-256 fingerprint, `AB:CD:…`, as tls' getPeerCertificate().fingerprint256 reports it. */
  fingerprint256: string;
  pem: string;
}

/** A temporary directory of certificates for one test file; `remove()` at the end. */
export async function certificateDir(): Promise<{
  dir: string;
  create(name: string): Promise<TestCertificate>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), "tickwire-tls-"));
  return {
    dir,
    async create(name) {
      const sub = path.join(dir, name);
      await mkdir(sub);
      const files = await createSelfSignedCertificate(sub);
      const pem = await readFile(files.certificate, "utf8");
      return { ...files, pem, fingerprint256: new X509Certificate(pem).fingerprint256 };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Put `from`'s pair where the server reads its TLS_CERT_FILE / TLS_KEY_FILE,
 * each file replaced by a rename (as certbot's symlink swap is atomic), key
 * first: a reload reading between the two sees a mismatch, never half a file.
 */
export async function installCertificate(from: CertificateFiles, to: CertificateFiles): Promise<void> {
  for (const [source, target] of [
    [from.key, to.key],
    [from.certificate, to.certificate],
  ] as const) {
    await writeFile(`${target}.next`, await readFile(source));
    await rename(`${target}.next`, target);
  }
}
