import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { freePort } from "../../scripts/cluster/tools.ts";

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>/0`. */
  url: string;
  child: ChildProcess;
  /** SIGTERM by pid; resolves when the process has exited (at once if it is stopped already). */
  stop(): Promise<void>;
  /** Stop if running, then start an empty redis-server again on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
}

// One free-port picker for the tests and the cluster launcher.
export { freePort };

/** Send PING on a fresh connection; resolves with the reply line (`+PONG`). */
export function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(5000, () => socket.destroy(new Error("PING timed out")));
    socket.once("error", reject);
    socket.once("connect", () => socket.write("PING\r\n"));
    createInterface({ input: socket }).once("line", (line) => {
      socket.end();
      resolve(line);
    });
  });
}

/** One redis-server child on `port`, resolved once it is ready, or `undefined` if it exited first (port taken). */
async function spawnRedis(
  port: number,
  output: string[],
): Promise<{ child: ChildProcess; exited: Promise<void> } | undefined> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<boolean>((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).on("line", (line) => {
      output.push(line);
      if (line.includes("Ready to accept connections")) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!ready) return undefined;
  // If the test process dies before afterAll, the server must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));
  const reply = await ping(port);
  if (reply !== "+PONG") throw new Error(`redis-server answered PING with ${reply}`);
  return { child, exited };
}

/**
 * A private `redis-server` (from the PATH) on a free loopback port, no
 * persistence, so a test file's rooms are its own. Resolves once the server
 * logged "Ready to accept connections" and answered PING. `stop()` then
 * `restart()` brings it back on the same port, empty (as a Redis without
 * persistence comes back), for the clients to reconnect to the same URL.
 */
export async function startRedisServer(): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const output: string[] = [];
    let current = await spawnRedis(port, output);
    if (current !== undefined) {
      const server: RedisServer = {
        port,
        url: `redis://127.0.0.1:${port}/0`,
        child: current.child,
        async stop() {
          if (current === undefined) return;
          const { child, exited } = current;
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
          current = undefined;
        },
        async restart() {
          await server.stop();
          // The port was ours a moment ago; another process could take it meanwhile (then this fails).
          current = await spawnRedis(port, output);
          if (current === undefined) throw new Error(`redis-server did not restart on ${port}:\n${output.join("\n")}`);
          server.child = current.child;
        },
      };
      return server;
    }
    // Most likely the port was taken between freePort() and the bind: try another.
    if (attempt === 3) throw new Error(`redis-server did not start:\n${output.join("\n")}`);
  }
}
