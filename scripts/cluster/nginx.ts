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

interface Prepared {
  binary: string;
  /** `-p` sets the prefix, `-e` the error log before the config is read (else nginx first opens /var/log/nginx/error.log). */
  args: string[];
  configFile: string;
  errorLog: string;
  readErrorLog: () => string;
}

/** Write `dir`/nginx.conf around `site` (and its temp directory). */
function prepare(dir: string, site: string): Prepared {
  const binary = nginxBinary();
  mkdirSync(path.join(dir, "temp"), { recursive: true });
  const configFile = path.join(dir, "nginx.conf");
  const errorLog = path.join(dir, "error.log");
  writeFileSync(configFile, renderStandaloneNginx(dir, site));
  const readErrorLog = () => {
    try {
      return readFileSync(errorLog, "utf8");
    } catch {
      return "";
    }
  };
  return { binary, args: ["-p", `${dir}/`, "-e", errorLog, "-c", configFile], configFile, errorLog, readErrorLog };
}

/** `nginx -t` on `site` run from `dir`: resolves with nginx's report, or throws it. Binds nothing. */
export async function testNginxConfig(dir: string, site: string): Promise<string> {
  return check(prepare(dir, site));
}

async function check({ binary, args, configFile, readErrorLog }: Prepared): Promise<string> {
  const test = startChild(binary, [...args, "-t"], { stdio: ["ignore", "ignore", "pipe"] });
  const output: string[] = [];
  test.child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const { code } = await test.exited;
  if (code !== 0) throw new Error(`nginx refused the config ${configFile}:\n${output.join("")}${readErrorLog()}`);
  return output.join("");
}

/**
 * Run nginx in the foreground on `site` (an `http {}`-level config from
 * renderNginxSite), everything in `dir`, so it never touches /etc/nginx or
 * /var/lib/nginx; `daemon off` keeps the master our child, stopped by its
 * pid. Resolves once the config passed `nginx -t` and the master is spawned;
 * it listens right after.
 */
export async function startNginx(dir: string, site: string): Promise<RunningNginx> {
  const prepared = prepare(dir, site);
  await check(prepared);
  const nginx = startChild(prepared.binary, [...prepared.args, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const { configFile, errorLog, readErrorLog } = prepared;
  return Object.assign(nginx, { configFile, errorLog, readErrorLog });
}
