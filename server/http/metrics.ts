import type { Application } from "express";
import type { Registry } from "prom-client";

/** GET /metrics: Prometheus text exposition of this app's registry. */
export function mountMetrics(app: Application, registry: Registry): void {
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
