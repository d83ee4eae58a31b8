import type { Presence } from "@colyseus/core";

/**
 * Mirrors: @colyseus/core@0.18.17 src/MatchMaker.ts (getProcessChannel is `p:${processId}`; accept() subscribes it; healthCheckAllProcesses lists `presence.channels("p:*")` to skip the processes still subscribed)
 *
 * Every matchmaker subscribes its own process channel `p:<processId>` when it
 * starts accepting, and drops it when it shuts down. With Redis presence the
 * subscription lives on that process' subscriber socket, so Redis forgets it
 * the moment the process dies (a `kill -9` closes its sockets at once): the
 * channel list is the fastest signal of a dead process there is, faster than
 * any TTL. Core itself reads it the same way in `healthCheckAllProcesses`.
 */
const PROCESS_CHANNEL_PREFIX = "p:";

/** The ids of the processes whose matchmaker is subscribed to its channel right now. */
export async function subscribedProcessIds(presence: Presence): Promise<Set<string>> {
  const channels = await presence.channels(`${PROCESS_CHANNEL_PREFIX}*`);
  return new Set(channels.map((channel) => channel.slice(PROCESS_CHANNEL_PREFIX.length)));
}
