import type { Logger } from "../logger.ts";

/** What graceful shutdown needs from the app. */
export interface Closable {
  close(reason: string): Promise<void>;
}

export interface GracefulShutdownOptions {
  app: Closable;
  logger: Logger;
  /** Exit at the latest this long after the first signal, whatever is still open. */
  timeoutSeconds: number;
  signals?: readonly NodeJS.Signals[];
  /** Injectable for tests; the process' own by default. */
  exit?: (code: number) => void;
  on?: (signal: NodeJS.Signals, listener: () => void) => void;
}

/**
 * SIGTERM / SIGINT: stop accepting joins, tell every client
 * ("server:shutdown", then close 4001), let the rooms dispose, exit 0.
 *
 * The deadline is a plain timer started at the signal: `app.close()` waits
 * for every room to dispose (core MatchMaker#gracefullyShutdown waits on
 * 'no-active-rooms' with no timeout of its own), so one room whose onLeave or
 * onDispose never settles would otherwise hold the process forever, and an
 * orchestrator would SIGKILL it mid-write. Exit code 0 in both cases: the
 * process was asked to stop, and stopped. A second signal exits at once.
 */
export function installGracefulShutdown({
  app,
  logger,
  timeoutSeconds,
  signals = ["SIGTERM", "SIGINT"],
  exit = (code) => process.exit(code),
  on = (signal, listener) => process.on(signal, listener),
}: GracefulShutdownOptions): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without waiting for rooms");
      exit(0);
      return;
    }
    stopping = true;
    const startedAt = Date.now();
    logger.info({ signal, timeoutS: timeoutSeconds }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ timeoutS: timeoutSeconds }, "shutdown deadline reached: exiting with rooms still open");
      exit(0);
    }, timeoutSeconds * 1000);
    try {
      await app.close(signal);
      logger.info({ durationMs: Date.now() - startedAt }, "shutdown complete");
    } catch (error) {
      logger.error({ err: error }, "shutdown failed");
    }
    clearTimeout(deadline);
    exit(0);
  };
  for (const signal of signals) on(signal, () => void stop(signal));
}
