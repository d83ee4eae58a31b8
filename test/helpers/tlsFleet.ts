import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export type FleetEvent =
  | { event: "ready"; players: number }
  | { event: "closed"; index: number; how: "drop" | "leave"; code: number }
  | { event: "stats"; players: Array<{ patches: number; maxGapMs: number }> }
  | { event: "marked" }
  | { event: "error"; message: string };

/**
 * N moving SDK players in one child process (test/fixtures/tlsFleet.ts) that
 * trusts the PEM bundle `caFile` and matchmakes at `endpoint`. Every event is
 * kept, so a test can check afterwards that no "closed" ever came.
 */
export class TlsFleet {
  readonly events: FleetEvent[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly stderr: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(endpoint: string, players: number, caFile: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/tlsFleet.ts"], {
      cwd: new URL("../..", import.meta.url).pathname,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, ENDPOINT: endpoint, PLAYERS: String(players) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      try {
        this.events.push(JSON.parse(line) as FleetEvent);
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
    const killOnExit = () => this.child.kill("SIGKILL");
    process.once("exit", killOnExit);
    void this.exited.then(() => process.off("exit", killOnExit));
  }

  /** Every "closed" event so far: a player whose socket closed. */
  get closures(): Array<Extract<FleetEvent, { event: "closed" }>> {
    return this.events.filter((e): e is Extract<FleetEvent, { event: "closed" }> => e.event === "closed");
  }

  /** The first event of `kind` after the first `skip` of that kind, reported before or after this call. */
  async waitFor<K extends FleetEvent["event"]>(
    kind: K,
    skip = 0,
    timeoutMs = 60_000,
  ): Promise<Extract<FleetEvent, { event: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const error = this.events.find((e) => e.event === "error");
      if (error !== undefined) throw new Error(`fleet failed: ${JSON.stringify(error)}`);
      const found = this.events.filter((e): e is Extract<FleetEvent, { event: K }> => e.event === kind)[skip];
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.child.exitCode !== null) {
        throw new Error(`no "${kind}" event (fleet exited: ${this.child.exitCode}); stderr: ${this.stderr.join("")}`);
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

  /** Reset every player's patch count and largest gap; resolves once the fleet did. */
  async mark(): Promise<void> {
    const before = this.events.filter((e) => e.event === "marked").length;
    this.child.stdin!.write(`${JSON.stringify({ do: "mark" })}\n`);
    await this.waitFor("marked", before);
  }

  /** Each player's patches and largest gap between two patches since the last mark. */
  async stats(): Promise<Array<{ patches: number; maxGapMs: number }>> {
    const before = this.events.filter((e) => e.event === "stats").length;
    this.child.stdin!.write(`${JSON.stringify({ do: "stats" })}\n`);
    return (await this.waitFor("stats", before)).players;
  }

  async leave(): Promise<void> {
    if (this.child.exitCode === null) this.child.stdin!.write(`${JSON.stringify({ do: "leave" })}\n`);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
