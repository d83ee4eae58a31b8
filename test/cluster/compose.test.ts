import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMPOSE_SITE, renderNginxSite } from "../../scripts/cluster/nginxConfig.ts";
import { checkServerEnv } from "../helpers/deployEnv.ts";

/**
 * deploy/docker without Docker: there is no daemon (nor compose plugin) on
 * this machine, so the image is not built and the stack not started here.
 * What can be checked is: compose.yaml parses (merge keys and all), every game
 * service's environment, interpolated as compose would, is a configuration
 * the server's own parseConfig accepts with only documented names, and the
 * services, the nginx config and the Dockerfile agree with each other.
 */
const DOCKER_DIR = new URL("../../deploy/docker/", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: unknown;
  stop_grace_period?: string;
  networks?: string[] | Record<string, { ipv4_address?: string }>;
}
const compose = parse(readFileSync(path.join(DOCKER_DIR, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const games = Object.entries(compose.services).filter(([name]) => name.startsWith("tickwire-"));

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` against `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?:(:-|:\?)([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    const set = vars[name];
    if (set !== undefined && set !== "") return set;
    if (op === ":-") return arg ?? "";
    throw new Error(`compose would refuse to start: ${name} is unset (${arg ?? "required"})`);
  });
}

const VARS = { AUTH_SECRET: "x".repeat(48), PUBLIC_HOST: "play.example.com" };
const envOf = (service: ComposeService, vars: Record<string, string> = VARS) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));

describe("deploy/docker/compose.yaml", () => {
  it("runs redis, three game processes and nginx", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["nginx", "redis", "tickwire-1", "tickwire-2", "tickwire-3"]);
  });

  it("gives each game service a configuration the server accepts: Redis, its own port and PUBLIC_ADDRESS, the shared secret", () => {
    const seen = new Set<string>();
    for (const [name, service] of games) {
      const config = checkServerEnv(envOf(service), name);
      expect(config.production, name).toBe(true);
      expect(config.cluster?.redisUrl, name).toBe("redis://redis:6379/0");
      expect(config.cluster?.publicAddress, name).toBe(`play.example.com/p${config.port}`);
      expect(config.auth.secret, name).toBe(VARS.AUTH_SECRET);
      expect(config.net.allowedOrigins, name).toEqual(["https://play.example.com"]);
      expect(config.shutdownTimeoutSeconds).toBeLessThan(Number.parseInt(service.stop_grace_period ?? "10", 10));
      expect(service.build, name).toEqual({ context: "../..", dockerfile: "deploy/docker/Dockerfile" });
      expect(service.depends_on?.redis?.condition).toBe("service_healthy");
      seen.add(`tickwire-${games.findIndex(([n]) => n === name) + 1}:${config.port}/p${config.port}`);
    }
    // nginx reaches each by its service name and port, under the prefix its PUBLIC_ADDRESS names.
    expect([...seen].sort()).toEqual(COMPOSE_SITE.processes.map((p) => `${p.address}/${p.prefix}`).sort());
  });

  it("refuses to start without AUTH_SECRET, and a typo in a variable name fails here", () => {
    expect(() => envOf(games[0]![1], { PUBLIC_HOST: "h" })).toThrow(/AUTH_SECRET is unset/);
    const typo = { ...games[0]![1], environment: { ...games[0]![1].environment, REDIS_URI: "redis://redis:6379" } };
    expect(() => checkServerEnv(envOf(typo), "typo")).toThrow(/REDIS_URI/);
  });

  it("trusts exactly nginx' fixed address for X-Forwarded-For", () => {
    const networks = compose.services.nginx!.networks as Record<string, { ipv4_address?: string }>;
    const address = networks.tickwire?.ipv4_address;
    for (const [name, service] of games) {
      expect(checkServerEnv(envOf(service), name).net.trustedProxies, name).toEqual([address]);
    }
  });

  it("mounts nginx.conf, the template rendered for these services (regenerate: node --import tsx scripts/render-nginx.ts --compose > deploy/docker/nginx.conf)", () => {
    expect(compose.services.nginx!.volumes).toContain("./nginx.conf:/etc/nginx/conf.d/default.conf:ro");
    expect(readFileSync(path.join(DOCKER_DIR, "nginx.conf"), "utf8")).toBe(renderNginxSite(COMPOSE_SITE));
  });
});

describe("deploy/docker/Dockerfile", () => {
  const dockerfile = readFileSync(path.join(DOCKER_DIR, "Dockerfile"), "utf8");

  it("copies only files that exist, and everything `npm run build` reads", () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(" "));
    for (const file of copied) expect(existsSync(path.join(REPO, file)), file).toBe(true);
    const build = readFileSync(path.join(REPO, "tsconfig.build.json"), "utf8");
    for (const dir of (JSON.parse(build) as { include: string[] }).include) expect(copied).toContain(dir);
    expect(copied).toEqual(expect.arrayContaining(["client", "vite.config.ts", "tsconfig.json", "package-lock.json"]));
  });

  it("runs the built entry as the unprivileged node user, on node 22, with production dependencies, SIGTERM and a /health check", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^\nFROM node:22-/);
    expect(runtime).toContain("USER node");
    expect(runtime).toContain("STOPSIGNAL SIGTERM");
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    expect(runtime).toContain('CMD ["node", "dist/server/index.js"]');
    expect(dockerfile).toContain("npm ci --omit=dev");
  });
});
