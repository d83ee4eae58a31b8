import type { Logger } from "../logger.ts";

export interface ReloadOnHangupOptions {
  /** What SIGHUP re-reads (the TLS certificate: TickwireApp.reloadTls); it logs its own outcome and never throws. */
  reload: () => unknown;
  logger: Logger;
  /** Injectable for tests; the process' own by default. */
  on?: (signal: NodeJS.Signals, listener: () => void) => void;
}

/**
 * SIGHUP: reload, the daemon convention certbot's deploy hooks and
 * `systemctl reload` (ExecReload=kill -HUP $MAINPID) rely on. Installed only
 * when there is something to reload (TLS): Node's default for SIGHUP is to
 * exit, which a process without TLS keeps. Independent of SIGTERM/SIGINT
 * (shutdown.ts): a reload during a shutdown only swaps the certificate of a
 * server that is closing.
 */
export function installReloadOnHangup({
  reload,
  logger,
  on = (signal, listener) => process.on(signal, listener),
}: ReloadOnHangupOptions): void {
  on("SIGHUP", () => {
    logger.info({ signal: "SIGHUP" }, "reloading");
    try {
      reload();
    } catch (error) {
      // A reload is not worth the process: whatever failed, the running server keeps its state.
      logger.error({ err: error }, "reload failed");
    }
  });
}
