import { readFile } from "node:fs/promises";
import { get } from "node:http";

/**
 * What the hostile property reads of the server process from outside it:
 * /health latency, resident memory and CPU time (Linux /proc), and the
 * machine's CPU time, so other processes' load can be told apart.
 */
const HEALTH_EVERY_MS = 50;
const RSS_EVERY_MS = 100;

/** Every /health probe's latency (ms), probed every HEALTH_EVERY_MS on a fresh connection, as a load balancer does. */
export function probeHealth(httpUrl: string, samples: Array<{ at: number; ms: number }>): () => void {
  const pending = new Set<number>();
  const timer = setInterval(() => {
    const at = performance.now();
    pending.add(at);
    const req = get(`${httpUrl}/health`, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        pending.delete(at);
        samples.push({ at, ms: performance.now() - at });
      });
    });
    req.on("error", () => pending.delete(at));
  }, HEALTH_EVERY_MS);
  return () => {
    clearInterval(timer);
    // A probe still unanswered counts as what it has waited so far.
    for (const at of pending) samples.push({ at, ms: performance.now() - at });
  };
}

export async function readStatus(pid: number): Promise<{ rssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return { rssBytes: kib * 1024 };
}

/** utime + stime of a process, in seconds (Linux /proc; clock ticks are 100 Hz). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU time every core of the machine spent busy since boot, in seconds (/proc/stat, 100 Hz ticks). */
export async function machineBusySeconds(): Promise<number> {
  const [cpu] = (await readFile("/proc/stat", "utf8")).split("\n");
  const [, user, nice, system, , , irq, softirq, steal] = (cpu ?? "").trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

export function sampleRss(pid: number, samples: number[]): () => void {
  const timer = setInterval(() => {
    void readStatus(pid)
      .then(({ rssBytes }) => samples.push(rssBytes))
      .catch(() => undefined);
  }, RSS_EVERY_MS);
  return () => clearInterval(timer);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}
