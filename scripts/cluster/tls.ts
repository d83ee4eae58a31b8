import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { requireExecutable } from "./tools.ts";

export interface CertificateFiles {
  /** PEM certificate: what nginx's `ssl_certificate` names, and what a client trusts (NODE_EXTRA_CA_CERTS). */
  certificate: string;
  /** PEM private key (`ssl_certificate_key`). */
  key: string;
}

/**
 * A throwaway self-signed certificate for `localhost` and `127.0.0.1`, valid
 * one day, written to `dir` by Debian's openssl. It is its own CA: a Node
 * client trusts it with NODE_EXTRA_CA_CERTS=<certificate> (read at start), a
 * browser after a click-through.
 */
export async function createSelfSignedCertificate(dir: string): Promise<CertificateFiles> {
  const openssl = requireExecutable("openssl", "apt-get install -y openssl");
  const files = { certificate: path.join(dir, "tls-cert.pem"), key: path.join(dir, "tls-key.pem") };
  await promisify(execFile)(openssl, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout",
    files.key,
    "-out",
    files.certificate,
  ]);
  return files;
}
