/**
 * Counts bad or unexpected frames by class and logs them with the raw frame (truncated).
 * Every class is logged in full for its first `logFirst` occurrences, then once per
 * `logEvery`, so a server that floods garbage cannot flood the log; the counts stay exact.
 */
import { truncateFrame, type EventSink } from '../log/runtime-event.js';

export type AnomalyClass =
  'malformed_frame' | 'unknown_type' | 'unowned_ticker' | 'missing_sequence' | 'duplicate_sequence' | 'error_reply' | 'actor_unavailable' | 'handler_failed';

export class AnomalyLog {
  private readonly counts = new Map<AnomalyClass, number>();

  constructor(
    private readonly sink: EventSink,
    private readonly logFirst = 20,
    private readonly logEvery = 1000,
  ) {}

  record(anomaly: AnomalyClass, detail: string, rawFrame?: string, ticker?: string): void {
    const count = (this.counts.get(anomaly) ?? 0) + 1;
    this.counts.set(anomaly, count);
    if (count > this.logFirst && count % this.logEvery !== 0) return;
    this.sink({
      level: anomaly === 'duplicate_sequence' ? 'debug' : 'warn',
      kind: anomaly,
      message: count > this.logFirst ? `${detail} (${count} so far)` : detail,
      ...(ticker !== undefined ? { ticker } : {}),
      data: { count, ...(rawFrame !== undefined ? { frame: truncateFrame(rawFrame) } : {}) },
    });
  }

  totals(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.counts);
  }
}
