/**
 * `node --import tsx bench/profile.ts FILE.cpuprofile [N]`: the top N functions
 * by self time in a V8 CPU profile (from `npm run bench -- --cpu-prof`), and
 * the same grouped by package, to see what dominates the server's CPU.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: bench/profile.ts FILE.cpuprofile [N]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const top = Number(topArg ?? 25);

const selfUs = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) {
  const id = samples[i] as number;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.includes("node_modules/")
    ? url.slice(url.lastIndexOf("node_modules/") + "node_modules/".length)
    : url.replace(`file://${process.cwd()}/`, "");
  const key = `${functionName || "(anonymous)"}  ${where}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg =
    /^(@[^/]+\/[^/]+|[^/]+)/.exec(where)?.[1] ?? (functionName.startsWith("(") ? functionName : "node internals");
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}

const show = (title: string, map: Map<string, number>, limit: number) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
show("self time by package", byPackage, 15);
show("self time by function", byFunction, top);
