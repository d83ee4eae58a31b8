import { startServerProcess, type ServerProcess } from "./serverProcess.ts";
import { freePort } from "./redisServer.ts";
import type { ServerAddress } from "./clients.ts";

/** Every process of a test cluster signs and verifies tokens with the same secret, as the config requires. */
export const CLUSTER_SECRET = "cluster-test-secret-0123456789abcdef";

export interface ClusterProcess extends ServerAddress {
  server: ServerProcess;
  /** Colyseus' id for this process, as it logged it on listening. */
  processId: string;
  /** SIGTERM (graceful shutdown) and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * One real server process (`server/index.ts`, as the other process tests run
 * it) joined to the cluster on `redisUrl`, on a free port it is told before it
 * starts: Colyseus needs PUBLIC_ADDRESS (here 127.0.0.1:<port>) before it binds.
 */
export async function startClusterProcess(
  redisUrl: string,
  env: Record<string, string> = {},
  entry = "server/index.ts",
): Promise<ClusterProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const server = await startServerProcess(entry, {
        REDIS_URL: redisUrl,
        AUTH_SECRET: CLUSTER_SECRET,
        PORT: String(port),
        PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        // Every test client comes from 127.0.0.1; the per-IP limits are not what these tests are about.
        MAX_CONNECTIONS_PER_IP: "100000",
        MAX_HTTP_SOCKETS_PER_IP: "100000",
        MAX_PENDING_SEATS_PER_IP: "100000",
        MAX_SEATS_PER_IP_PER_ROOM: "100000",
        HTTP_BURST: "1000000",
        HTTP_RATE_PER_MIN: "1000000",
        MAX_IP_DISPATCH_MS_PER_S: "100000",
        MAX_FRAMES_PER_S_PER_IP: "10000000",
        MAX_QUEUED_BYTES_PER_IP: "1073741824",
        SERVE_CLIENT: "none",
        ...env,
      });
      const listening = server.logs.find((line) => line.msg === "tickwire listening");
      const processId = listening?.processId;
      if (typeof processId !== "string") throw new Error("the process did not log its processId");
      return {
        server,
        port,
        httpUrl: `http://127.0.0.1:${port}`,
        processId,
        async stop() {
          if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGTERM");
          await server.exited;
        },
      };
    } catch (error) {
      // The free port may have been taken before the process bound it.
      if (attempt === 3 || !String(error).includes("EADDRINUSE")) throw error;
    }
  }
}
