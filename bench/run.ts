import "../server/polyfills.ts";
import { pinLoadGenerator } from "./lib/processes.ts";
import { runScenario, type Figures } from "./scenario.ts";
import { scenarios } from "./scenarios.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const pinned = pinLoadGenerator();
const progress = (line: string) => process.stderr.write(`\r\x1b[K${line}`);
const results: Figures[] = [];
for (const scenario of scenarios(quick ? "quick" : "full")) {
  if (only !== undefined && !scenario.name.includes(only)) continue;
  results.push(await runScenario(scenario, progress));
}
process.stderr.write("\n");
console.log(JSON.stringify({ pinned, results }, null, 2));
