/**
 * The entry price of the held leg (strategy-spec section 2): the average cost per contract
 * rounded up to a whole tick, or, while no cost is known, the price of the last fill on
 * that leg.
 */
import type { FillEvent } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';
import { inventoryOn } from './legs.js';

/**
 * ceil(cost / contracts) in cents. With cost in ten-thousandths of a dollar (1 cent = 100)
 * and the position in hundredths of a contract (1 contract = 100), the scales cancel:
 * cents per contract = costE4 / |positionHundredths|. Exact integer arithmetic.
 */
export function averageCostTicks(costE4: number, positionHundredths: number): number {
  const contracts = BigInt(Math.abs(positionHundredths));
  return Number((BigInt(costE4) + contracts - 1n) / contracts);
}

/** The leg a fill added to and its price on that leg (a NO fill's NO price is 100 - YES price). */
export function fillPriceOnLeg(fill: FillEvent): { readonly leg: Side; readonly price: number } {
  return { leg: fill.side, price: fill.side === 'yes' ? fill.yesPrice : 100 - fill.yesPrice };
}

/**
 * Entry of leg L, or undefined when L is not held or nothing tells its price. A cost of zero
 * or below is treated as unknown (it cannot be an average price paid).
 */
export function entryPrice(leg: Side, position: number, costE4: number | undefined, lastFillPrice: number | undefined): number | undefined {
  if (inventoryOn(leg, position) === 0) return undefined;
  if (costE4 !== undefined && costE4 > 0) return averageCostTicks(costE4, position);
  return lastFillPrice;
}
