import type { Server as HttpServer } from "node:http";
import type { Logger } from "../logger.ts";
import { meterTlsCertificate, type Metrics } from "../metrics/Metrics.ts";
import type { HttpConnectionAdmission } from "../net/httpConnections.ts";
import { describeCertificate, type LoadedCertificate } from "./certificate.ts";
import { CertificateReloader, type ReloadResult, type SecureContextTarget } from "./CertificateReloader.ts";
import { createRedirectServer } from "./redirectServer.ts";
import type { TlsSettings } from "./TlsSettings.ts";

/** What the app holds of built-in TLS (TLS_CERT_FILE), beside the https server the transport owns. */
export interface BuiltInTls {
  /** The certificate new handshakes get. */
  readonly reloader: CertificateReloader;
  /** SIGHUP: re-read the pair and apply it to `server`, or keep the one in use (logged either way). */
  reload(server: SecureContextTarget): ReloadResult;
  /** HTTP_REDIRECT_PORT: listen (after the https port, whose bound port the redirects name). No-op without it. */
  listenRedirect(host: string, httpsPort: number): Promise<void>;
  /** The redirect server's bound port once listening; undefined without HTTP_REDIRECT_PORT. */
  readonly redirectPort: number | undefined;
  /** Close the redirect server and its connections (the app is closing). */
  close(): Promise<void>;
}

export interface BuiltInTlsDeps {
  logger: Logger;
  metrics: Metrics;
  /** The game port's per-IP socket cap, which the redirect port's sockets count against too. */
  admitConnection: HttpConnectionAdmission;
  /** HTTP_HEADERS_TIMEOUT_MS, for the redirect port as for the game port. */
  headersTimeoutMs: number;
}

/**
 * The parts of built-in TLS around the https server: the certificate's
 * reload and expiry metric, the start line, and the redirect port. The
 * certificate was loaded before the transport was built (it needs it), so a
 * bad file has already stopped the start.
 */
export function createBuiltInTls(
  settings: TlsSettings,
  certificate: LoadedCertificate,
  { logger, metrics, admitConnection, headersTimeoutMs }: BuiltInTlsDeps,
): BuiltInTls {
  const reloader = new CertificateReloader(settings, logger, certificate);
  meterTlsCertificate(metrics, reloader);
  const described = describeCertificate(certificate);
  if (described.expiresInDays < 0) logger.warn(described, "tls certificate has expired: browsers will refuse it");
  else logger.info(described, "tls certificate loaded");

  let httpsPort = 0;
  const redirect: HttpServer | undefined =
    settings.redirectPort === undefined
      ? undefined
      : createRedirectServer({
          httpsPort: () => httpsPort,
          // The certificate in use names the hosts this server may send a browser to.
          serves: ({ name, kind }) =>
            (kind === "dns" ? reloader.current.leaf.checkHost(name) : reloader.current.leaf.checkIP(name)) !==
            undefined,
          headersTimeoutMs,
          admitConnection,
        });
  const boundPort = () => {
    const address = redirect?.address();
    return typeof address === "object" && address !== null ? address.port : undefined;
  };

  return {
    reloader,
    reload: (server) => reloader.reload(server),
    get redirectPort() {
      return boundPort();
    },
    async listenRedirect(host, port) {
      httpsPort = port;
      if (redirect === undefined) return;
      await new Promise<void>((resolve, reject) => {
        redirect.once("error", reject);
        redirect.listen(settings.redirectPort, host, () => {
          redirect.off("error", reject);
          resolve();
        });
      });
      logger.info({ port: boundPort(), httpsPort }, "http redirect listening");
    },
    async close() {
      if (redirect?.listening !== true) return;
      await new Promise<void>((resolve) => {
        redirect.close(() => resolve());
        redirect.closeAllConnections();
      });
    },
  };
}
