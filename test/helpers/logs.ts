import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../server/logger.ts";

export interface CapturedLogs {
  /** The server's own logger (`createLogger`: redaction included), writing to memory. */
  logger: Logger;
  /** Each JSON log line written so far, in order. */
  lines: string[];
}

/** A logger whose output a test can read back, to assert what was (and never was) logged. */
export function captureLogs(level: string): CapturedLogs {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line !== "") lines.push(line);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}
