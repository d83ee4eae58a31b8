import { BlockList, isIP } from "node:net";

/**
 * Which address a request comes from, for per-IP limits.
 *
 * The TCP peer address is the only thing a client cannot forge. Colyseus'
 * own `AuthContext.ip` prefers `X-Real-IP` / `X-Forwarded-For` whoever sent
 * them (core Transport.ts `resolveClientIp`), so Tickwire never uses it for
 * limits. `X-Forwarded-For` is read only when the peer is a configured
 * proxy, and then from the right: each trusted hop is skipped, and the first
 * address a trusted proxy did not itself add is the client (entries further
 * left were written by the client and prove nothing).
 */
export type ClientIpResolver = (peerAddress: string | undefined, forwardedFor: string | string[] | undefined) => string;

/** What a request without a peer address (a destroyed socket) is counted as. */
export const UNKNOWN_IP = "unknown";

/** Whether an address (normalized: normalizeAddress) is one of the trusted proxies. */
export function createProxyTrust(trustedProxies: readonly string[]): (address: string) => boolean {
  const trusted = new BlockList();
  for (const entry of trustedProxies) addTrusted(trusted, entry);
  return (address) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}

export function createClientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  const isTrusted = createProxyTrust(trustedProxies);

  return (peerAddress, forwardedFor) => {
    const peer = normalizeAddress(peerAddress);
    if (peer === undefined) return UNKNOWN_IP;
    if (trustedProxies.length === 0 || !isTrusted(peer)) return peer;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
      .split(",")
      .map((hop) => normalizeAddress(hop.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      // A malformed hop ends the chain: nothing left of it can be trusted.
      if (hop === undefined) return peer;
      if (!isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer; // every hop was a trusted proxy
  };
}

/**
 * The key per-IP limits count under: an IPv4 address as is, an IPv6 address
 * by its /64 prefix. One IPv6 host is routinely given a whole /64, so keying
 * by full address would hand it 2^64 fresh budgets.
 */
export function limitKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  return groups === undefined ? ip : `${groups.slice(0, 4).join(":")}::/64`;
}

/** Eight 16-bit groups in lower-case hex without leading zeros, or undefined for forms it does not handle. */
function expandIpv6(ip: string): string[] | undefined {
  if (ip.includes(".")) return undefined; // embedded IPv4: left whole
  const [head = "", tail, extra] = ip.split("::");
  if (extra !== undefined) return undefined;
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => parseInt(g, 16).toString(16));
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so one IPv4 client is one key on dual-stack sockets. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  const address = mapped?.[1] ?? raw;
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}

/** An IP address or CIDR as TRUSTED_PROXIES accepts it, or undefined if it is neither. */
export function parseAddressOrCidr(
  entry: string,
): { address: string; type: "ipv4" | "ipv6"; prefix: number | undefined } | undefined {
  const [rawAddress, rawPrefix, extra] = entry.split("/");
  const address = normalizeAddress(rawAddress);
  if (address === undefined || extra !== undefined) return undefined;
  const type = isIP(address) === 6 ? "ipv6" : "ipv4";
  if (rawPrefix === undefined) return { address, type, prefix: undefined };
  const prefix = Number(rawPrefix);
  if (!/^\d+$/.test(rawPrefix) || prefix > (type === "ipv6" ? 128 : 32)) return undefined;
  return { address, type, prefix };
}

function addTrusted(list: BlockList, entry: string): void {
  const parsed = parseAddressOrCidr(entry);
  if (parsed === undefined) throw new Error(`not an IP address or CIDR: "${entry}"`);
  if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.type);
  else list.addSubnet(parsed.address, parsed.prefix, parsed.type);
}
