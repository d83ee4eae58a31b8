import type { LivenessSettings } from "./livenessPolicy.ts";

/**
 * Running several processes as one cluster (docs/scaling.md): Colyseus' room
 * cache, seat reservations and process channels go through Redis, and each
 * process tells the others' clients where to reach it.
 */
export interface ClusterSettings {
  /** `redis://` or `rediss://` URL (a `/<db>` path picks the database) shared by every process of the cluster. */
  redisUrl: string;
  /**
   * `host[:port][/path]`, no scheme: where a client connects to reach a room
   * hosted by this process (the SDK opens `ws://<publicAddress>/<processId>/<roomId>`).
   * Colyseus reads it when the server is constructed, before it listens.
   */
  publicAddress: string;
  /** How dead processes are found and swept (server/cluster/liveness.ts); defaults when unset. */
  liveness?: LivenessSettings;
}

/** A DNS name or IPv4 address, or an IPv6 address in brackets. */
const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const PUBLIC_ADDRESS = new RegExp(String.raw`^(${HOST})(?::(\d{1,5}))?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$`);

/** `host[:port][/path]` with no scheme, a port in 1..65535 if given. */
export function isPublicAddress(value: string): boolean {
  const match = PUBLIC_ADDRESS.exec(value);
  if (match === null) return false;
  const port = match[2];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** A Redis URL ioredis accepts: `redis://` or `rediss://` with a host. */
export function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** The address a process bound to `host:port` is reached at when PUBLIC_ADDRESS is not set. */
export function boundAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host part of a public address (brackets kept for IPv6). */
function hostOf(publicAddress: string): string {
  return PUBLIC_ADDRESS.exec(publicAddress)?.[1] ?? publicAddress;
}

/**
 * What an operator should hear at start: an unspecified host (0.0.0.0, [::])
 * in the public address reaches this machine only, so clients elsewhere that
 * matchmake through another process could not connect to this one's rooms;
 * and the default origin policy (same origin, localhost) refuses a page served
 * by one process when it opens a WebSocket to another process' address.
 */
export function clusterWarnings(
  settings: ClusterSettings,
  { allowedOriginsSet }: { allowedOriginsSet: boolean },
): string[] {
  const warnings: string[] = [];
  if (!allowedOriginsSet) {
    warnings.push(
      "ALLOWED_ORIGINS is not set: the default origin policy (same origin, localhost) refuses a browser page served " +
        "by one process when it connects to a room on another; list the page's origin(s) on every process",
    );
  }
  const host = hostOf(settings.publicAddress);
  if (host === "0.0.0.0" || host === "[::]") {
    const hint = settings.publicAddress.replace(host, "127.0.0.1");
    warnings.push(
      `public address ${settings.publicAddress} reaches this machine only: clients matchmaking through another process ` +
        `are sent there. Set PUBLIC_ADDRESS to how clients reach this process (e.g. ${hint} on one machine, ` +
        `or this host's DNS name or IP)`,
    );
  }
  return warnings;
}

/** The address as logged: never the Redis URL itself, which may carry a password. */
export function redisEndpoint(redisUrl: string): string {
  const url = new URL(redisUrl);
  return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
}
