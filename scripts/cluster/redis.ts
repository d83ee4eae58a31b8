import { createInterface } from "node:readline";
import { startChild, type Child } from "./child.ts";
import { freePort, requireExecutable } from "./tools.ts";

export interface PrivateRedis extends Child {
  port: number;
  url: string;
}

/**
 * A redis-server of this run's own on a free loopback port, no persistence,
 * its files in `dir`: never the machine's 6379. `fixedPort` restarts one on
 * the port it had.
 */
export async function startPrivateRedis(dir: string, fixedPort?: number): Promise<PrivateRedis> {
  const binary = requireExecutable("redis-server", "apt-get install -y redis-server", process.env.REDIS_SERVER);
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const redis = startChild(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const output: string[] = [];
    const ready = await new Promise<boolean>((resolve) => {
      createInterface({ input: redis.child.stdout! }).on("line", (line) => {
        output.push(line);
        if (line.includes("Ready to accept connections")) resolve(true);
      });
      void redis.exited.then(() => resolve(false));
    });
    if (ready) return Object.assign(redis, { port, url: `redis://127.0.0.1:${port}/0` });
    // Most likely the port was taken between freePort() and the bind.
    if (attempt === 3 || fixedPort !== undefined) throw new Error(`redis-server did not start:\n${output.join("\n")}`);
  }
}
