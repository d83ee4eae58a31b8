import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startChild, type Child } from "./child.ts";
import { renderStandaloneNginx } from "./nginxConfig.ts";
import { requireExecutable } from "./tools.ts";

export interface RunningNginx extends Child {
  /** The nginx.conf it runs. */
  configFile: string;
  errorLog: string;
  /** The error log so far (where nginx says why it refused to start). */
  readErrorLog: () => string;
}

/** The nginx binary (NGINX overrides), or a clear "apt-get install -y nginx". */
export function nginxBinary(): string {
  return requireExecutable("nginx", "apt-get install -y nginx", process.env.NGINX);
}

/**
 * Run nginx in the foreground on `site` (an `http {}`-level config from
 * renderNginxSite), everything in `dir`: `-p` sets the prefix, `-e` the
 * error log before the config is read (else nginx first opens
 * /var/log/nginx/error.log), `daemon off` keeps the master as our child so it
 * is stopped by its pid. Resolves once the config passed `nginx -t` and the
 * master runs; it listens right after.
 */
export async function startNginx(dir: string, site: string): Promise<RunningNginx> {
  const binary = nginxBinary();
  mkdirSync(path.join(dir, "temp"), { recursive: true });
  const configFile = path.join(dir, "nginx.conf");
  const errorLog = path.join(dir, "error.log");
  writeFileSync(configFile, renderStandaloneNginx(dir, site));
  const args = ["-p", `${dir}/`, "-e", errorLog, "-c", configFile];
  const test = startChild(binary, [...args, "-t", "-q"], { stdio: ["ignore", "ignore", "pipe"] });
  const testOutput: string[] = [];
  test.child.stderr!.on("data", (chunk: Buffer) => testOutput.push(chunk.toString()));
  const tested = await test.exited;
  const readErrorLog = () => {
    try {
      return readFileSync(errorLog, "utf8");
    } catch {
      return "";
    }
  };
  if (tested.code !== 0)
    throw new Error(`nginx refused the config ${configFile}:\n${testOutput.join("")}${readErrorLog()}`);
  const nginx = startChild(binary, [...args, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  return Object.assign(nginx, { configFile, errorLog, readErrorLog });
}
