import { readFileSync } from "node:fs";
import { checkProcesses, prefixForPort, type ProxiedProcess } from "./nginxConfig.ts";
import { renderTemplate } from "./template.ts";

/** deploy/haproxy/tickwire.cfg.template: the one HAProxy config the deploy example, `npm run cluster` and the tests share. */
export const HAPROXY_TEMPLATE = new URL("../../deploy/haproxy/tickwire.cfg.template", import.meta.url).pathname;

/** The round-robin backend every `/` request goes to (its servers are named by prefix). */
export const HAPROXY_SHARED_BACKEND = "tickwire_processes";

export interface HaproxyConfigOptions {
  processes: readonly ProxiedProcess[];
  /** HAProxy `bind` address: `:443`, `127.0.0.1:8443`. */
  listen: string;
  /** TLS termination (`wss://`): ONE PEM file holding the certificate chain and its key (HAProxy's `crt`). */
  tlsPem?: string;
  /** A second `bind` that redirects plain HTTP to https (TLS only): `:80`. */
  httpRedirectListen?: string;
  /** Where the log goes (`log <target> local0 info`): `/dev/log` (syslog, the default) or `stdout format raw`. */
  logTarget?: string;
  /** Debian's package layout: chroot /var/lib/haproxy, drop to user/group haproxy. */
  system?: boolean;
  /** An admin socket (`show stat`, `disable server`): the launcher reads server states from it. */
  statsSocket?: string;
}

/** A whole haproxy.cfg: what deploy/haproxy/tickwire.cfg holds, for these processes. */
export function renderHaproxyConfig(options: HaproxyConfigOptions): string {
  checkProcesses("haproxy", options.processes);
  return renderTemplate(readFileSync(HAPROXY_TEMPLATE, "utf8"), {
    processes: options.processes.map((p) => ({ address: p.address, prefix: p.prefix })),
    listen: options.listen,
    tls: options.tlsPem !== undefined,
    ssl_crt: options.tlsPem,
    http_redirect_listen: options.tlsPem === undefined ? undefined : options.httpRedirectListen,
    log_target: options.logTarget ?? "/dev/log",
    system: options.system === true,
    stats_socket: options.statsSocket,
  });
}

/** What deploy/haproxy/tickwire.cfg is rendered from: three processes on one machine, TLS, Debian's layout. */
export const EXAMPLE_HAPROXY: HaproxyConfigOptions = {
  processes: [2567, 2568, 2569].map((port) => ({ address: `127.0.0.1:${port}`, prefix: prefixForPort(port) })),
  listen: ":443",
  tlsPem: "/etc/haproxy/certs/play.example.com.pem",
  httpRedirectListen: ":80",
  system: true,
  statsSocket: "/run/haproxy/admin.sock",
};
