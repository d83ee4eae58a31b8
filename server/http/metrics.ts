import { createHash, timingSafeEqual } from "node:crypto";
import type { Application } from "express";
import type { Registry } from "prom-client";

/**
 * GET /metrics: Prometheus text exposition of this app's registry.
 *
 * With `token` (METRICS_TOKEN) set, a scrape must send
 * `Authorization: Bearer <token>`; anything else gets 401. Without it the
 * endpoint is open, and an open /metrics is not only readable by anyone:
 * every scrape resets the event-loop delay window
 * (`tickwire_event_loop_delay_seconds` covers "since the previous scrape"),
 * so a stranger scraping often can hide the spikes an operator looks for.
 */
export function mountMetrics(app: Application, registry: Registry, token: string | undefined): void {
  app.get("/metrics", async (req, res) => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.status(401).set("www-authenticate", 'Bearer realm="metrics"').json({ error: "unauthorized" });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
}

/**
 * Constant-time check of `Authorization: Bearer <expected>`. Both sides are
 * hashed first, so the comparison takes the same time whatever the length or
 * the first differing byte of what was sent.
 */
function bearerMatches(header: string | undefined, expected: string): boolean {
  const sent = /^Bearer (.*)$/i.exec(header ?? "")?.[1];
  if (sent === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}
