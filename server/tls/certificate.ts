import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { TlsSettings } from "./TlsSettings.ts";

/** A certificate and its key, read from their files and checked to belong together. */
export interface LoadedCertificate {
  /** The PEM text as read: what `https.createServer` and `setSecureContext` take. */
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The leaf certificate (the first of a chain). */
  readonly leaf: X509Certificate;
  /** SHA-256 of the leaf's DER, `AB:CD:…` (what browsers and `openssl x509 -fingerprint -sha256` show). */
  readonly fingerprint256: string;
  /** The leaf's notAfter, ms since the epoch. */
  readonly expiresAt: number;
}

/** A certificate or key that cannot be used; the message names the file, and never includes the key. */
export class TlsCertificateError extends Error {
  override name = "TlsCertificateError";
  constructor(
    message: string,
    /** The file at fault (the certificate's when the two do not match). */
    readonly file: string,
  ) {
    super(message);
  }
}

export type ReadFile = (path: string) => Buffer;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

function read(path: string, what: string, readFile: ReadFile): Buffer {
  try {
    return readFile(path);
  } catch (error) {
    throw new TlsCertificateError(`${what}: cannot read ${path}: ${reason(error)}`, path);
  }
}

/**
 * Reads TLS_CERT_FILE and TLS_KEY_FILE and checks them the way a handshake
 * would need them: the certificate parses as PEM X.509, the key as a PEM
 * private key (an encrypted key has no passphrase to open it with here), the
 * key is the certificate's, and OpenSSL accepts the pair as a context. Each
 * check fails with the file it is about, so an operator (at start: a fatal
 * line and exit 1; on SIGHUP: an error line, the old certificate kept) knows
 * which file to fix. Certbot renews the two files one after the other, so a
 * reload that reads between the two writes sees a mismatch, not a broken server.
 */
export function loadCertificate(
  { certFile, keyFile }: Pick<TlsSettings, "certFile" | "keyFile">,
  readFile: ReadFile = (path) => readFileSync(path),
): LoadedCertificate {
  const cert = read(certFile, "TLS_CERT_FILE", readFile);
  const key = read(keyFile, "TLS_KEY_FILE", readFile);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new TlsCertificateError(`TLS_CERT_FILE: ${certFile} is not a PEM certificate: ${reason(error)}`, certFile);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    // Node's message says what failed (no start line, bad decrypt…), never the key's bytes.
    throw new TlsCertificateError(`TLS_KEY_FILE: ${keyFile} is not a PEM private key: ${reason(error)}`, keyFile);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsCertificateError(
      `TLS_KEY_FILE: the key in ${keyFile} does not belong to the certificate in ${certFile}`,
      keyFile,
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsCertificateError(`TLS_CERT_FILE: ${certFile} is refused by OpenSSL: ${reason(error)}`, certFile);
  }
  return { cert, key, leaf, fingerprint256: leaf.fingerprint256, expiresAt: Date.parse(leaf.validTo) };
}

/** What a log line says about a certificate: never the key. */
export function describeCertificate(certificate: LoadedCertificate, now = Date.now()) {
  return {
    fingerprint256: certificate.fingerprint256,
    subject: certificate.leaf.subject,
    subjectAltName: certificate.leaf.subjectAltName,
    validTo: new Date(certificate.expiresAt).toISOString(),
    expiresInDays: Math.floor((certificate.expiresAt - now) / 86_400_000),
  };
}
