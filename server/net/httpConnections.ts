import { limitKey, normalizeAddress, UNKNOWN_IP } from "./clientIp.ts";
import type { ConnectionLimits } from "./connectionLimits.ts";

/**
 * Admission of a new TCP connection to the HTTP server, before a byte of it
 * is read: at most `maxHttpSocketsPerIp` connections per peer address
 * (IPv6: per /64) that are not WebSockets yet. A slow-request client (a head
 * trickled a byte at a time, or nothing at all) holds its socket until the
 * header timeout; without this cap one address could hold any number of
 * them meanwhile (the review held 500), each with its parser and buffers.
 *
 * Counted from accept until the connection becomes a WebSocket (the upgrade
 * request arrived; from then on MAX_CONNECTIONS_PER_IP counts it) or closes:
 * so a keep-alive connection idling between requests counts too, else one
 * quick `GET /health` (not rate-limited) would buy a socket outside the cap
 * for the keep-alive timeout plus a trickled second head.
 *
 * By the peer address only: no header has been read yet, so the
 * X-Forwarded-For of a trusted proxy cannot be known. Trusted proxies are
 * exempt, since one proxy carries every client; behind one, the proxy's own
 * header and idle timeouts protect the server (deploy/ ships nginx's), and
 * this server sees only the requests it forwards.
 */
export type HttpConnectionAdmission = (peerAddress: string | undefined) => HttpConnectionVerdict;

/** Admitted (call `release` when the connection becomes a WebSocket or closes; calling it twice is harmless), or refused. */
export type HttpConnectionVerdict = { admitted: true; release: () => void } | { admitted: false; ip: string };

const EXEMPT: HttpConnectionVerdict = { admitted: true, release: () => undefined };

export function createHttpConnectionAdmission(
  limits: ConnectionLimits,
  isTrustedProxy: (address: string) => boolean,
): HttpConnectionAdmission {
  return (peerAddress) => {
    const peer = normalizeAddress(peerAddress);
    if (peer !== undefined && isTrustedProxy(peer)) return EXEMPT;
    const ip = limitKey(peer ?? UNKNOWN_IP);
    const release = limits.acquire(ip);
    return release === undefined ? { admitted: false, ip } : { admitted: true, release };
  };
}
