/**
 * The order book of one market: two ladders of bids (YES and NO), each an array indexed by
 * price in ticks (0..100) holding the resting size in hundredths of a contract.
 *
 * - A snapshot replaces both ladders and makes the book trusted again.
 * - A delta adds its signed size to one level. A delta the book cannot apply exactly
 *   (no snapshot yet, another ticker, a seq that does not move forward, a level driven
 *   below zero, a malformed price or size) is refused: the ladders keep their state from
 *   before it, and the book is marked stale with the reason. It stays stale until the
 *   next snapshot, so a corrupt book is never presented as trusted.
 * - Best bids are kept as an index per side: O(1) to read, O(1) to raise, and a downward
 *   scan over at most 100 slots when the best level empties.
 *
 * Pure: no I/O, no timers, no clock reads.
 */
import type { BookDelta, BookSnapshot, Level } from '../protocol/decode.js';
import { hundredthsToCount } from '../protocol/fixed.js';
import type { Side } from '../protocol/wire.js';
import { BOOK_STALE_REASONS } from './stale-reasons.js';

/** A price level as read from the book: price in ticks, size in hundredths of a contract. */
export interface BestLevel {
  readonly price: number;
  readonly size: number;
}

const MIN_PRICE = 0;
const MAX_PRICE = 100;
const NO_LEVEL = -1;

function isPrice(price: unknown): price is number {
  return Number.isInteger(price) && (price as number) >= MIN_PRICE && (price as number) <= MAX_PRICE;
}

class Ladder {
  /** size in hundredths per price in ticks; 0 = no level */
  private readonly sizes = new Float64Array(MAX_PRICE + 1);
  private bestIndex = NO_LEVEL;

  clear(): void {
    this.sizes.fill(0);
    this.bestIndex = NO_LEVEL;
  }

  sizeAt(price: number): number {
    return isPrice(price) ? this.sizes[price]! : 0;
  }

  /** Sets a level to a size >= 0 (0 removes it) and keeps the best index right. */
  set(price: number, size: number): void {
    this.sizes[price] = size;
    if (size > 0) {
      if (price > this.bestIndex) this.bestIndex = price;
    } else if (price === this.bestIndex) {
      let index = price - 1;
      while (index >= MIN_PRICE && this.sizes[index] === 0) index -= 1;
      this.bestIndex = index;
    }
  }

  best(): BestLevel | undefined {
    return this.bestIndex === NO_LEVEL ? undefined : { price: this.bestIndex, size: this.sizes[this.bestIndex]! };
  }

  /** Levels best (highest price) first, at most `count` of them. */
  topLevels(count: number): Level[] {
    const levels: Level[] = [];
    for (let price = this.bestIndex; price >= MIN_PRICE && levels.length < count; price -= 1) {
      const size = this.sizes[price]!;
      if (size > 0) levels.push([price, size]);
    }
    return levels;
  }

  /** Every level in ascending price order, like the wire. */
  ascending(): Level[] {
    const levels: Level[] = [];
    for (let price = MIN_PRICE; price <= this.bestIndex; price += 1) {
      const size = this.sizes[price]!;
      if (size > 0) levels.push([price, size]);
    }
    return levels;
  }
}

export class OrderBook {
  private readonly ladders: Readonly<Record<Side, Ladder>> = { yes: new Ladder(), no: new Ladder() };
  private staleBecause: string | undefined = BOOK_STALE_REASONS.noSnapshot;
  private snapshotsApplied = 0;
  private lastAppliedSeq: number | undefined;

  constructor(readonly ticker: string) {}

  /** Replaces both ladders (levels with size <= 0 are dropped) and clears any stale mark. */
  applySnapshot(snapshot: BookSnapshot, seq?: number): void {
    if (snapshot.ticker !== this.ticker) {
      this.markStale(`${BOOK_STALE_REASONS.otherTicker}: snapshot for ${snapshot.ticker}`);
      return;
    }
    const problem = this.snapshotProblem(snapshot);
    if (problem !== undefined) {
      this.ladders.yes.clear();
      this.ladders.no.clear();
      this.markStale(`${BOOK_STALE_REASONS.badSnapshot}: ${problem}`);
      return;
    }
    for (const side of ['yes', 'no'] as const) {
      const ladder = this.ladders[side];
      ladder.clear();
      for (const [price, size] of snapshot[side]) {
        if (size > 0) ladder.set(price, ladder.sizeAt(price) + size);
      }
    }
    this.staleBecause = undefined;
    this.snapshotsApplied += 1;
    this.lastAppliedSeq = seq;
  }

