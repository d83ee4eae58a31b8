import { ColyseusTestServer } from "@colyseus/testing";
import { createApp, type AppDeps, type TickwireApp, type TickwireServer } from "../../server/app.ts";
import { defaultConfig, type ConfigOverrides } from "../../server/config.ts";

export interface TestServer {
  app: TickwireApp;
  port: number;
  /** Same origin as a browser would use. */
  httpUrl: string;
  /** The testing harness, pointed at this server's real port. */
  colyseus: ColyseusTestServer<TickwireServer>;
  close(): Promise<void>;
}

export type TestServerOptions = ConfigOverrides & {
  deps?: AppDeps;
  /** Listen on this port instead of a free one: a server restarted where the page's origin points. */
  listenPort?: number;
};

/**
 * Every test client connects from 127.0.0.1, so the per-IP limits would make
 * tests that are not about them (65 joins in a row) depend on them. Those
 * limits are lifted here unless a test sets them; the hostile suite does.
 */
const UNLIMITED_PER_IP = {
  maxConnectionsPerIp: 100_000,
  maxHttpSocketsPerIp: 100_000,
  maxPendingSeatsPerIp: 100_000,
  httpBurst: 1_000_000,
  httpRatePerMinute: 60_000_000,
};
/** The per-IP seat cap of each room type (MAX_SEATS_PER_IP_PER_ROOM), lifted the same way. */
const UNLIMITED_SEATS_PER_IP = { maxSeatsPerIp: 100_000 };

/**
 * The per-IP cost budgets (server/net/connectionCost.ts) lifted for the same
 * reason: a file's players and bots, all 127.0.0.1, are one address. The
 * per-connection budget and the loop-lag cut stay at their defaults.
 */
const UNLIMITED_COST_PER_IP = {
  maxDispatchMsPerSPerIp: 100_000,
  maxFramesPerSPerIp: 10_000_000,
  maxQueuedBytesPerIp: 1024 * 1024 * 1024,
};

/**
 * Boot the real app factory on a free port. `@colyseus/testing`'s own `boot()`
 * always binds 2568, which would collide between test files, so this listens on
 * port 0 and hands the harness the port it actually got.
 */
export async function startTestServer({
  deps,
  net,
  arena,
  world,
  listenPort = 0,
  ...overrides
}: TestServerOptions = {}): Promise<TestServer> {
  const config = defaultConfig({
    host: "127.0.0.1",
    logLevel: "silent",
    client: { mode: "none" },
    ...overrides,
    net: { ...UNLIMITED_PER_IP, ...net, cost: { ...UNLIMITED_COST_PER_IP, ...net?.cost } },
    arena: { ...UNLIMITED_SEATS_PER_IP, ...arena },
    world: { ...UNLIMITED_SEATS_PER_IP, ...world },
  });
  const app = createApp(config, deps);
  const port = await app.listen(listenPort, "127.0.0.1");
  // ColyseusTestServer builds its SDK URL from the server's protected `port`.
  app.server["port"] = port;
  const colyseus = new ColyseusTestServer<TickwireServer>(app.server);
  return {
    app,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    colyseus,
    close: () => app.close(),
  };
}
