import "../colyseus/webSocketGlobal.ts";
import { matchMaker } from "@colyseus/core";
import { createApp } from "./app.ts";
import { connectCluster } from "./cluster/redis.ts";
import { connectSharedLimits } from "./cluster/sharedLimits.ts";
import { ConfigError, parseConfig, type Config } from "./config.ts";
import { installGracefulShutdown } from "./lifecycle/shutdown.ts";
import { createLogger } from "./logger.ts";

function configOrExit(): Config {
  try {
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();

const logger = createLogger(config.logLevel);
const cluster = config.cluster === undefined ? undefined : await connectCluster(config.cluster, logger);
// The per-IP limits shared by the cluster, on their own Redis connection (docs/scaling.md "Shared limits").
const sharedLimits = config.cluster === undefined ? undefined : await connectSharedLimits(config.cluster, config.net);
const app = createApp(config, { logger, cluster, sharedLimits });
installGracefulShutdown({ app, logger, timeoutSeconds: config.shutdownTimeoutSeconds });
const port = await app.listen();
// The bound port, not the configured one: with PORT=0 this line is how a supervisor (or a test) finds it.
logger.info(
  config.cluster === undefined
    ? { port, host: config.host }
    : { port, host: config.host, processId: matchMaker.processId, publicAddress: config.cluster.publicAddress },
  "tickwire listening",
);
