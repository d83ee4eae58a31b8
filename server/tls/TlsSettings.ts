/**
 * Built-in TLS (TLS_CERT_FILE, TLS_KEY_FILE, HTTP_REDIRECT_PORT): the game
 * port serves https:// and wss:// itself, for a single process with no proxy
 * in front (SECURITY.md "TLS" says when to terminate TLS at a proxy instead).
 * server/config.ts parses these from the environment.
 */
export interface TlsSettings {
  /** PEM certificate, or a chain with the leaf first (certbot's fullchain.pem). Re-read on SIGHUP. */
  certFile: string;
  /** PEM private key of that certificate, unencrypted (certbot's privkey.pem). Re-read on SIGHUP. */
  keyFile: string;
  /**
   * A plain-HTTP port answering every request with a 308 to the same path on
   * https://<host>:<PORT>, for hosts the certificate covers. Undefined: none.
   */
  redirectPort: number | undefined;
}
