/**
 * Sequence numbers per subscription id, for one connection (ws-v2.md section 6).
 *
 * - Scope is one sid: every frame carrying that sid and a seq counts, data and control
 *   replies alike (`ok`, `unsubscribed`, scoped `error`, `get_snapshot` snapshots).
 * - The first frame seen on a sid anchors the counter (do not assume it starts at 1).
 * - `seq <= last` is a duplicate or a regression: ignore the frame.
 * - `seq > last + 1` is a gap: the frame is accepted as the new anchor, and the caller
 *   resynchronises what the sid carries.
 * - sids restart on every connection: make a new tracker per connection.
 */

export type SequenceVerdict =
  | { readonly kind: 'anchored' }
  | { readonly kind: 'in_order' }
  | { readonly kind: 'duplicate'; readonly last: number }
  | { readonly kind: 'gap'; readonly expected: number; readonly received: number };

/** The verdicts that carry nothing but their kind: one object each, not one per frame. */
const ANCHORED: SequenceVerdict = Object.freeze({ kind: 'anchored' });
const IN_ORDER: SequenceVerdict = Object.freeze({ kind: 'in_order' });

export class SequenceTracker {
  private readonly lastBySid = new Map<number, number>();

  /** Checks and records one sequenced frame. */
  observe(sid: number, seq: number): SequenceVerdict {
    const last = this.lastBySid.get(sid);
    if (last === undefined) {
      this.lastBySid.set(sid, seq);
      return ANCHORED;
    }
    if (seq <= last) return { kind: 'duplicate', last };
    this.lastBySid.set(sid, seq);
    if (seq === last + 1) return IN_ORDER;
    return { kind: 'gap', expected: last + 1, received: seq };
  }

  /** Forgets a sid (unsubscribed, or killed by a terminal error). */
  forget(sid: number): void {
    this.lastBySid.delete(sid);
  }

  lastSeq(sid: number): number | undefined {
    return this.lastBySid.get(sid);
  }
}
