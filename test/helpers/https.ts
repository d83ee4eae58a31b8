import { request } from "node:https";
import { connect as tlsConnect, type TLSSocket } from "node:tls";

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The certificate the server presented in this handshake. */
  fingerprint256: string;
}

export interface TrustOptions {
  /** The PEM certificate to trust (self-signed: its own CA). */
  ca: string | string[];
  /** Connect from this loopback address (127.0.0.2…), for the per-IP limits. */
  localAddress?: string;
}

/**
 * One HTTPS request on a fresh connection (no agent: no reuse of a session
 * or socket, so each call sees the certificate new handshakes get).
 */
export function httpsRequest(
  port: number,
  path: string,
  {
    ca,
    localAddress,
    method = "GET",
    headers = {},
    body,
  }: TrustOptions & {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method, headers, ca, localAddress, agent: false, servername: "localhost" },
      (res) => {
        const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            fingerprint256,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The fingerprint of the certificate a new TLS handshake on `port` gets (verified against `ca`). */
export function presentedFingerprint(port: number, ca: string | string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once("error", reject);
  });
}
