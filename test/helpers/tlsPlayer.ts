import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { ChatLine } from "../../shared/index.ts";

export type PlayerEvent =
  | { event: "joined"; roomId: string; sessionId: string; url: string }
  | { event: "players"; players: Array<{ sessionId: string; name: string; x: number; y: number }> }
  | { event: "chat"; line: ChatLine }
  | { event: "error"; message: string };

export type PlayerCommand =
  { do: "move"; dx: number; dy: number } | { do: "halt" } | { do: "chat"; text: string } | { do: "leave" };

/**
 * A player in a child process (test/fixtures/tlsPlayer.ts) that trusts the
 * certificate `caFile` (NODE_EXTRA_CA_CERTS) and matchmakes at `endpoint`.
 * Every event it reports is kept, so a test can await one that already came.
 */
export class TlsPlayer {
  readonly events: PlayerEvent[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly stderr: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(endpoint: string, name: string, caFile: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/tlsPlayer.ts"], {
      cwd: new URL("../..", import.meta.url).pathname,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, ENDPOINT: endpoint, PLAYER_NAME: name },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      try {
        this.events.push(JSON.parse(line) as PlayerEvent);
      } catch {
        return; // not a report
      }
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code) => {
        this.wake();
        resolve(code);
      }),
    );
    // If the test process dies first, the player must not outlive it.
    const killOnExit = () => this.child.kill("SIGKILL");
    process.once("exit", killOnExit);
    void this.exited.then(() => process.off("exit", killOnExit));
  }

  send(command: PlayerCommand): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** The first event of `kind` matching `accept`, reported before or after this call. */
  async waitFor<K extends PlayerEvent["event"]>(
    kind: K,
    accept: (event: Extract<PlayerEvent, { event: K }>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<PlayerEvent, { event: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const error = this.events.find((e) => e.event === "error");
      if (error !== undefined && kind !== "error") throw new Error(`player failed: ${JSON.stringify(error)}`);
      const found = this.events.find(
        (e): e is Extract<PlayerEvent, { event: K }> => e.event === kind && accept(e as never),
      );
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.child.exitCode !== null) {
        throw new Error(
          `no "${kind}" event matched (player exited: ${this.child.exitCode}); stderr: ${this.stderr.join("")}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Leave the room (consented) and wait for the process to exit; SIGKILL if it does not within 5 s. */
  async leave(): Promise<void> {
    if (this.child.exitCode === null) this.send({ do: "leave" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
