import "../colyseus/webSocketGlobal.ts";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { defineRoom, defineServer } from "@colyseus/core";
import { restrictMatchmakingCors } from "../colyseus/cors.ts";
import { GuardedTransport } from "../colyseus/transport.ts";
import { MoveInput, RoomName } from "../shared/index.ts";
import type { Config } from "./config.ts";
import { TokenService, resolveSecret } from "./auth/TokenService.ts";
import { mountGuestAuth } from "./auth/guestRoute.ts";
import { clusterWarnings, redisEndpoint } from "./cluster/ClusterSettings.ts";
import type { ClusterServices } from "./cluster/redis.ts";
import type { SharedLimitsConnection } from "./cluster/sharedLimits.ts";
import { mountClient } from "./http/client.ts";
import { mountDebug } from "./http/debug.ts";
import { mountHealth } from "./http/health.ts";
import { mountMetrics } from "./http/metrics.ts";
import { hideFramework, mountPlainFallbacks } from "./http/plainAnswers.ts";
import { mountRoomList } from "./http/rooms.ts";
import { ServerLifecycle } from "./lifecycle/ServerLifecycle.ts";
import { colyseusLogger, createLogger, type Logger } from "./logger.ts";
import { createMetrics, meterConnectionCosts, meterRedis, type Metrics } from "./metrics/Metrics.ts";
import { createEdge } from "./net/edge.ts";
import { tickwireFramePolicy } from "./net/framePolicy.ts";
import { configureArenaRoom } from "./rooms/ArenaRoom.ts";
import type { RoomServices } from "./rooms/context.ts";
import { configureWorldRoom } from "./rooms/WorldRoom.ts";
import { createBuiltInTls } from "./tls/builtInTls.ts";
import { loadCertificate, type LoadedCertificate } from "./tls/certificate.ts";
import type { CertificateReloader, ReloadResult } from "./tls/CertificateReloader.ts";

export interface AppDeps {
  /** Default: a pino logger at `config.logLevel`. */
  logger?: Logger;
  /** The rooms' clock (ms since the epoch); tests pass a controllable one. */
  now?: () => number;
  /**
   * Required when `config.cluster` is set: the Redis presence and driver from
   * `connectCluster(config.cluster)` (server/cluster/redis.ts), created apart so
   * that this factory stays synchronous and a single process never loads Redis.
   */
  cluster?: ClusterServices;
  /**
   * Cluster mode: the stores sharing the per-IP limits across processes
   * (`connectSharedLimits`, server/cluster/sharedLimits.ts). Without them a
   * cluster process holds its limits in memory, as a single process does.
   * The app closes their connection when it closes.
   */
  sharedLimits?: SharedLimitsConnection;
}

/** The presence, driver and public address Colyseus gets in a cluster; nothing for one process. */
function clusterOptions(config: Config, services: ClusterServices | undefined, logger: Logger) {
  if (config.cluster === undefined) return {};
  if (services === undefined) throw new Error("config.cluster is set: pass deps.cluster (connectCluster)");
  for (const warning of clusterWarnings(config.cluster, { allowedOriginsSet: config.net.allowedOrigins !== undefined }))
    logger.warn(warning);
  logger.info(
    { redis: redisEndpoint(config.cluster.redisUrl), publicAddress: config.cluster.publicAddress },
    "cluster mode: rooms shared through Redis",
  );
  return {
    presence: services.presence,
    driver: services.driver,
    publicAddress: config.cluster.publicAddress,
    // Colyseus' placement rule, minus processes known dead (server/cluster/liveness.ts).
    selectProcessIdToCreateRoom: services.liveness.placeRoom,
  };
}

function buildServer(
  config: Config,
  { logger = createLogger(config.logLevel), now = Date.now, cluster, sharedLimits }: AppDeps,
  metrics: Metrics,
  lifecycle: ServerLifecycle,
  onClose: Array<() => Promise<void>>,
  certificate: LoadedCertificate | undefined,
) {
  const startedAt = Date.now();
  const { secret, generated } = resolveSecret(config.auth.secret);
  if (generated) {
    logger.warn("AUTH_SECRET is not set: using a random secret, so tokens will not survive a restart");
  }
  const tokens = new TokenService({
    secret,
    ttlSeconds: config.auth.tokenTtlSeconds,
    renewTtlSeconds: config.auth.renewTtlSeconds,
  });
  const edge = createEdge({
    settings: config.net,
    production: config.production,
    framePolicy: tickwireFramePolicy(MoveInput),
    shuttingDown: () => lifecycle.shuttingDown,
    logger,
    countRefusal: ({ type, reason }) => metrics.messagesRejected.inc({ type, reason }),
    countCut: (reason) => metrics.connectionsCut.inc({ reason }),
    shared: sharedLimits,
    ...(cluster === undefined ? {} : { matchmakingUnavailable: () => !cluster.health.up }),
    sharedHealth: {
      degraded: (down) => metrics.sharedLimitsDegraded.set(down ? 1 : 0),
      fellBack: (limit) => metrics.sharedLimitsFallbacks.inc({ limit }),
    },
  });
  onClose.push(async () => {
    edge.close();
    await sharedLimits?.close();
  });
  const transport = new GuardedTransport(
    edge,
    certificate === undefined ? undefined : { cert: certificate.cert, key: certificate.key },
  );
  restrictMatchmakingCors(edge.origins);
  // What every room type shares; each is configured from its own settings.
  const services: RoomServices = {
    chat: config.chat,
    messagesPerSecond: config.net.maxMessagesPerSecond,
    tokens,
    logger,
    metrics,
    lifecycle,
    now,
  };
  return defineServer({
    rooms: {
      [RoomName.Arena]: defineRoom(configureArenaRoom(services, config.arena)),
      [RoomName.World]: defineRoom(configureWorldRoom(services, config.world)),
    },
    transport,
    ...clusterOptions(config, cluster, logger),
    express: async (app) => {
      hideFramework(app);
      mountHealth(app, startedAt, cluster?.health);
      mountMetrics(app, metrics.registry, config.metricsToken);
      mountGuestAuth(app, tokens, logger);
      mountRoomList(app, cluster?.health);
      if (config.debugEndpoints) mountDebug(app);
      onClose.push(await mountClient(app, config.client, logger));
      mountPlainFallbacks(app, logger);
    },
    greet: false,
    // Colyseus' own messages go through the same structured logger, not the
    // console: its object arguments become fields (so the redaction paths
    // apply to them), Errors `err` with their stack, strings the message
    // (which nothing redacts). Capped: core logs client-triggered errors at
    // error level (see colyseusLogger).
    logger: colyseusLogger(logger.child({ component: "colyseus" })),
    // Signals are handled by server/index.ts, so tests and embedders own the process.
    gracefullyShutdown: false,
  });
}

