import { matchMaker } from "@colyseus/core";
import type { OriginPolicy } from "../server/net/originPolicy.ts";

/**
 * Mirrors: @colyseus/core@0.18.17 src/matchmaker/controller.ts (DEFAULT_CORS_HEADERS, getCorsHeaders), src/router/index.ts (bindRouterToTransport merges them for every request)
 *
 * Colyseus answers every HTTP request with CORS headers built from
 * `controller.DEFAULT_CORS_HEADERS` (`Access-Control-Allow-Origin: *`) merged
 * with `controller.getCorsHeaders()` (by default: echo any Origin, with
 * credentials allowed). Only origins the policy admits are echoed now.
 * `matchMaker.controller` is a process-wide singleton, like the matchmaker.
 */
export function restrictMatchmakingCors(origins: Pick<OriginPolicy, "corsOrigin">): void {
  const defaults: Record<string, string> = matchMaker.controller.DEFAULT_CORS_HEADERS;
  delete defaults["Access-Control-Allow-Origin"];
  matchMaker.controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const allowed = origins.corsOrigin(headers.get("origin") ?? undefined, headers.get("host") ?? undefined);
    return allowed === undefined ? { Vary: "Origin" } : { "Access-Control-Allow-Origin": allowed, Vary: "Origin" };
  };
}
