import "./polyfills.ts";
import { createApp } from "./app.ts";
import { ConfigError, parseConfig } from "./config.ts";
import { createLogger } from "./logger.ts";

let config;
try {
  config = parseConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
const app = createApp(config, { logger });
const port = await app.listen();
logger.info({ port, host: config.host }, "tickwire listening");

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await app.close();
  process.exit(0);
}
process.once("SIGTERM", (s) => void stop(s));
process.once("SIGINT", (s) => void stop(s));
