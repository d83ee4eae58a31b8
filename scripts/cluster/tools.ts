import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

/** A program the cluster needs is not installed: the message says how to install it. */
export class MissingToolError extends Error {
  constructor(
    readonly tool: string,
    readonly install: string,
  ) {
    super(`${tool} not found on the PATH (nor in /usr/sbin, /usr/local/sbin): install it with \`${install}\``);
    this.name = "MissingToolError";
  }
}

/**
 * The full path of `name`. Debian puts nginx in /usr/sbin, which is not on an
 * ordinary user's PATH, so the sbin directories are searched too.
 */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `findExecutable`, or a MissingToolError naming the Debian package. An explicit path (env override) wins. */
export function requireExecutable(name: string, install: string, override?: string): string {
  if (override !== undefined && override !== "") return override;
  const found = findExecutable(name);
  if (found === undefined) throw new MissingToolError(name, install);
  return found;
}

/** A loopback port nothing listens on right now (the OS picks it; a tiny window remains before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Poll `probe` every 20 ms until it resolves true; reject after `timeoutMs` naming `what`. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