/** The server's type, for `new Client<TickwireServer>(url)` on the client side. */
export type TickwireServer = ReturnType<typeof buildServer>;

export interface TickwireApp {
  readonly server: TickwireServer;
  readonly metrics: Metrics;
  readonly transport: GuardedTransport;
  readonly lifecycle: ServerLifecycle;
  /** With TLS: the certificate in use, replaced by `reloadTls`. */
  readonly tls: CertificateReloader | undefined;
  /**
   * Listen on `port` (0 = any free port); resolves with the bound port. With
   * HTTP_REDIRECT_PORT, the redirect server listens too (after the game port,
   * whose bound port its redirects name).
   */
  listen(port?: number, host?: string): Promise<number>;
  /** The redirect server's bound port, once listening; undefined without HTTP_REDIRECT_PORT. */
  readonly redirectPort: number | undefined;
  /**
   * SIGHUP with TLS: re-read TLS_CERT_FILE and TLS_KEY_FILE; new handshakes
   * get the new pair, open connections keep theirs. A pair that fails to load
   * is logged and not applied. Without TLS: undefined (nothing to reload).
   */
  reloadTls(): ReloadResult | undefined;
  /**
   * Stop accepting joins and upgrades, tell every client ("server:shutdown"),
   * disconnect them (4001), dispose the rooms and close the listener.
   */
  close(reason?: string): Promise<void>;
}

/**
 * Build the whole server from a typed config. `server/index.ts` and the tests
 * boot the same factory. Colyseus' matchmaker is a per-process singleton, so
 * one app listens per process at a time.
 */
export function createApp(config: Config, deps: AppDeps = {}): TickwireApp {
  const logger = deps.logger ?? createLogger(config.logLevel);
  // Read first: a missing or broken file throws TlsCertificateError (server/index.ts: a fatal line, exit 1) before
  // anything listens.
  const certificate = config.tls === undefined ? undefined : loadCertificate(config.tls);
  const metrics = createMetrics();
  const lifecycle = new ServerLifecycle();
  const onClose: Array<() => Promise<void>> = [];
  const server = buildServer(config, { ...deps, logger }, metrics, lifecycle, onClose, certificate);
  const cluster = deps.cluster;
  if (cluster !== undefined) meterRedis(metrics, cluster.health);
  const transport = server.transport as GuardedTransport;
  // The meter's clock is performance.now() (colyseus/costCutter.ts).
  meterConnectionCosts(metrics, transport.costs.costs, () => performance.now());
  const tls =
    config.tls === undefined || certificate === undefined
      ? undefined
      : createBuiltInTls(config.tls, certificate, {
          logger,
          metrics,
          admitConnection: (peerAddress) => transport.edge.admitHttpConnection(peerAddress),
          headersTimeoutMs: config.net.headersTimeoutMs,
        });
  return {
    server,
    metrics,
    transport,
    lifecycle,
    tls: tls?.reloader,
    get redirectPort() {
      return tls?.redirectPort;
    },
    reloadTls() {
      const https = transport.httpsServer;
      return tls === undefined || https === undefined ? undefined : tls.reload(https);
    },
    async listen(port = config.port, host = config.host) {
      await server.listen(port, host);
      // Registered now (matchMaker.accept): from here on, Redis coming back means re-registering.
      cluster?.health.start();
      // The matchmaker accepts (and has its processId) once listening: sweeping dead processes starts here.
      cluster?.liveness.start();
      const address = server.transport.server?.address() as AddressInfo | null;
      if (address === null || address === undefined) throw new Error("server is not listening");
      await tls?.listenRedirect(host, address.port);
      return address.port;
    },
    async close(reason = "shutdown") {
      lifecycle.beginShutdown(reason);
      // Core's drain would tell the rooms only after a Redis write that waits for Redis (ServerLifecycle.tellRoomsNow).
      if (cluster !== undefined && !cluster.health.up) lifecycle.tellRoomsNow();
      cluster?.health.stop();
      // The redirect port first: nothing it answers could be served once the game port closes.
      await tls?.close();
      await server.gracefullyShutdown(false);
      await cluster?.liveness.stop();
      await Promise.all(onClose.map((close) => close()));
      metrics.close();
    },
  };
}
