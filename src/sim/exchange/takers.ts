/**
 * The takers of one market. Noise takers come in bursts: a few orders on the same leg in
 * quick succession, each taking the best level (now and then sweeping a tick or two
 * deeper), until the price has moved more than a tick against them. Informed takers buy whatever the book offers beyond the fair price, level by
 * level, until it offers nothing more (after a jump, or when a stale bid lingers).
 */
import type { Side } from '../../protocol/wire.js';
import { otherSide, type Market, type TakeResult } from './market.js';
import { takerSize, type SizeContext } from './order-sizes.js';

/** a leg is mispriced when it is offered this many ticks below its fair value */
const MISPRICING_TICKS = 0.5;
export const MAX_BURST = 6;
/** chance that a noise burst goes on after each order */
const BURST_CONTINUE = 0.55;
/** ticks a noise burst lets the price move against it before it stops */
const BURST_PRICE_TOLERANCE = 1;
const SWEEP_CHANCE = 0.1;
const INFORMED_SIZE_FACTOR = 4;

/** A leg the book offers below its fair value (`fair` is the YES leg's), and the most an informed taker pays for it. */
export interface Mispricing {
  readonly side: Side;
  readonly limit: number;
}

export function mispricedLeg(market: Market, fair: number): Mispricing | undefined {
  for (const side of ['yes', 'no'] as const) {
    const opposite = market.ladders[otherSide(side)].best();
    if (opposite === 0) continue;
    const sideFair = side === 'yes' ? fair : 100 - fair;
    if (sideFair - (100 - opposite) >= MISPRICING_TICKS) return { side, limit: Math.min(99, Math.ceil(sideFair) - 1) };
  }
  return undefined;
}

/** Informed orders until the book is priced right again (at most MAX_BURST); returns their results. */
export function informedBurst(market: Market, fair: number, context: SizeContext): TakeResult[] {
  const results: TakeResult[] = [];
  for (let leg = mispricedLeg(market, fair); leg && results.length < MAX_BURST; leg = mispricedLeg(market, fair)) {
    results.push(market.take({ takerSide: leg.side, limit: leg.limit, size: takerSize(context) * INFORMED_SIZE_FACTOR }));
  }
  return results;
}

/** A burst of noise orders on one leg, stopping early when the price moved away or the other side ran dry; returns their results. */
export function noiseBurst(market: Market, context: SizeContext): TakeResult[] {
  const { random } = context;
  const side: Side = random.chance(0.5) ? 'yes' : 'no';
  const ladder = market.ladders[otherSide(side)];
  const results: TakeResult[] = [];
  const firstBest = ladder.best();
  do {
    const best = ladder.best();
    if (best === 0 || best < firstBest - BURST_PRICE_TOLERANCE) break;
    const sweep = random.chance(SWEEP_CHANCE) ? random.integer(1, 2) : 0;
    results.push(market.take({ takerSide: side, limit: Math.min(99, 100 - best + sweep), size: takerSize(context) }));
  } while (results.length < MAX_BURST && random.chance(BURST_CONTINUE));
  return results;
}
