import type { Room } from "@colyseus/sdk";

/**
 * Mirrors: @colyseus/sdk@0.18.4 src/Room.ts (retryReconnection: `setTimeout(() => { try { this.connection.reconnect({...}) } catch (e) { this.retryReconnection(); } }, delay)`; handleReconnection reads `reconnection.enabled`, retryReconnection `maxRetries`)
 *
 * Browser-safe (no node: imports).
 *
 * Stop a room's automatic reconnection now, a retry already scheduled
 * included. The SDK reads `reconnection.enabled` and `maxRetries` only when a
 * connection closes; a retry it has already put on a timer (200 ms, 400 ms, …
 * up to 5 s after the last failure) calls `connection.reconnect` regardless,
 * and opens one more socket to the address the client was told is dead
 * (seen in test/e2e/cluster.e2e.test.ts: a reconnection attempt from the
 * start screen). The SDK has no way to cancel that timer, so its call is made
 * to fail: the SDK catches it, finds no retries left and ends the room with
 * its own FAILED_TO_RECONNECT leave, without touching the network.
 * Pinned by test/wall/sdk-reconnection.test.ts.
 */
export function stopReconnecting(room: Pick<Room, "connection" | "reconnection">): void {
  room.reconnection.enabled = false;
  room.reconnection.maxRetries = 0;
  room.connection.reconnect = () => {
    throw new Error("reconnection stopped: the room is gone");
  };
}
