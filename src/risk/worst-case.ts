/**
 * The worst a market can get if its resting orders fill: how far the position can reach on
 * each leg and what the open position can cost at most. Pure integer arithmetic.
 *
 * Kalshi nets a market's legs into one signed position (+ YES / − NO, see portfolio/fill.ts),
 * and an order adds to one leg: the leg it acquires (buy YES and sell NO acquire YES; buy NO
 * and sell YES acquire NO), at a price on that leg (acquisition()).
 *
 * Reach on a leg: the position toward that leg plus every resting order that acquires it.
 * Filling all of them first is the extreme, whatever else fills, so the bound is exact.
 * Reduce-only orders never pass flat (the venue holds them to the position), but they do
 * count: one that closes the other leg lets the plain orders on its leg open that much more.
 * So while the other leg is held, reduce-only orders bring it toward flat first, then the
 * plain orders add. A reach of 0 or less means that leg cannot be held at all.
 *
 * Cost on a leg, an upper bound on the cost basis of the open position while it is on that
 * leg, under the average-cost rule of portfolio.ts (a close takes its share of the basis, so a
 * basis is never more than the opening fills that make it):
 * - holding that leg, or flat: the basis held plus every plain acquiring order at its price;
 * - holding the other leg: what the reach leaves open, counted at the highest prices among
 *   the plain orders (reduce-only ones only close).
 * A market's exposure is the larger of the two: a market is on one leg at a time.
 */
import type { Leg } from '../portfolio/fill.js';

/** µ$ for one hundredth of a contract at one tick. */
export const MICROS_PER_HUNDREDTH_TICK = 100;

/** A resting order: the leg it acquires, the price on that leg (ticks), the hundredths left, and whether it is reduce-only. */
export interface RestingLeg {
  readonly leg: Leg;
  readonly price: number;
  readonly size: number;
  readonly reduceOnly: boolean;
}

export interface WorstCase {
  /** the furthest the position can reach toward YES, hundredths; 0 or less: YES cannot be held */
  readonly yesReach: number;
  /** the furthest it can reach toward NO, hundredths; 0 or less: NO cannot be held */
  readonly noReach: number;
  /** the most the open position can cost while on YES, µ$ */
  readonly yesCostMicros: number;
  /** the most it can cost while on NO, µ$ */
  readonly noCostMicros: number;
  /** max(yesCostMicros, noCostMicros) */
  readonly exposureMicros: number;
}

function safe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`risk: ${what} left the safe integer range`);
  return value;
}

function legWorst(held: number, heldCost: number, orders: readonly RestingLeg[]): { reach: number; cost: number } {
  let plain = 0;
  let reducing = 0;
  for (const order of orders) {
    if (order.reduceOnly) reducing = safe(reducing + order.size, 'resting size');
    else plain = safe(plain + order.size, 'resting size');
  }
  if (held >= 0) {
    let cost = held > 0 ? heldCost : 0;
    for (const order of orders) {
      if (!order.reduceOnly) cost = safe(cost + safe(order.size * order.price * MICROS_PER_HUNDREDTH_TICK, 'order cost'), 'worst-case cost');
    }
    return { reach: safe(held + plain, 'reach'), cost };
  }
  const reach = safe(Math.min(0, held + reducing) + plain, 'reach');
  let opening = Math.max(0, reach);
  if (opening === 0) return { reach, cost: 0 };
  const dearestFirst = orders.filter((order) => !order.reduceOnly).sort((a, b) => b.price - a.price);
  let cost = 0;
  for (const order of dearestFirst) {
    if (opening === 0) break;
    const take = Math.min(opening, order.size);
    cost = safe(cost + take * order.price * MICROS_PER_HUNDREDTH_TICK, 'worst-case cost');
    opening -= take;
  }
  return { reach, cost };
}

/**
 * The worst case of one market: its signed position (hundredths, + YES / − NO), the cost basis
 * of that position (µ$) and its resting orders.
 */
export function worstCase(position: number, costMicros: number, orders: readonly RestingLeg[]): WorstCase {
  const yes = legWorst(
    position,
    position > 0 ? costMicros : 0,
    orders.filter((order) => order.leg === 'yes'),
  );
  const no = legWorst(
    -position,
    position < 0 ? costMicros : 0,
    orders.filter((order) => order.leg === 'no'),
  );
  return {
    yesReach: yes.reach,
    noReach: no.reach,
    yesCostMicros: yes.cost,
    noCostMicros: no.cost,
    exposureMicros: Math.max(yes.cost, no.cost),
  };
}
