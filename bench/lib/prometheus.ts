/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** A scrape of `GET /metrics`, read the way PromQL would. */
export class Scrape {
  readonly samples: Sample[] = [];

  constructor(
    text: string,
    /** When it was taken (ms, performance.now()). */
    readonly at: number,
  ) {
    for (const line of text.split("\n")) {
      if (line.startsWith("#")) continue;
      const match = LINE.exec(line);
      if (match === null) continue;
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key as string] = value as string;
      this.samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
    }
  }

  /** Sum of every series of `name` whose labels include `match`. */
  value(name: string, match: Record<string, string> = {}): number {
    let total = 0;
    for (const s of this.samples) if (s.name === name && matches(s.labels, match)) total += s.value;
    return total;
  }

  /** Cumulative bucket counts of histogram `name` (series matching `match` summed), by upper bound. */
  buckets(name: string, match: Record<string, string> = {}): Map<number, number> {
    const byBound = new Map<number, number>();
    for (const s of this.samples) {
      if (s.name !== `${name}_bucket` || !matches(s.labels, match)) continue;
      const bound = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
    }
    return byBound;
  }
}

function matches(labels: Record<string, string>, match: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(match)) if (labels[k] !== v) return false;
  return true;
}

/** Counter increase between two scrapes. */
export function increase(before: Scrape, after: Scrape, name: string, match: Record<string, string> = {}): number {
  return after.value(name, match) - before.value(name, match);
}

/**
 * Quantile of what histogram `name` observed between two scrapes, interpolated
 * linearly inside the bucket as PromQL's histogram_quantile does. NaN when
 * nothing was observed; the last finite bound when the quantile falls in +Inf.
 */
export function histogramQuantile(
  before: Scrape,
  after: Scrape,
  name: string,
  q: number,
  match: Record<string, string> = {},
): number {
  const start = before.buckets(name, match);
  const end = [...after.buckets(name, match)].sort(([a], [b]) => a - b);
  const counts = end.map(([bound, count]) => [bound, count - (start.get(bound) ?? 0)] as const);
  const total = counts.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of counts) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

export async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return new Scrape(await response.text(), performance.now());
}
