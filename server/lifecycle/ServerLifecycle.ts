import type { ServerShutdownNotice } from "../../shared/index.ts";

/** A room that can tell its clients the server is going away (PlayRoom). */
export interface ShutdownListener {
  onBeforeShutdown(): void;
}

/**
 * Process-wide server state rooms need to read: whether a shutdown has begun,
 * and why. Set once by `TickwireApp.close()`; rooms read it in
 * `onBeforeShutdown` to tell their clients.
 */
export class ServerLifecycle {
  private shutdown: ServerShutdownNotice | undefined;
  private readonly rooms = new Set<ShutdownListener>();

  /** Count a room in until it disposes (the returned function). */
  track(room: ShutdownListener): () => void {
    this.rooms.add(room);
    return () => this.rooms.delete(room);
  }

  /**
   * Tell every room's clients now, without waiting for core's drain. In a
   * cluster with Redis down, core's drain (MatchMaker#lockAndDisposeAll) starts
   * with a Redis write that waits for Redis, so the rooms would hear of the
   * shutdown only if Redis came back before the deadline; players would be cut
   * at SHUTDOWN_TIMEOUT_S with no notice. Each room tells its clients once.
   */
  tellRoomsNow(): void {
    for (const room of [...this.rooms]) {
      try {
        room.onBeforeShutdown();
      } catch {
        // A room still in onCreate cannot disconnect yet; core's drain reaches it if Redis returns, the deadline if not.
      }
    }
  }

  beginShutdown(reason: string, at = Date.now()): ServerShutdownNotice {
    this.shutdown ??= { reason, at };
    return this.shutdown;
  }

  get shutdownNotice(): ServerShutdownNotice | undefined {
    return this.shutdown;
  }

  get shuttingDown(): boolean {
    return this.shutdown !== undefined;
  }
}
