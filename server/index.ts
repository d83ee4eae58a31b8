import "../colyseus/webSocketGlobal.ts";
import { matchMaker } from "@colyseus/core";
import { createApp } from "./app.ts";
import { connectCluster, RedisUnavailableError } from "./cluster/redis.ts";
import { connectSharedLimits } from "./cluster/sharedLimits.ts";
import { ConfigError, parseConfig, type Config } from "./config.ts";
import { installReloadOnHangup } from "./lifecycle/reload.ts";
import { installGracefulShutdown } from "./lifecycle/shutdown.ts";
import { createLogger } from "./logger.ts";
import { TlsCertificateError } from "./tls/certificate.ts";

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
/**
 * Redis unreachable at start: a clear line and exit 1 once REDIS_CONNECT_TIMEOUT_S
 * has passed (why not listen and answer 503: ClusterSettings.connectTimeoutSeconds).
 */
async function clusterOrExit(settings: NonNullable<Config["cluster"]>) {
  try {
    return await connectCluster(settings, logger);
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      logger.fatal(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const cluster = config.cluster === undefined ? undefined : await clusterOrExit(config.cluster);
// The per-IP limits shared by the cluster, on their own Redis connection (docs/scaling.md "Shared limits").
const sharedLimits = config.cluster === undefined ? undefined : await connectSharedLimits(config.cluster, config.net);
/** A TLS file that cannot be used at start: one line naming it, exit 1 (on SIGHUP the old certificate is kept instead). */
function appOrExit() {
  try {
    return createApp(config, { logger, cluster, sharedLimits });
  } catch (error) {
    if (error instanceof TlsCertificateError) {
      logger.fatal({ file: error.file }, error.message);
      process.exit(1);
    }
    throw error;
  }
}

const app = appOrExit();
installGracefulShutdown({ app, logger, timeoutSeconds: config.shutdownTimeoutSeconds });
if (config.tls !== undefined) installReloadOnHangup({ reload: () => app.reloadTls(), logger });
/**
 * A port that cannot be bound (in use, privileged, no such address): one line
 * naming it, exit 1, as for the other start-up faults. Node would print the
 * rejection's stack instead. With HTTP_REDIRECT_PORT the game port may already
 * be listening; exiting closes it.
 */
async function listenOrExit(): Promise<number> {
  try {
    return await app.listen();
  } catch (error) {
    const { code, port, address } = error as { code?: unknown; port?: unknown; address?: unknown };
    if (typeof code === "string" && ["EADDRINUSE", "EACCES", "EADDRNOTAVAIL"].includes(code)) {
      logger.fatal({ code, port, address }, `cannot listen on ${String(address)}:${String(port)} (${code})`);
      process.exit(1);
    }
    throw error;
  }
}

const port = await listenOrExit();
// The bound port, not the configured one: with PORT=0 this line is how a supervisor (or a test) finds it.
logger.info(
  config.cluster === undefined
    ? { port, host: config.host, tls: config.tls !== undefined }
    : {
        port,
        host: config.host,
        tls: config.tls !== undefined,
        processId: matchMaker.processId,
        publicAddress: config.cluster.publicAddress,
      },
  "tickwire listening",
);
