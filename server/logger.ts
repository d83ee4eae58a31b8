import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs, on stdout unless `destination` says otherwise (tests
 * capture them in memory through this same function, so the redaction below
 * is what they exercise). `redact` is a second line of defence: no code path
 * should log a token, but if one ever does under one of these keys (at the
 * top level or one object down), the value is censored. Text inside a
 * message string cannot be redacted.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
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
  };
  return destination === undefined ? pino(options) : pino(options, destination);
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
 * Core logs at error level for things any client can cause at will: every
 * `ws` protocol error (WebSocketTransport onConnection → debugAndPrintError),
 * every undecodable ROOM_DATA payload (RoomMessages onData). debugAndPrintError
 * hands over an Error's `stack` as a string, which becomes the message as it
 * is. Uncapped, that is one log line per hostile frame. Lines over the cap are
 * counted and reported once the next window opens.
 *
 * Arguments keep their structure (`toEntry`): an Error goes out as `err`,
 * which pino serialises with type, message and stack; an object as `data`,
 * so the redaction paths apply to its keys; strings and numbers make the
 * message.
 */
export function colyseusLogger(logger: Logger, perSecond = 20, now: () => number = Date.now): ColyseusLogger {
  let windowEndsAt = 0;
  let lines = 0;
  let suppressed = 0;
  const log = (level: "debug" | "info" | "trace" | "warn" | "error", args: unknown[]): void => {
    const [fields, message] = toEntry(args);
    logger[level](fields, message);
  };
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
      log(level, args);
    };
  return {
    debug: (...args) => log("debug", args),
    info: (...args) => log("info", args),
    trace: (...args) => log("trace", args),
    warn: capped("warn"),
    error: capped("error"),
  };
}

/**
 * Console-style arguments as one pino entry: the first Error as `err`, plain
 * objects as `data` (one object as itself, several as an array), everything
 * else joined into the message. An entry with an error and no text takes the
 * error's message, so no line is blank.
 */
export function toEntry(args: readonly unknown[]): [Record<string, unknown>, string] {
  const fields: Record<string, unknown> = {};
  const objects: unknown[] = [];
  const words: string[] = [];
  for (const arg of args) {
    if (arg instanceof Error && fields.err === undefined) fields.err = arg;
    else if (typeof arg === "object" && arg !== null && !(arg instanceof Error)) objects.push(arg);
    else words.push(arg instanceof Error ? (arg.stack ?? String(arg)) : String(arg));
  }
  if (objects.length > 0) fields.data = objects.length === 1 ? objects[0] : objects;
  const message = words.join(" ");
  return [fields, message === "" && fields.err instanceof Error ? fields.err.message : message];
}
