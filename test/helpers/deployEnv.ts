import { readFileSync } from "node:fs";
import { parseConfig, type Config } from "../../server/config.ts";

/**
 * Checks a deploy file's environment (a systemd EnvironmentFile, a compose
 * service) the way the server will read it: every name must be one
 * docs/configuration.md documents (the server ignores unknown names, so a
 * typo such as REDIS_URI would otherwise pass silently), and the server's own
 * parseConfig must accept the values.
 */
export function documentedVariables(): Set<string> {
  const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
  return new Set([...doc.matchAll(/^\| *`([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]!));
}

export function checkServerEnv(env: Record<string, string>, where: string): Config {
  const known = documentedVariables();
  const unknown = Object.keys(env).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`${where}: not a documented variable: ${unknown.join(", ")}`);
  // A clean environment: nothing from the test's own process may fill a gap.
  return parseConfig(env, () => "");
}

/**
 * A systemd EnvironmentFile (KEY=VALUE lines, `#`/`;` comments, optional
 * quotes), the subset deploy/systemd/tickwire.env.example uses.
 */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) throw new Error(`line ${i + 1} is not KEY=VALUE: ${raw}`);
    env[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return env;
}
