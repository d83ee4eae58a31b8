import { isIP } from "node:net";

/** A request's Host header, split: `name` is lower-case, IPv6 without brackets. */
export interface RequestHost {
  name: string;
  kind: "dns" | "ipv4" | "ipv6";
}

/** Does the certificate in use name this host? (certificate's X509Certificate checkHost / checkIP) */
export type ServesHost = (host: RequestHost) => boolean;

export type RedirectAnswer = { status: 308; location: string } | { status: 400 };

const BAD_REQUEST: RedirectAnswer = { status: 400 };
// RFC 3986 reg-name as browsers send it (letters, digits, hyphens, dots), then an optional port.
const DNS_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::\d{1,5})?$/;
const IPV6_HOST = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/;

/** The Host header's host, without its port; undefined when it is not a plain host name or IP literal. */
export function parseRequestHost(header: string | undefined): RequestHost | undefined {
  if (header === undefined || header.length > 255) return undefined;
  const value = header.toLowerCase();
  const v6 = IPV6_HOST.exec(value)?.[1];
  if (v6 !== undefined) return isIP(v6) === 6 ? { name: v6, kind: "ipv6" } : undefined;
  const name = DNS_HOST.exec(value)?.[1];
  if (name === undefined) return undefined;
  if (isIP(name) === 4) return { name, kind: "ipv4" };
  // All-numeric labels that are not an IPv4 address (`1.2.3`, `999.1.1.1`) are what URL parsers turn into other addresses.
  if (/^[\d.]+$/.test(name)) return undefined;
  return { name, kind: "dns" };
}

/**
 * HTTP_REDIRECT_PORT's answer to any request: 308 (the method and body are
 * kept, unlike 301) to the same path on https://<host>:<httpsPort>.
 *
 * The host comes from the request's Host header, so it is checked: it must
 * be a plain host name or IP literal (no userinfo, no path) and one the
 * certificate in use covers (`serves`). Anything else is 400: the redirect
 * can then never send a browser to a host this server has no certificate
 * for, whatever Host header a client (or a cache poisoned by one) sends.
 * Only origin-form targets (`/path?query`) are redirected; an absolute-form
 * target (`GET http://elsewhere/ HTTP/1.1`, a proxy request) is 400 too.
 */
export function redirectToHttps(
  request: { host: string | undefined; url: string | undefined },
  httpsPort: number,
  serves: ServesHost,
): RedirectAnswer {
  const host = parseRequestHost(request.host);
  const path = request.url ?? "";
  if (host === undefined || !path.startsWith("/") || !serves(host)) return BAD_REQUEST;
  const authority = host.kind === "ipv6" ? `[${host.name}]` : host.name;
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  return { status: 308, location: `https://${authority}${port}${path}` };
}
