import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every metric family an operator scrapes from `GET /metrics`, registered on a
 * registry owned by one app instance (tests boot several apps in one process;
 * the global default registry would refuse the second set of names).
 *
 * The benchmark reads its server-side figures from the same endpoint, so what
 * it reports is what an operator sees.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Connected clients, by room type. */
  readonly clients: Gauge<"room">;
  /** Live rooms, by room type. */
  readonly rooms: Gauge<"room">;
  /** Client frames received, by type: "input", "chat", "unknown", "join", "other". */
  readonly messagesReceived: Counter<"type">;
  /**
   * Client messages refused, by type and reason: a room's (`chat` empty, too_long…, any type
   * invalid_payload, `unknown` unknown_type) and the edge's (`frame`, `http`, `upgrade`: net/edgeRefusals.ts).
   */
  readonly messagesRejected: Counter<"type" | "reason">;
  /** 1 while the cluster's shared limits store (Redis) fails and the per-IP limits are held per process. */
  readonly sharedLimitsDegraded: Gauge;
  /** Admission decisions taken with the per-process limit because the shared store failed, by limit ("http", "connections"). */
  readonly sharedLimitsFallbacks: Counter<"limit">;
  /** Connections cut for their cost (server/net/connectionCost.ts), by reason: cpu, frames, queued_bytes, loop_lag. */
  readonly connectionsCut: Counter<"reason">;
  /** One fixed step (simulation plus interest update), by room type. */
  readonly tickDuration: Histogram<"room">;
  /** One broadcastPatch: encode (every view) and hand every frame to its socket, by room type. */
  readonly patchDuration: Histogram<"room">;
  /** Size of each state patch frame sent to one client, by room type. */
  readonly patchBytes: Histogram<"room">;
  /** Add sent bytes; summed in a plain number and flushed on scrape (the per-frame path stays a single add). */
  addBytesSent(bytes: number): void;
  /** Stop the event-loop monitor (the app is closing). */
  close(): void;
}

// Tick and patch durations: fine enough below 1 ms to tell p50 from p99, up to
// past one 50 ms tick so an overrun is visible.
const DURATION_BUCKETS = [
  0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015,
  0.02, 0.03, 0.05, 0.075, 0.1, 0.25,
];
const PATCH_BYTE_BUCKETS = [9, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536];

/**
 * Event-loop delay sampling interval. monitorEventLoopDelay records the whole
 * interval between two samples (an idle loop reads ~10.1 ms at resolution 10),
 * so the reported delay subtracts it: an idle loop reads ~0.
 */
const EVENT_LOOP_RESOLUTION_MS = 10;

