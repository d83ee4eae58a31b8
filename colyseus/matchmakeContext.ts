import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Mirrors: @colyseus/core@0.18.17 src/router/node.ts (the matchmaking route runs in the 'request' listener, awaiting controller.invokeMethod)
 * Mirrors: @colyseus/core@0.18.17 src/MatchMaker.ts (joinOrCreate/join/joinById/create await callOnAuth, the room class' static onAuth, before reserveSeatFor)
 *
 * The client address of the matchmaking request being answered, for the
 * rooms' static `onAuth`. Colyseus hands `onAuth` an AuthContext with the
 * request's headers and an `ip` read from `X-Forwarded-For` whoever sent it,
 * but not the socket's peer address, so the address the per-IP limits use
 * (TRUSTED_PROXIES: server/net/clientIp.ts) cannot be worked out there. The
 * HTTP gate, which has the socket, runs the request inside this context;
 * core calls `onAuth` within the request's own chain of awaits, so the
 * context is still there (pinned by test/wall/seats.test.ts).
 */
const current = new AsyncLocalStorage<string>();

/** Run `answer` (the request's listeners) with `clientKey` as its matchmaking client's address. */
export function withMatchmakeClient<T>(clientKey: string, answer: () => T): T {
  return current.run(clientKey, answer);
}

/** The address of the client whose matchmaking request is being answered; undefined outside one. */
export function matchmakeClientKey(): string | undefined {
  return current.getStore();
}
