import type { ServerShutdownNotice } from "../../shared/index.ts";

/**
 * Process-wide server state rooms need to read: whether a shutdown has begun,
 * and why. Set once by `TickwireApp.close()`; rooms read it in
 * `onBeforeShutdown` to tell their clients.
 */
export class ServerLifecycle {
  private shutdown: ServerShutdownNotice | undefined;

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
