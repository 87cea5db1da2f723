/** Small numeric helpers for the bench. */

/** The q-quantile (0..1) of the values, nearest rank; NaN when there are none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

export interface Flatness {
  /** least-squares slope, units per minute */
  readonly slopePerMinute: number;
  /** the fitted change from the first sample to the last */
  readonly rise: number;
  readonly spanMinutes: number;
  readonly mean: number;
  /** what counts as noise: twice the residuals' standard deviation, at least 1% of the mean */
  readonly noise: number;
  /** the fitted rise is within the noise */
  readonly flat: boolean;
  readonly samples: number;
}

/**
 * Whether a series of (minute, value) is flat: the rise of its least-squares line over the
 * series is no more than the noise around that line (twice the residuals' standard
 * deviation, and never less than 1% of the mean). Undefined with fewer than 3 points.
 */
export function flatness(points: ReadonlyArray<readonly [number, number]>): Flatness | undefined {
  if (points.length < 3) return undefined;
  const perMinute = slope(points);
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const mean = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const residuals = points.map(([x, y]) => y - (mean + perMinute * (x - meanX)));
  const sd = Math.sqrt(residuals.reduce((sum, r) => sum + r * r, 0) / (n - 2));
  const spanMinutes = points.at(-1)![0] - points[0]![0];
  const rise = perMinute * spanMinutes;
  const noise = Math.max(2 * sd, 0.01 * mean);
  return { slopePerMinute: perMinute, rise, spanMinutes, mean, noise, flat: Math.abs(rise) <= noise, samples: n };
}
