import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A program this launcher started, stopped only by its own pid. */
export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  readonly running: boolean;
  /** Send `signal` (if still running) and resolve on exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

const started = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawn `command`. Children get their own process group (`detached`), so a
 * Ctrl-C in the terminal reaches only the launcher, which then stops them in
 * order (a game process that got the terminal's SIGINT and then the
 * launcher's SIGTERM would take the second signal as "exit now"). If the
 * launcher exits without stopping them, an exit hook SIGKILLs whatever is left.
 */
export function startChild(command: string, args: readonly string[], options: SpawnOptions): Child {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) {
    // spawn reports ENOENT/EACCES asynchronously; surface it as a throw with the command named.
    throw new Error(`could not start ${command}`);
  }
  started.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    });
  }
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
    }),
  );
  const pid = child.pid;
  return {
    child,
    pid,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}
