import { describe, expect, it } from "vitest";
import { Scrape, histogramQuantile, increase } from "../../bench/lib/prometheus.ts";

const histogram = (counts: Record<string, number>, room = "arena") =>
  Object.entries(counts)
    .map(([le, n]) => `tickwire_tick_duration_seconds_bucket{le="${le}",room="${room}"} ${n}`)
    .join("\n");

describe("the bench's reading of /metrics", () => {
  it("sums series by name and label subset, and takes counter increases", () => {
    const before = new Scrape(
      '# HELP x\ntickwire_clients{room="arena"} 3\ntickwire_clients{room="world"} 4\nprocess_cpu_seconds_total 1.5',
      0,
    );
    const after = new Scrape('tickwire_clients{room="arena"} 5\nprocess_cpu_seconds_total 2.25', 1000);
    expect(before.value("tickwire_clients")).toBe(7);
    expect(before.value("tickwire_clients", { room: "world" })).toBe(4);
    expect(increase(before, after, "process_cpu_seconds_total")).toBe(0.75);
  });

  it("interpolates quantiles inside buckets over the window only, as histogram_quantile does", () => {
    // Before the window: 100 fast observations that must not count.
    const before = new Scrape(histogram({ "0.001": 100, "0.002": 100, "0.004": 100, "+Inf": 100 }), 0);
    // In the window: 50 in (0, 1 ms], 40 in (1, 2 ms], 10 in (2, 4 ms].
    const after = new Scrape(histogram({ "0.001": 150, "0.002": 190, "0.004": 200, "+Inf": 200 }), 1000);
    const q = (p: number) => histogramQuantile(before, after, "tickwire_tick_duration_seconds", p);
    expect(q(0.5)).toBeCloseTo(0.001);
    expect(q(0.7)).toBeCloseTo(0.0015);
    expect(q(0.95)).toBeCloseTo(0.003);
    expect(q(1)).toBeCloseTo(0.004);
  });

  it("answers NaN for an empty window and the last finite bound for the +Inf bucket", () => {
    const same = new Scrape(histogram({ "0.001": 1, "+Inf": 1 }), 0);
    expect(histogramQuantile(same, same, "tickwire_tick_duration_seconds", 0.5)).toBeNaN();
    const after = new Scrape(histogram({ "0.001": 1, "+Inf": 3 }), 1);
    expect(histogramQuantile(same, after, "tickwire_tick_duration_seconds", 0.99)).toBe(0.001);
  });
});
