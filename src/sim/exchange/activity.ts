/**
 * How lively a simulated market is. Each market gets one of three activity profiles, in
 * fixed shares, dealt to the markets in an order drawn from the seeded RNG. A profile sets
 * the event rate, the spread and depth the liquidity providers keep, the size of their
 * levels, how far the fair price wanders, and how often takers come.
 */
import type { Random } from '../random.js';

export type MarketActivity = 'quiet' | 'normal' | 'busy';

export const MARKET_ACTIVITIES: readonly MarketActivity[] = ['quiet', 'normal', 'busy'];

export interface ActivityProfile {
  /** market events per second, as a multiple of the rate of a normal market */
  readonly rateFactor: number;
  /** spread in ticks the liquidity providers keep when calm: a per-market draw in this range */
  readonly spread: readonly [number, number];
  /** price levels per side: a per-market draw in this range */
  readonly depth: readonly [number, number];
  /** contracts on a full level a few ticks behind the top, before a per-market factor */
  readonly levelContracts: number;
  /** standard deviation of the fair price's drift, in ticks per square root of a second */
  readonly volatility: number;
  readonly jumpsPerHour: number;
  /** chance that a market event starts a burst of takers */
  readonly takerChance: number;
  /** moments per hour when the liquidity providers stand back and the spread widens */
  readonly wideningsPerHour: number;
}

export const ACTIVITY_PROFILES: Readonly<Record<MarketActivity, ActivityProfile>> = {
  quiet: {
    rateFactor: 0.15,
    spread: [3, 8],
    depth: [5, 12],
    levelContracts: 150,
    volatility: 0.04,
    jumpsPerHour: 0.5,
    takerChance: 0.1,
    wideningsPerHour: 4,
  },
  normal: {
    rateFactor: 1,
    spread: [2, 4],
    depth: [10, 22],
    levelContracts: 350,
    volatility: 0.12,
    jumpsPerHour: 2,
    takerChance: 0.045,
    wideningsPerHour: 20,
  },
  busy: {
    rateFactor: 4,
    spread: [1, 2],
    depth: [18, 30],
    levelContracts: 900,
    volatility: 0.3,
    jumpsPerHour: 6,
    takerChance: 0.05,
    wideningsPerHour: 60,
  },
};

/** Fixed share of the markets in each activity. */
export const ACTIVITY_SHARES: Readonly<Record<MarketActivity, number>> = { quiet: 0.25, normal: 0.55, busy: 0.2 };

/** How many of `count` markets get each activity: the shares, rounded by largest remainder. */
export function activityCounts(count: number): Record<MarketActivity, number> {
  const exact = MARKET_ACTIVITIES.map((activity) => count * ACTIVITY_SHARES[activity]);
  const counts = exact.map((value) => Math.floor(value + 1e-9));
  const byRemainder = MARKET_ACTIVITIES.map((_, index) => index).sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
  let left = count - counts.reduce((sum, value) => sum + value, 0);
  for (let rank = 0; left > 0; rank = (rank + 1) % byRemainder.length, left -= 1) counts[byRemainder[rank]!]! += 1;
  return { quiet: counts[0]!, normal: counts[1]!, busy: counts[2]! };
}

/** An activity for each of `count` markets, in the fixed shares, in a seeded random order. */
export function dealActivities(count: number, random: Random): MarketActivity[] {
  const counts = activityCounts(count);
  const deck = MARKET_ACTIVITIES.flatMap((activity) => new Array<MarketActivity>(counts[activity]).fill(activity));
  return random.shuffle(deck);
}
