/**
 * Render deploy/nginx/tickwire.conf.template for your processes:
 *
 *   node --import tsx scripts/render-nginx.ts --server-name play.example.com \
 *     --cert /etc/letsencrypt/live/play.example.com/fullchain.pem \
 *     --key /etc/letsencrypt/live/play.example.com/privkey.pem \
 *     --process 10.0.0.11:2567 --process 10.0.0.12:2567=b2567 > /etc/nginx/conf.d/tickwire.conf
 *
 * `--process host:port[=prefix]` (prefix defaults to p<port>; it must be unique). Without --cert/--key the
 * site is plain HTTP (a TLS-terminating balancer in front). With no argument it prints the example that
 * deploy/nginx/tickwire.conf holds (test/cluster/deployConfig.test.ts keeps the two equal); with only --compose,
 * the one deploy/docker/nginx.conf holds (test/cluster/compose.test.ts).
 */
import { parseArgs } from "node:util";
import { COMPOSE_SITE, EXAMPLE_SITE, parseProcessSpec, renderNginxSite } from "./cluster/nginxConfig.ts";

const { values } = parseArgs({
  options: {
    process: { type: "string", multiple: true },
    "server-name": { type: "string" },
    listen: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    "http-redirect": { type: "string" },
    compose: { type: "boolean" },
  },
});

if (Object.keys(values).length === 0) {
  process.stdout.write(renderNginxSite(EXAMPLE_SITE));
} else if (values.compose === true) {
  process.stdout.write(renderNginxSite(COMPOSE_SITE));
} else {
  const processes = (values.process ?? []).map(parseProcessSpec);
  const tls =
    values.cert !== undefined && values.key !== undefined ? { certificate: values.cert, key: values.key } : undefined;
  process.stdout.write(
    renderNginxSite({
      processes,
      serverName: values["server-name"],
      listen: values.listen ?? (tls === undefined ? "80" : "443"),
      tls,
      httpRedirectListen: values["http-redirect"] ?? (tls === undefined ? undefined : "80"),
    }),
  );
}
