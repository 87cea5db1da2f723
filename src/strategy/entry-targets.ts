/**
 * Entry-bid targets for both legs (strategy-spec section 3), as a pipeline of named stages:
 *
 *   complete book -> min spread -> join -> improve thin queues -> sum cushion
 *     -> inventory cap (and clipped size) -> order price bounds
 *
 * Every leg ends either with a bid (price, size and the stage that set the price) or with
 * no bid and the reason of the stage that removed it.
 */
import type { BestLevel } from '../book/order-book.js';
import type { StrategyParams } from '../config/types.js';
import type { Side } from '../protocol/wire.js';
import type { BookView } from './book-view.js';
import { lowerForSumCushion } from './cushion.js';
import { type LegPair, roomUnderCap } from './legs.js';
import { isOrderPrice } from './order-prices.js';
import { contractsToHundredths } from './units.js';

export type EntryPriceReason = 'join' | 'improve' | 'cushion';
export type EntrySkipReason = 'book_incomplete' | 'spread_too_narrow' | 'cushion' | 'inventory_cap' | 'price_bounds' | 'winding_down';

export type EntryTarget =
  | { readonly kind: 'bid'; readonly price: number; readonly size: number; readonly reason: EntryPriceReason }
  | { readonly kind: 'none'; readonly reason: EntrySkipReason };

function neither(reason: EntrySkipReason): LegPair<EntryTarget> {
  const none = { kind: 'none', reason } as const;
  return { yes: none, no: none };
}

/** Step 4: a leg improves by one tick when its best queue is thin and the spread leaves room. */
function improvesLeg(best: BestLevel, spread: number, params: StrategyParams): boolean {
  return params.improve && best.size < contractsToHundredths(params.thin_queue) && spread - 1 >= params.min_spread;
}

/** Steps 5-7 for one leg, after the cushion lowered the pair. */
function finishLeg(leg: Side, improved: number, cushioned: number, wasImproved: boolean, position: number, params: StrategyParams): EntryTarget {
  if (cushioned < 1 && cushioned < improved) return { kind: 'none', reason: 'cushion' };
  const room = roomUnderCap(leg, position, params);
  if (room === 0) return { kind: 'none', reason: 'inventory_cap' };
  if (!isOrderPrice(cushioned)) return { kind: 'none', reason: 'price_bounds' };
  const reason: EntryPriceReason = cushioned < improved ? 'cushion' : wasImproved ? 'improve' : 'join';
  return { kind: 'bid', price: cushioned, size: Math.min(contractsToHundredths(params.bid_size), room), reason };
}

export function entryTargets(book: BookView, position: number, params: StrategyParams): LegPair<EntryTarget> {
  const best = { yes: book.bestBid('yes'), no: book.bestBid('no') };
  const spread = book.spread();
  if (best.yes === undefined || best.no === undefined || spread === undefined) return neither('book_incomplete');
  if (spread < params.min_spread) return neither('spread_too_narrow');
  const improves = {
    yes: improvesLeg(best.yes, spread, params),
    no: improvesLeg(best.no, spread, params),
  };
  const improved = {
    yes: best.yes.price + (improves.yes ? 1 : 0),
    no: best.no.price + (improves.no ? 1 : 0),
  };
  const cushioned = lowerForSumCushion(improved, position, params.sum_cushion);
  const finish = (leg: Side): EntryTarget => finishLeg(leg, improved[leg], cushioned[leg], improves[leg], position, params);
  return { yes: finish('yes'), no: finish('no') };
}
