/**
 * The sum cushion (strategy-spec section 3, step 5): keep bid_yes + bid_no <= 100 - sum_cushion,
 * so that both bids filling can never lock in a loss (a YES and a NO contract together pay
 * exactly $1).
 */
import type { LegPair } from './legs.js';

/**
 * Lowers the two prices until their sum fits under the limit:
 * - holding YES (position > 0): all of the excess comes off YES, keeping the NO bid that
 *   reduces the position;
 * - holding NO (position < 0): all of it comes off NO;
 * - flat: one tick at a time off the currently higher price (YES on a tie).
 * A returned price may be below 1; the caller drops that leg.
 */
export function lowerForSumCushion(prices: LegPair<number>, position: number, sumCushion: number): LegPair<number> {
  const limit = 100 - sumCushion;
  const excess = prices.yes + prices.no - limit;
  if (excess <= 0) return prices;
  if (position > 0) return { yes: prices.yes - excess, no: prices.no };
  if (position < 0) return { yes: prices.yes, no: prices.no - excess };
  let { yes, no } = prices;
  while (yes + no > limit) {
    if (yes >= no) yes -= 1;
    else no -= 1;
  }
  return { yes, no };
}
