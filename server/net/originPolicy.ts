/**
 * Which browser origins may open a WebSocket to this server or call its
 * matchmaking and auth routes.
 *
 * Browsers attach `Origin` to every WebSocket handshake and cross-origin
 * request, and a page cannot forge it; WebSocket upgrades are not subject to
 * CORS, so without this check any web page could open a game connection with
 * its visitor's network position (cross-site WebSocket hijacking). Non-browser
 * clients (the Node SDK, curl, bots) send no `Origin` and are let through:
 * they could claim any origin anyway, and the per-IP limits are what bound them.
 */
export interface OriginPolicy {
  /** `origin` is the request's Origin header, `host` its Host header. */
  allows(origin: string | undefined, host: string | undefined): boolean;
  /** The value for `Access-Control-Allow-Origin`, or undefined to send none. */
  corsOrigin(origin: string | undefined, host: string | undefined): string | undefined;
}

export interface OriginPolicyOptions {
  /** Exact origins (`scheme://host[:port]`); undefined = default policy. */
  allowedOrigins: readonly string[] | undefined;
  /** Default policy only: also allow http(s)://localhost, 127.0.0.1 and [::1] on any port. */
  allowLocalhost: boolean;
}

const LOCALHOST = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function createOriginPolicy({ allowedOrigins, allowLocalhost }: OriginPolicyOptions): OriginPolicy {
  const listed = allowedOrigins === undefined ? undefined : new Set(allowedOrigins.map(canonicalOrigin));

  const allows = (origin: string | undefined, host: string | undefined): boolean => {
    if (origin === undefined) return true;
    const parsed = parseOrigin(origin);
    // "null" (sandboxed iframes, file://) and anything unparsable: refused.
    if (parsed === undefined) return false;
    if (listed !== undefined) return listed.has(parsed.origin);
    if (host !== undefined && parsed.host === host.toLowerCase()) return true;
    return allowLocalhost && LOCALHOST.has(parsed.hostname);
  };

  return {
    allows,
    corsOrigin(origin, host) {
      return origin !== undefined && allows(origin, host) ? origin : undefined;
    },
  };
}

function parseOrigin(origin: string): { origin: string; host: string; hostname: string } | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return { origin: url.origin, host: url.host, hostname: url.hostname };
  } catch {
    return undefined;
  }
}

/** Lower-cased, default port dropped: `HTTPS://Game.example:443` → `https://game.example`. */
function canonicalOrigin(origin: string): string {
  const parsed = parseOrigin(origin);
  if (parsed === undefined) throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an http(s) origin`);
  return parsed.origin;
}

/** For config validation. */
export function isHttpOrigin(origin: string): boolean {
  return parseOrigin(origin) !== undefined;
}
