/**
 * When the maker's orders really rest on the exchange (paper or live trading), the feed's
 * book contains them. Joining or improving on its own bid would make the maker chase itself
 * one tick at a time, and its own bids would cross its own exits. So the maker decides on the
 * book as others see it: its own resting size is taken off each level it rests on.
 *
 * Own orders on the ladders: an entry bid on leg L rests on L's ladder at its price; an exit
 * selling leg L at p is, on Kalshi's bids-only book, a bid on the other leg at 100 - p.
 * The amount taken off a level is capped at the level's size, so an order still in flight
 * (announced, not yet in the book) never hides more than is there.
 */
import type { BestLevel } from '../book/order-book.js';
import type { Level } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';
import type { BookView } from './book-view.js';
import { LEGS, otherLeg } from './legs.js';
import type { RestingOrder } from './resting-order.js';

export interface OwnLevel {
  readonly side: Side;
  readonly price: number;
  readonly size: number;
}

/** The book queries the own-order view needs on top of BookView. */
export interface LadderBook extends BookView {
  topLevels(side: Side, count: number): Level[];
}

/** Where the maker's announced orders sit on the two bid ladders. */
export function ownLevels(
  bids: Readonly<Record<Side, RestingOrder | undefined>>,
  exits: Readonly<Record<Side, RestingOrder | undefined>>,
): OwnLevel[] {
  const out: OwnLevel[] = [];
  for (const leg of LEGS) {
    const bid = bids[leg];
    if (bid) out.push({ side: leg, price: bid.price, size: bid.size });
    const exit = exits[leg];
    if (exit) out.push({ side: otherLeg(leg), price: 100 - exit.price, size: exit.size });
  }
  return out;
}

/** A read-only view of `book` with `own` taken off the levels it rests on. */
export function excludingOwn(book: LadderBook, own: readonly OwnLevel[]): BookView {
  if (own.length === 0) return book;
  const ownAt = (side: Side, price: number): number =>
    own.reduce((sum, level) => (level.side === side && level.price === price ? sum + level.size : sum), 0);
  const bestBid = (side: Side): BestLevel | undefined => {
    // at most own.length levels can be hidden entirely, so that many + 1 levels suffice
    for (const [price, size] of book.topLevels(side, own.length + 1)) {
      const others = size - Math.min(size, ownAt(side, price));
      if (others > 0) return { price, size: others };
    }
    return undefined;
  };
  return {
    get stale() {
      return book.stale;
    },
    get hasSnapshot() {
      return book.hasSnapshot;
    },
    get snapshotCount() {
      return book.snapshotCount;
    },
    bestBid,
    spread(): number | undefined {
      const yes = bestBid('yes');
      const no = bestBid('no');
      return yes && no ? 100 - yes.price - no.price : undefined;
    },
  };
}
