import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. `redact` is a second line of defence: no code path
 * should log a token, but if one ever does, these keys are censored.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "tickwire" },
    redact: {
      paths: [
        "token",
        "*.token",
        "renewToken",
        "*.renewToken",
        "authorization",
        "*.authorization",
        "reconnectionToken",
        "*.reconnectionToken",
        "secret",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  });
}

/** The logger shape Colyseus accepts (`setLogger`): console-like methods. */
export interface ColyseusLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  trace(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Colyseus' logger, with warn and error capped at `perSecond` lines.
 *
 * Core logs at error level, stack trace included, for things any client can
 * cause at will: every `ws` protocol error (WebSocketTransport onConnection →
 * debugAndPrintError), every undecodable ROOM_DATA payload (RoomMessages
 * onData). Uncapped, that is one log line per hostile frame. Lines over the
 * cap are counted and reported once the next window opens.
 */
export function colyseusLogger(logger: Logger, perSecond = 20, now: () => number = Date.now): ColyseusLogger {
  let windowEndsAt = 0;
  let lines = 0;
  let suppressed = 0;
  const capped =
    (level: "warn" | "error") =>
    (...args: unknown[]): void => {
      const time = now();
      if (time >= windowEndsAt) {
        if (suppressed > 0) logger.warn({ suppressed }, "colyseus log lines suppressed (over the per-second cap)");
        windowEndsAt = time + 1000;
        lines = 0;
        suppressed = 0;
      }
      if (++lines > perSecond) {
        suppressed++;
        return;
      }
      logger[level](args.map(String).join(" "));
    };
  return {
    debug: (...args) => logger.debug(args.map(String).join(" ")),
    info: (...args) => logger.info(args.map(String).join(" ")),
    trace: (...args) => logger.trace(args.map(String).join(" ")),
    warn: capped("warn"),
    error: capped("error"),
  };
}
