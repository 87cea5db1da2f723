/**
 * When the maker's orders really rest on the exchange (paper or live trading), the feed's
 * book contains them. Joining or improving on its own bid would make the maker chase itself
 * one tick at a time, and its own bids would cross its own exits. So the maker decides on the
 * book as others see it: its own resting size is taken off each level it rests on.
 *
 * Own orders on the ladders: an entry bid on leg L rests on L's ladder at its price; an exit
 * selling leg L at p is, on Kalshi's bids-only book, a bid on the other leg at 100 - p.
 *
 * What is taken off is what the exchange says rests, not what the maker announced: an
 * announced order may still be in flight, and a replaced one may still rest until its cancel
 * lands. Going by announcements would hide others' contracts at the new price and count the
 * old order as someone else's, and the maker would flip between two prices without end. So
 * the OwnOrderLedger follows the feed: deltas that carry this account's client_order_id
 * (its orders resting or being cancelled), and fills of its resting orders. The amount
 * taken off a level is also capped at the level's size.
 */
import type { BestLevel } from '../book/order-book.js';
import type { FillEvent, Level } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';
import type { BookView } from './book-view.js';
import { fillPriceOnLeg } from './entry-price.js';
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

/** The total size of `levels` at one price of one ladder. */
function sizeAt(levels: readonly OwnLevel[], side: Side, price: number): number {
  return levels.reduce((sum, level) => (level.side === side && level.price === price ? sum + level.size : sum), 0);
}

/** Where the maker's announced orders sit on the two bid ladders. */
export function ownLevels(bids: Readonly<Record<Side, RestingOrder | undefined>>, exits: Readonly<Record<Side, RestingOrder | undefined>>): OwnLevel[] {
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
  const bestBid = (side: Side): BestLevel | undefined => {
    // at most own.length levels can be hidden entirely, so that many + 1 levels suffice
    for (const [price, size] of book.topLevels(side, own.length + 1)) {
      const others = size - Math.min(size, sizeAt(own, side, price));
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

/**
 * This account's resting size per ladder level, as the exchange reports it. Pure; the actor
 * feeds it from the same stream as the book.
 */
export class OwnOrderLedger {
  private readonly sizes: Record<Side, Map<number, number>> = { yes: new Map(), no: new Map() };

  /** A delta caused by an own order: its order resting (+), or cancelled or taking liquidity (-). */
  applyOwnDelta(side: Side, price: number, delta: number): void {
    // taking liquidity removes others' size: never below zero
    this.set(side, price, Math.max((this.sizes[side].get(price) ?? 0) + delta, 0));
  }

  /** A fill of an own resting order takes that size off its level (the feed's delta for it is not annotated). */
  applyFill(fill: FillEvent): void {
    if (fill.isTaker === true) return;
    const { leg, price } = fillPriceOnLeg(fill);
    this.applyOwnDelta(leg, price, -fill.count);
  }

  /**
   * After a snapshot (a resync: deltas may have been missed), keep at each level no more than
   * the maker has announced there; what it cancelled while the feed was down is gone.
   */
  reconcile(announced: readonly OwnLevel[]): void {
    for (const side of LEGS) {
      for (const [price, size] of [...this.sizes[side]]) {
        this.set(side, price, Math.min(size, sizeAt(announced, side, price)));
      }
    }
  }

  levels(): OwnLevel[] {
    const out: OwnLevel[] = [];
    for (const side of LEGS) for (const [price, size] of this.sizes[side]) out.push({ side, price, size });
    return out;
  }

  private set(side: Side, price: number, size: number): void {
    if (size > 0) this.sizes[side].set(price, size);
    else this.sizes[side].delete(price);
  }
}
