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
