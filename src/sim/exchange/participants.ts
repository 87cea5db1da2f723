/**
 * The simulated crowd of one market: a drifting fair value with occasional jumps, and
 * participants who add bids on both ladders, cancel them, and take liquidity when the
 * book is away from fair. Tight regimes quote up to the locked price (zero spread);
 * wide regimes stand back. All draws come from the simulator's one Random.
 */
import type { Side } from '../../protocol/wire.js';
import type { Random } from '../random.js';
import { otherSide, type Market, type TakeResult } from './market.js';

const MAX_ORDERS_PER_SIDE = 40;
const FAIR_STEP_SIGMA = 0.003;
const JUMP_CHANCE = 0.0005;
const REGIME_FLIP_CHANCE = 0.002;

export interface ParticipantContext {
  readonly random: Random;
  /** legacy integer-cent feeds carry whole contracts only */
  readonly wholeContracts: boolean;
  nextOrderId(): string;
}

/** One step of the hidden fair value (random walk, occasional jump, bounded 0.01..0.99). */
export function driftFair(market: Market, random: Random): void {
  let fair = market.fair + random.normal() * FAIR_STEP_SIGMA;
  if (random.chance(JUMP_CHANCE)) fair += (random.chance(0.5) ? 1 : -1) * (0.05 + random.next() * 0.15);
  if (fair < 0.01) fair = 0.02 - fair;
  if (fair > 0.99) fair = 1.98 - fair;
  market.fair = Math.min(0.99, Math.max(0.01, fair));
  if (random.chance(REGIME_FLIP_CHANCE)) market.regime = market.regime === 'tight' ? 'wide' : 'tight';
}

/** A starting book: a few levels per side, now and then an empty side. */
export function seedBook(market: Market, context: ParticipantContext): void {
  for (const side of ['yes', 'no'] as const) {
    const levels = context.random.chance(0.08) ? 0 : context.random.integer(2, 8);
    for (let i = 0; i < levels; i += 1) addBid(market, context, side);
  }
}

/** One participant action; returns the match when it was a trade. */
export function simulateEvent(market: Market, context: ParticipantContext): TakeResult | undefined {
  const { random } = context;
  const yesBid = market.ladders.yes.best();
  const noBid = market.ladders.no.best();
  const value = market.fair * 100;
  const mispriced = (noBid > 0 && value > 100 - noBid + 2) || (yesBid > 0 && value < yesBid - 2);
  const roll = random.next();
  if (roll < (mispriced ? 0.5 : 0.18)) return trade(market, context);
  const crowded = market.ladders.yes.orderCount + market.ladders.no.orderCount > 2 * MAX_ORDERS_PER_SIDE;
  if (roll < 0.6 && !crowded) {
    addBid(market, context, pickAddSide(market, random));
    return undefined;
  }
  cancel(market, context);
  return undefined;
}

function pickAddSide(market: Market, random: Random): Side {
  const yesOrders = market.ladders.yes.orderCount;
  const noOrders = market.ladders.no.orderCount;
  if (yesOrders === 0 && noOrders > 0) return 'yes';
  if (noOrders === 0 && yesOrders > 0) return 'no';
  if (yesOrders >= MAX_ORDERS_PER_SIDE) return 'no';
  if (noOrders >= MAX_ORDERS_PER_SIDE) return 'yes';
  return random.chance(0.5) ? 'yes' : 'no';
}

function drawSize(context: ParticipantContext): number {
  const { random } = context;
  const contracts = random.chance(0.7) ? random.integer(1, 50) : random.integer(50, 1000);
  if (context.wholeContracts || !random.chance(0.15)) return contracts * 100;
  return contracts * 100 + random.integer(1, 99);
}

function addBid(market: Market, context: ParticipantContext, side: Side): void {
  const { random } = context;
  const value = side === 'yes' ? market.fair * 100 : (1 - market.fair) * 100;
  const opposite = market.ladders[otherSide(side)].best();
  // the locked price (zero spread) is allowed; beyond it the bid would cross
  const ceiling = opposite > 0 ? Math.min(99, 100 - opposite) : 99;
  const edge = market.regime === 'tight' ? random.geometric(0.45, 6) : 2 + random.geometric(0.25, 15);
  const price = Math.max(1, Math.min(ceiling, Math.floor(value) - edge));
  market.rest({ orderId: context.nextOrderId(), side, price, remaining: drawSize(context) });
}

function cancel(market: Market, context: ParticipantContext): void {
  const { random } = context;
  const side: Side = random.chance(0.5) ? 'yes' : 'no';
  const prices = market.ladders[side].activePrices();
  if (prices.length === 0) return;
  const roll = random.next();
  const price = roll < 0.4 ? prices[prices.length - 1]! : roll < 0.7 ? prices[0]! : random.pick(prices);
  const participants = market.ladders[side].queueAt(price).filter((order) => order.keyId === undefined);
  if (participants.length === 0) return;
  const order = random.pick(participants);
  const partial = !context.wholeContracts && order.remaining > 1 && random.chance(0.3);
  const wholePartial = context.wholeContracts && order.remaining > 100 && random.chance(0.3);
  const amount = partial
    ? random.integer(1, order.remaining - 1)
    : wholePartial
      ? random.integer(1, order.remaining / 100 - 1) * 100
      : order.remaining;
  market.reduce(order, amount);
}

function trade(market: Market, context: ParticipantContext): TakeResult | undefined {
  const { random } = context;
  const yesBid = market.ladders.yes.best();
  const noBid = market.ladders.no.best();
  const value = market.fair * 100;
  const yesAsk = noBid > 0 ? 100 - noBid : 100;
  const buyYesChance = value > yesAsk ? 0.85 : value < yesBid ? 0.15 : 0.5;
  let takerSide: Side = random.chance(buyYesChance) ? 'yes' : 'no';
  if (market.ladders[otherSide(takerSide)].best() === 0) takerSide = otherSide(takerSide);
  const bestOpposite = market.ladders[otherSide(takerSide)].best();
  if (bestOpposite === 0) return undefined;
  const sweep = random.chance(0.2) ? random.integer(1, 3) : 0;
  const limit = Math.min(99, 100 - bestOpposite + sweep);
  return market.take({ takerSide, limit, size: drawSize(context) });
}
