/**
 * The exit ask of one leg (strategy-spec section 5): while leg L is held, one post-only ask
 * selling L at max(entry + take_profit, bL + 1), capped at 99, of size min(exit_size, inv_L).
 * bL is the highest bid on leg L, the maker's own entry bid included: an improved entry bid
 * sits one tick above the book, and an exit at or below it would trade with it.
 * Exits are never blocked by the inventory cap: they reduce it.
 */
import type { StrategyParams } from '../config/types.js';
import { MAX_ORDER_PRICE } from './order-prices.js';
import { contractsToHundredths } from './units.js';

/** take_profit: entry + take_profit; above_best_bid: bL + 1 was higher; price_cap: held to 99. */
export type ExitPriceReason = 'take_profit' | 'above_best_bid' | 'price_cap';
/**
 * flat: nothing held on the leg; entry_unknown: no position cost and no fill price yet;
 * would_cross: the highest bid is at 99, so every allowed ask would trade (post-only refuses it).
 */
export type ExitSkipReason = 'flat' | 'entry_unknown' | 'would_cross' | 'flatten';

export type ExitTarget =
  | { readonly kind: 'ask'; readonly price: number; readonly size: number; readonly reason: ExitPriceReason }
  | { readonly kind: 'none'; readonly reason: ExitSkipReason };

export function exitTarget(inventory: number, entry: number | undefined, highestBid: number | undefined, params: StrategyParams): ExitTarget {
  if (inventory <= 0) return { kind: 'none', reason: 'flat' };
  if (entry === undefined) return { kind: 'none', reason: 'entry_unknown' };
  const takeProfit = entry + params.take_profit;
  const aboveBid = highestBid === undefined ? takeProfit : highestBid + 1;
  const wanted = Math.max(takeProfit, aboveBid);
  const price = Math.min(wanted, MAX_ORDER_PRICE);
  if (highestBid !== undefined && price <= highestBid) return { kind: 'none', reason: 'would_cross' };
  const reason: ExitPriceReason = price < wanted ? 'price_cap' : takeProfit >= aboveBid ? 'take_profit' : 'above_best_bid';
  return { kind: 'ask', price, size: Math.min(contractsToHundredths(params.exit_size), inventory), reason };
}
