/**
 * Decision latency: how long after the gateway received a frame the actor emitted the
 * intents it caused. Times are `sharedNowMs()` (src/clock/clock.ts: epoch ms with sub-ms precision), which
 * threads of one process can compare. Counts sit in fixed 10 µs buckets up to 20 ms and one
 * bucket beyond, so histograms from several actors, or taken at two moments, add and
 * subtract exactly; a quantile is reported as the upper edge of its bucket (at most 10 µs
 * above the true value).
 */
export const BUCKET_MS = 0.01;
export const BUCKETS = 2_000;

/** Non-empty buckets as [bucket, count] pairs (bucket BUCKETS holds everything from 20 ms up). */
export type LatencyBuckets = ReadonlyArray<readonly [number, number]>;

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS + 1);

  /** Counts `count` events of this latency (the intents of one step share it). */
  record(latencyMs: number, count = 1): void {
    const bucket = Math.min(BUCKETS, Math.max(0, Math.floor(latencyMs / BUCKET_MS)));
    this.#counts[bucket] = this.#counts[bucket]! + count;
  }

  buckets(): Array<[number, number]> {
    const pairs: Array<[number, number]> = [];
    this.#counts.forEach((count, bucket) => {
      if (count > 0) pairs.push([bucket, count]);
    });
    return pairs;
  }
}

/** Sums histograms; `minus` is taken away (a histogram taken earlier, to leave a warm-up out). */
export function combineBuckets(histograms: readonly LatencyBuckets[], minus: readonly LatencyBuckets[] = []): number[] {
  const counts = new Array<number>(BUCKETS + 1).fill(0);
  for (const pairs of histograms) for (const [bucket, count] of pairs) counts[bucket]! += count;
  for (const pairs of minus) for (const [bucket, count] of pairs) counts[bucket]! -= count;
  return counts;
}

/** The q-quantile (0..1) of a combined histogram, as its bucket's upper edge in ms; Infinity past 20 ms; undefined when empty. */
export function quantileMs(counts: readonly number[], q: number): number | undefined {
  const total = totalOf(counts);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket]!;
    if (seen >= rank) return bucket === BUCKETS ? Infinity : Number(((bucket + 1) * BUCKET_MS).toFixed(2));
  }
  return Infinity;
}

export function totalOf(counts: readonly number[]): number {
  return counts.reduce((sum, count) => sum + count, 0);
}
