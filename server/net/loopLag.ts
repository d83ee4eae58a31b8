import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/**
 * Sampling interval of the probe. monitorEventLoopDelay records the whole
 * interval between two samples (an idle loop reads ~10.1 ms at resolution
 * 10), so the delay reported subtracts it: an idle loop reads ~0.
 */
const RESOLUTION_MS = 10;

/**
 * The event loop's delay, read and reset by one owner (the cost sweep,
 * colyseus/costCutter.ts). Its own histogram, apart from the one /metrics
 * reports (server/metrics/Metrics.ts), which every scrape resets.
 */
export class LoopLagProbe {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** The p99 delay since the previous call, in ms (0 with no sample yet), and start a new window. */
  take(): number {
    const { histogram } = this;
    const p99 = histogram.count === 0 ? 0 : Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS);
    histogram.reset();
    return p99;
  }

  close(): void {
    this.histogram.disable();
  }
}
