/**
 * Network figures for the HUD and net graph, computed from timestamps the
 * session reports. Pure: the clock is whatever `now` the caller passes, so it
 * is unit-tested without waiting.
 */
export interface NetSample {
  /** End of the one-second bucket, ms. */
  at: number;
  bytes: number;
  patches: number;
  /** Mean patch interval within the bucket, ms (0 when < 2 patches). */
  patchIntervalMs: number;
}

export interface NetSnapshot {
  bytesPerSecond: number;
  patchIntervalMs: number;
  rttMs: number | undefined;
  history: readonly NetSample[];
}

export class NetMetrics {
  private readonly history: NetSample[] = [];
  private bucketStart: number | undefined;
  private bucketBytes = 0;
  private bucketPatches = 0;
  private bucketIntervalSum = 0;
  private bucketIntervals = 0;
  private lastPatchAt: number | undefined;
  private rtt: number | undefined;

  constructor(private readonly keepSeconds = 60) {}

  /** Bytes of one received WebSocket frame. */
  received(bytes: number, now: number): void {
    this.roll(now);
    this.bucketBytes += bytes;
  }

  /** A state patch was applied. */
  patched(now: number): void {
    this.roll(now);
    if (this.lastPatchAt !== undefined) {
      this.bucketIntervalSum += now - this.lastPatchAt;
      this.bucketIntervals += 1;
    }
    this.lastPatchAt = now;
    this.bucketPatches += 1;
  }

  roundTrip(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.rtt = ms;
  }

  snapshot(now: number): NetSnapshot {
    this.roll(now);
    const last = this.history.at(-1);
    return {
      bytesPerSecond: last?.bytes ?? 0,
      patchIntervalMs: last?.patchIntervalMs ?? 0,
      rttMs: this.rtt,
      history: this.history,
    };
  }

  /** Close every whole second that has passed since the bucket opened. */
  private roll(now: number): void {
    if (this.bucketStart === undefined) {
      this.bucketStart = now;
      return;
    }
    while (now - this.bucketStart >= 1000) {
      this.bucketStart += 1000;
      this.history.push({
        at: this.bucketStart,
        bytes: this.bucketBytes,
        patches: this.bucketPatches,
        patchIntervalMs: this.bucketIntervals > 0 ? this.bucketIntervalSum / this.bucketIntervals : 0,
      });
      if (this.history.length > this.keepSeconds) this.history.shift();
      this.bucketBytes = 0;
      this.bucketPatches = 0;
      this.bucketIntervalSum = 0;
      this.bucketIntervals = 0;
    }
  }
}

export function formatBytesPerSecond(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B/s`;
  return `${(bytes / 1024).toFixed(1)} KiB/s`;
}
