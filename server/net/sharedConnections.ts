import type { ConnectionLimits } from "./connectionLimits.ts";
import type { MaybePromise } from "./maybePromise.ts";
import type { SharedStoreGuard } from "./sharedStore.ts";

/** A connection slot taken (call the function once its socket is gone), or undefined at the cap. */
export type ConnectionSlot = (() => void) | undefined;

/** The per-IP WebSocket cap (MAX_CONNECTIONS_PER_IP) as the upgrade admission asks it. */
export type ConnectionAdmission = (ip: string) => MaybePromise<ConnectionSlot>;

/** This process' own count (connectionLimits.ts), answered synchronously: the single-process cap. */
export function localConnectionAdmission(local: ConnectionLimits): ConnectionAdmission {
  return (ip) => local.acquire(ip);
}

/**
 * Where the processes of a cluster publish how many connections each holds
 * per IP. Each process writes only its own counts, always as absolute values
 * (the count it holds now, not +1/-1), so a lost write is repaired by the
 * next one and by `replaceAll`; a process that stops writing (kill -9) has
 * its counts expire (server/cluster/sharedLimits.ts: a key per process with a
 * TTL refreshed while it is alive).
 */
export interface ConnectionSlotStore {
  /**
   * Atomically: if the other live processes' count for `ip` plus `ownCount`
   * is at most `max`, record `ownCount` as this process' count and resolve
   * true; else change nothing and resolve false.
   */
  claim(ip: string, ownCount: number, max: number): Promise<boolean>;
  /** Record this process' count for `ip` (0 forgets it). */
  record(ip: string, ownCount: number): Promise<void>;
  /** Replace every count of this process with `counts` and extend their lifetime. */
  replaceAll(counts: Array<[string, number]>): Promise<void>;
}

export interface SharedConnectionAdmission {
  admit: ConnectionAdmission;
  /** Republish this process' counts (periodically: heals lost writes, a restarted Redis, and keeps them alive). */
  sync(): Promise<void>;
}

/**
 * The cap counted over every process of a cluster. This process' own count
 * (`local`, the same ConnectionLimits a single process uses) is taken first
 * and is the truth about its own sockets; the store adds the other processes'
 * counts. When the store fails or stalls (guard), the local count alone
 * decides: the cap then holds per process, as without Redis.
 */
export function sharedConnectionAdmission(options: {
  local: ConnectionLimits;
  store: ConnectionSlotStore;
  max: number;
  guard: SharedStoreGuard;
}): SharedConnectionAdmission {
  const { local, store, max, guard } = options;
  const publish = (ip: string) => void guard.run(undefined, () => store.record(ip, local.count(ip)));
  return {
    async admit(ip) {
      // At the cap on this process alone: no need to ask anyone.
      const release = local.acquire(ip);
      if (release === undefined) return undefined;
      const giveBack = () => {
        release();
        publish(ip);
      };
      const claimed = await guard.run("connections", () => store.claim(ip, local.count(ip), max));
      if (!claimed.ok || claimed.value) return giveBack;
      // Refused by the cluster: give the local slot back, and publish the count
      // (a claim of another connection from this IP may have recorded it meanwhile).
      giveBack();
      return undefined;
    },
    async sync() {
      await guard.run(undefined, () => store.replaceAll([...local.entries()]));
    },
  };
}
