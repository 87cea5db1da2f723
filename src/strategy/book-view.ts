/**
 * What the maker reads from an order book. `OrderBook` satisfies it; tests may pass any
 * object with the same shape.
 */
import type { BestLevel } from '../book/order-book.js';
import type { Side } from '../protocol/wire.js';

export interface BookView {
  /** true until the first snapshot and from a gap or refused delta until the next snapshot */
  readonly stale: boolean;
  readonly hasSnapshot: boolean;
  /** grows by one per snapshot applied; tells a fresh snapshot from the book the maker saw before */
  readonly snapshotCount: number;
  bestBid(side: Side): BestLevel | undefined;
  /** 100 - best YES bid - best NO bid; undefined when a ladder is empty */
  spread(): number | undefined;
}
