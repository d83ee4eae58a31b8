import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface LogLine {
  msg: string;
  [key: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Every JSON log line the process wrote to stdout so far. */
  logs: LogLine[];
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Run a server entry point (`server/index.ts` or a test fixture) as a real
 * process, `node --import tsx <entry>` (a built `.js` entry: plain `node
 * <entry>`), on PORT=0, and resolve once it logged the port it bound
 * ("tickwire listening").
 */
export async function startServerProcess(entry: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const args = entry.endsWith(".js") ? [entry] : ["--import", "tsx", entry];
  const child = spawn(process.execPath, args, {
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as LogLine;
        logs.push(entry);
        if (entry.msg === "tickwire listening") resolve(Number(entry.port));
      } catch {
        // not a log line
      }
    });
    void exited.then(({ code }) => reject(new Error(`server exited (${code}) before listening: ${stderr.join("")}`)));
  });
  return { child, port, logs, exited };
}
