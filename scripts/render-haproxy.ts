/**
 * Render deploy/haproxy/tickwire.cfg.template for your processes:
 *
 *   node --import tsx scripts/render-haproxy.ts \
 *     --crt /etc/haproxy/certs/play.example.com.pem \
 *     --process 10.0.0.11:2567 --process 10.0.0.12:2567=b2567 > /etc/haproxy/haproxy.cfg
 *
 * `--process host:port[=prefix]` (prefix defaults to p<port>; it must be unique). `--crt` is ONE PEM with the
 * certificate chain and its key (`cat fullchain.pem privkey.pem > …`); without it the frontend is plain HTTP (a
 * TLS-terminating balancer in front). The output uses Debian's layout (chroot, user haproxy, /dev/log, admin socket
 * in /run/haproxy). With no argument it prints the example that deploy/haproxy/tickwire.cfg holds
 * (test/cluster/deployConfig.test.ts keeps the two equal).
 */
import { parseArgs } from "node:util";
import { EXAMPLE_HAPROXY, renderHaproxyConfig } from "./cluster/haproxyConfig.ts";
import { parseProcessSpec } from "./cluster/nginxConfig.ts";

const { values } = parseArgs({
  options: {
    process: { type: "string", multiple: true },
    listen: { type: "string" },
    crt: { type: "string" },
    "http-redirect": { type: "string" },
  },
});

if (Object.keys(values).length === 0) {
  process.stdout.write(renderHaproxyConfig(EXAMPLE_HAPROXY));
} else {
  const processes = (values.process ?? []).map(parseProcessSpec);
  const tlsPem = values.crt;
  process.stdout.write(
    renderHaproxyConfig({
      ...EXAMPLE_HAPROXY,
      processes,
      listen: values.listen ?? (tlsPem === undefined ? ":80" : ":443"),
      tlsPem,
      httpRedirectListen: values["http-redirect"] ?? (tlsPem === undefined ? undefined : ":80"),
    }),
  );
}