export function createMetrics(): Metrics {
  const registry = new Registry();
  // process_cpu_seconds_total, process_resident_memory_bytes, heap, GC, handles...
  collectDefaultMetrics({ register: registry });
  // Not the runtime's version string: an open /metrics (METRICS_TOKEN unset) would hand it to anyone.
  registry.removeSingleMetric("nodejs_version_info");

  let bytesSentPending = 0;
  new Counter({
    name: "tickwire_bytes_sent_total",
    help: "Bytes handed to client sockets (WebSocket payloads: state, patches, messages).",
    registers: [registry],
    collect() {
      this.inc(bytesSentPending);
      bytesSentPending = 0;
    },
  });

  const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  loop.enable();
  new Gauge({
    name: "tickwire_event_loop_delay_seconds",
    help:
      "Event-loop delay quantiles since the previous scrape (monitorEventLoopDelay, " +
      `${EVENT_LOOP_RESOLUTION_MS} ms sampling, sampling interval subtracted; quantile 1 = max).`,
    labelNames: ["quantile"],
    registers: [registry],
    collect() {
      const lateness = (ns: number) => Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) / 1000;
      const empty = loop.count === 0;
      this.set({ quantile: "0.5" }, empty ? 0 : lateness(loop.percentile(50)));
      this.set({ quantile: "0.99" }, empty ? 0 : lateness(loop.percentile(99)));
      this.set({ quantile: "1" }, empty ? 0 : lateness(loop.max));
      loop.reset();
    },
  });

  return {
    registry,
    clients: new Gauge({
      name: "tickwire_clients",
      help: "Connected clients.",
      labelNames: ["room"],
      registers: [registry],
    }),
    rooms: new Gauge({ name: "tickwire_rooms", help: "Live rooms.", labelNames: ["room"], registers: [registry] }),
    messagesReceived: new Counter({
      name: "tickwire_messages_received_total",
      help: "Client frames received, by type.",
      labelNames: ["type"],
      registers: [registry],
    }),
    messagesRejected: new Counter({
      name: "tickwire_messages_rejected_total",
      help: "Client messages refused, by type and reason (type frame/http/upgrade: refused at the edge).",
      labelNames: ["type", "reason"],
      registers: [registry],
    }),
    sharedLimitsDegraded: new Gauge({
      name: "tickwire_shared_limits_degraded",
      help: "1 while the shared limits store (Redis, cluster mode) fails: per-IP budget and connection cap held per process.",
      registers: [registry],
    }),
    sharedLimitsFallbacks: new Counter({
      name: "tickwire_shared_limits_fallbacks_total",
      help: "Admission decisions taken with the per-process limit because the shared limits store failed, by limit.",
      labelNames: ["limit"],
      registers: [registry],
    }),
    connectionsCut: new Counter({
      name: "tickwire_connections_cut_total",
      help: "Connections closed because they cost too much to serve, by reason (cpu, frames, queued_bytes, loop_lag).",
      labelNames: ["reason"],
      registers: [registry],
    }),
    tickDuration: new Histogram({
      name: "tickwire_tick_duration_seconds",
      help: "One fixed step: simulation plus interest update.",
      labelNames: ["room"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    patchDuration: new Histogram({
      name: "tickwire_patch_duration_seconds",
      help: "One state broadcast: encode for every view and hand each frame to its socket.",
      labelNames: ["room"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    patchBytes: new Histogram({
      name: "tickwire_patch_bytes",
      help: "Size of each state patch frame sent to one client.",
      labelNames: ["room"],
      buckets: PATCH_BYTE_BUCKETS,
      registers: [registry],
    }),
    addBytesSent(bytes) {
      bytesSentPending += bytes;
    },
    close() {
      loop.disable();
    },
  };
}

/**
 * Cluster mode only: `tickwire_redis_up`, 1 while this process can use Redis
 * and is registered in it (server/cluster/redisHealth.ts), read at each scrape.
 * Not registered for a single process, where there is no Redis to be down.
 */
export function meterRedis(metrics: Metrics, redis: { readonly up: boolean }): void {
  new Gauge({
    name: "tickwire_redis_up",
    help: "1 while Redis answers and this process is registered in it (cluster mode); 0 while matchmaking answers 503.",
    registers: [metrics.registry],
    collect() {
      this.set(redis.up ? 1 : 0);
    },
  });
}

/**
 * `tickwire_dispatch_top_ratio{scope}`: the heaviest connection's and client
 * IP's frame dispatch time per second of wall time (a share of one core,
 * decay-weighted over ~1 s), read at each scrape: how close the heaviest are
 * to MAX_DISPATCH_MS_PER_S and MAX_IP_DISPATCH_MS_PER_S.
 */
export function meterConnectionCosts(
  metrics: Metrics,
  costs: { top(now: number): { connectionMsPerS: number; ipMsPerS: number } },
  now: () => number,
): void {
  new Gauge({
    name: "tickwire_dispatch_top_ratio",
    help: "Frame dispatch time per second (share of one core) of the heaviest connection (scope=connection) and client IP (scope=ip).",
    labelNames: ["scope"],
    registers: [metrics.registry],
    collect() {
      const top = costs.top(now());
      this.set({ scope: "connection" }, top.connectionMsPerS / 1000);
      this.set({ scope: "ip" }, top.ipMsPerS / 1000);
    },
  });
}

/**
 * TLS only: `tickwire_tls_cert_expiry_seconds`, the notAfter of the
 * certificate new handshakes get (Unix seconds), read at each scrape so a
 * SIGHUP reload shows at once. Alert on `tickwire_tls_cert_expiry_seconds - time() < 14 * 86400`:
 * a renewal that did not happen, or was refused (the old certificate stays in use).
 */
export function meterTlsCertificate(metrics: Metrics, certificate: { readonly current: { expiresAt: number } }): void {
  new Gauge({
    name: "tickwire_tls_cert_expiry_seconds",
    help: "Expiry (notAfter, Unix seconds) of the TLS certificate in use (TLS_CERT_FILE; reloaded on SIGHUP).",
    registers: [metrics.registry],
    collect() {
      this.set(Math.floor(certificate.current.expiresAt / 1000));
    },
  });
}
