import type { SecureContextOptions } from "node:tls";
import type { Logger } from "../logger.ts";
import {
  describeCertificate,
  loadCertificate,
  TlsCertificateError,
  type LoadedCertificate,
  type ReadFile,
} from "./certificate.ts";
import type { TlsSettings } from "./TlsSettings.ts";

/** What the reloader needs of the https server: Node's tls.Server#setSecureContext. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

export type ReloadResult =
  { reloaded: true; certificate: LoadedCertificate } | { reloaded: false; error: TlsCertificateError };

/**
 * The certificate in use, and its replacement on SIGHUP (renewals without a
 * restart). `setSecureContext` only changes what new handshakes get:
 * established TLS connections keep the session they negotiated, so no player
 * is dropped by a renewal. A new pair that fails any check
 * (certificate.ts) is not applied: the old certificate keeps serving until
 * its own expiry, and the error line names the file to fix.
 */
export class CertificateReloader {
  private certificate: LoadedCertificate;

  constructor(
    private readonly settings: Pick<TlsSettings, "certFile" | "keyFile">,
    private readonly logger: Logger,
    initial: LoadedCertificate,
    private readonly readFile?: ReadFile,
  ) {
    this.certificate = initial;
  }

  /** The certificate new handshakes get. */
  get current(): LoadedCertificate {
    return this.certificate;
  }

  reload(target: SecureContextTarget): ReloadResult {
    let next: LoadedCertificate;
    try {
      next = loadCertificate(this.settings, this.readFile);
      target.setSecureContext({ cert: next.cert, key: next.key });
    } catch (caught) {
      const error =
        caught instanceof TlsCertificateError
          ? caught
          : new TlsCertificateError(
              `TLS: ${caught instanceof Error ? caught.message : String(caught)}`,
              this.settings.certFile,
            );
      this.logger.error(
        { file: error.file, fingerprint256: this.certificate.fingerprint256 },
        `tls reload failed, keeping the certificate in use: ${error.message}`,
      );
      return { reloaded: false, error };
    }
    const previous = this.certificate.fingerprint256;
    this.certificate = next;
    this.logger.info({ ...describeCertificate(next), previous }, "tls certificate reloaded");
    return { reloaded: true, certificate: next };
  }
}
