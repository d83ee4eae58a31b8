import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { startChild, type Child } from "./child.ts";

export const REPO_ROOT = new URL("../..", import.meta.url).pathname;
export const BUILT_ENTRY = path.join(REPO_ROOT, "dist/server/index.js");

/** `built`: `node dist/server/index.js` (npm run build); `source`: `node --import tsx server/index.ts`. */
export type EntryKind = "built" | "source";

/** The built entry when there is one, else the source through tsx. */
export function defaultEntry(): EntryKind {
  return existsSync(BUILT_ENTRY) ? "built" : "source";
}

/** One JSON log line of a game process (pino). */
export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface GameProcess extends Child {
  port: number;
  /** Colyseus' id for this process (random at every start), from its "tickwire listening" line. */
  processId: string;
  /** The most recent log lines (at most 500). */
  logs: LogLine[];
}

const KEPT_LOG_LINES = 500;

/**
 * Start one game server with `env` (PORT, REDIS_URL, PUBLIC_ADDRESS, …) and
 * resolve once it logged "tickwire listening". Each stdout line goes to
 * `onLog` (parsed when it is JSON); stderr lines come as `{ msg, stderr: true }`.
 */
export async function startGameProcess(
  entry: EntryKind,
  env: NodeJS.ProcessEnv,
  onLog: (line: LogLine) => void = () => {},
): Promise<GameProcess> {
  const args = entry === "built" ? [BUILT_ENTRY] : ["--import", "tsx", path.join(REPO_ROOT, "server/index.ts")];
  const child = startChild(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: LogLine[] = [];
  const keep = (line: LogLine) => {
    logs.push(line);
    if (logs.length > KEPT_LOG_LINES) logs.splice(0, logs.length - KEPT_LOG_LINES);
    onLog(line);
  };
  const stderr: string[] = [];
  createInterface({ input: child.child.stderr! }).on("line", (text) => {
    stderr.push(text);
    keep({ msg: text, stderr: true });
  });
  const processId = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.child.stdout! }).on("line", (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      keep(line);
      if (line.msg === "tickwire listening") resolve(String(line.processId));
    });
    void child.exited.then(({ code, signal }) =>
      reject(new Error(`game process exited (${code ?? signal}) before listening:\n${stderr.slice(-20).join("\n")}`)),
    );
  });
  return Object.assign(child, { port: Number(env.PORT), processId, logs });
}