  /**
   * Adds a delta to one level. Returns false when the delta was refused; the book is then
   * stale and `staleReason` says why. A book that is already stale refuses every delta.
   */
  applyDelta(delta: BookDelta, seq?: number): boolean {
    const problem = this.deltaProblem(delta, seq);
    if (problem !== undefined) {
      this.markStale(problem);
      return false;
    }
    const ladder = this.ladders[delta.side];
    const size = ladder.sizeAt(delta.price) + delta.delta;
    if (size < 0) {
      this.markStale(`${BOOK_STALE_REASONS.levelNegative}: ${delta.side} ${delta.price} would be ${hundredthsToCount(size)}`);
      return false;
    }
    if (!Number.isSafeInteger(size)) {
      this.markStale(`${BOOK_STALE_REASONS.badDelta}: ${delta.side} ${delta.price} size out of range`);
      return false;
    }
    ladder.set(delta.price, size);
    if (seq !== undefined) this.lastAppliedSeq = seq;
    return true;
  }

  /**
   * Marks the book untrusted until the next snapshot. Once a snapshot was applied, the first
   * reason is kept (it is the root cause); before any snapshot the latest reason replaces
   * the placeholder.
   */
  markStale(reason: string): void {
    if (this.staleBecause === undefined || this.snapshotsApplied === 0) this.staleBecause = reason;
  }

  /** True before the first snapshot and from any refused delta or markStale until the next snapshot. */
  get stale(): boolean {
    return this.staleBecause !== undefined;
  }

  get staleReason(): string | undefined {
    return this.staleBecause;
  }

  get hasSnapshot(): boolean {
    return this.snapshotsApplied > 0;
  }

  /** How many snapshots this book has applied; lets a reader tell a fresh snapshot from an old one. */
  get snapshotCount(): number {
    return this.snapshotsApplied;
  }

  get lastSeq(): number | undefined {
    return this.lastAppliedSeq;
  }

  bestBid(side: Side): BestLevel | undefined {
    return this.ladders[side].best();
  }

  /** The YES ask implied by the best NO bid: 100 - bN, with that NO level's size. */
  yesAsk(): BestLevel | undefined {
    return this.impliedAsk('no');
  }

  /** The NO ask implied by the best YES bid: 100 - bY, with that YES level's size. */
  noAsk(): BestLevel | undefined {
    return this.impliedAsk('yes');
  }

  /** 100 - bY - bN; zero or negative on a locked or crossed book; undefined if a ladder is empty. */
  spread(): number | undefined {
    const yes = this.ladders.yes.best();
    const no = this.ladders.no.best();
    return yes === undefined || no === undefined ? undefined : MAX_PRICE - yes.price - no.price;
  }

  topLevels(side: Side, count: number): Level[] {
    return this.ladders[side].topLevels(count);
  }

  sizeAt(side: Side, price: number): number {
    return this.ladders[side].sizeAt(price);
  }

  /** A YES bid and a NO bid that add up to 100 or more would trade with each other. */
  isCrossed(): boolean {
    const spread = this.spread();
    return spread !== undefined && spread <= 0;
  }

  toSnapshot(): BookSnapshot {
    return { ticker: this.ticker, yes: this.ladders.yes.ascending(), no: this.ladders.no.ascending() };
  }

  private impliedAsk(bidSide: Side): BestLevel | undefined {
    const best = this.ladders[bidSide].best();
    return best === undefined ? undefined : { price: MAX_PRICE - best.price, size: best.size };
  }

  private snapshotProblem(snapshot: BookSnapshot): string | undefined {
    for (const side of ['yes', 'no'] as const) {
      const levels: unknown = snapshot[side];
      if (!Array.isArray(levels)) return `${side} levels are not an array`;
      for (const level of levels as unknown[]) {
        if (!Array.isArray(level) || !isPrice(level[0]) || !Number.isSafeInteger(level[1])) {
          return `${side} level ${JSON.stringify(level)} is not [ticks 0..100, integer hundredths]`;
        }
      }
    }
    return undefined;
  }

  private deltaProblem(delta: BookDelta, seq: number | undefined): string | undefined {
    if (this.snapshotsApplied === 0) return BOOK_STALE_REASONS.deltaBeforeSnapshot;
    if (this.staleBecause !== undefined) return this.staleBecause;
    if (delta.ticker !== this.ticker) return `${BOOK_STALE_REASONS.otherTicker}: delta for ${delta.ticker}`;
    if (seq !== undefined && this.lastAppliedSeq !== undefined && seq <= this.lastAppliedSeq) {
      return `${BOOK_STALE_REASONS.seqBackwards}: ${seq} after ${this.lastAppliedSeq}`;
    }
    if (delta.side !== 'yes' && delta.side !== 'no') {
      return `${BOOK_STALE_REASONS.badDelta}: side ${JSON.stringify(delta.side)}`;
    }
    if (!isPrice(delta.price)) return `${BOOK_STALE_REASONS.badDelta}: price ${JSON.stringify(delta.price)}`;
    if (!Number.isSafeInteger(delta.delta)) {
      return `${BOOK_STALE_REASONS.badDelta}: size ${JSON.stringify(delta.delta)}`;
    }
    return undefined;
  }
}
