/**
 * The reduce-only prompt of one leg (strategy-spec section 6): while leg L is at the cap,
 * an IOC sell of min(reduce_step, inv_L) into the best bid on L, at most once per
 * quote_ttl_s. With no bid to sell into there is no prompt, and the next one goes out as
 * soon as a bid appears. Below the cap the rate-limit clock is forgotten.
 */
import type { BestLevel } from '../book/order-book.js';
import type { StrategyParams } from '../config/types.js';
import { isOrderPrice } from './order-prices.js';
import { contractsToHundredths, secondsToMs } from './units.js';

export interface ReduceOnlyDecision {
  readonly prompt?: { readonly price: number; readonly size: number };
  /** when the last prompt went out, if it still limits the next one */
  readonly lastPromptMs: number | undefined;
}

export function reduceOnlyDecision(
  inventory: number,
  atCap: boolean,
  bestBid: BestLevel | undefined,
  lastPromptMs: number | undefined,
  nowMs: number,
  params: StrategyParams,
): ReduceOnlyDecision {
  if (!atCap) return { lastPromptMs: undefined };
  if (lastPromptMs !== undefined && nowMs - lastPromptMs < secondsToMs(params.quote_ttl_s)) return { lastPromptMs };
  if (bestBid === undefined || !isOrderPrice(bestBid.price)) return { lastPromptMs: undefined };
  return {
    prompt: { price: bestBid.price, size: Math.min(contractsToHundredths(params.reduce_step), inventory) },
    lastPromptMs: nowMs,
  };
}

/**
 * The flatten prompt of one leg while the market is leaving (WindDownPolicy flatten): an IOC
 * sell of the whole inventory of L into the best bid on L, at most once per quote_ttl_s, until
 * the leg is flat.
 */
export function flattenDecision(
  inventory: number,
  bestBid: BestLevel | undefined,
  lastPromptMs: number | undefined,
  nowMs: number,
  params: StrategyParams,
): ReduceOnlyDecision {
  if (inventory <= 0) return { lastPromptMs: undefined };
  if (lastPromptMs !== undefined && nowMs - lastPromptMs < secondsToMs(params.quote_ttl_s)) return { lastPromptMs };
  if (bestBid === undefined || !isOrderPrice(bestBid.price)) return { lastPromptMs: undefined };
  return { prompt: { price: bestBid.price, size: inventory }, lastPromptMs: nowMs };
}
