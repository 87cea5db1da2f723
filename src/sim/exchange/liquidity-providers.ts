/**
 * The liquidity providers of one market side. They keep a ladder of bids below the side's
 * fair price: the best `inner`, then `depth` levels down, thin at the top and heaviest a
 * few ticks behind it. Each action is one order: refill a level that was traded through or
 * is short, pull a bid the fair price has moved past, trim a level that grew too heavy or
 * lies beyond the ladder, or cancel something for no visible reason (ordinary churn).
 * They never bid at or through the opposite side's best bid.
 */
import type { Side } from '../../protocol/wire.js';
import type { BookOrder } from '../../matching/index.js';
import { otherSide, type Market } from './market.js';
import { cancelAmount, orderSize, type SizeContext } from './order-sizes.js';

export interface ProviderContext extends SizeContext {
  nextOrderId(): string;
}

/** Where the liquidity providers of one side want their bids. */
export interface LadderPlan {
  readonly side: Side;
  /** the best price they bid; below 1 they bid nothing */
  readonly inner: number;
  /** their bids above this price are stale: the fair price moved past them */
  readonly pullAbove: number;
  /** levels from `inner` down */
  readonly depth: number;
  /** hundredths of a contract on a full level */
  readonly levelSize: number;
}

/** Tolerance, in ticks, before a bid above the plan's best counts as stale (keeps the top from flickering). */
const PULL_TOLERANCE = 0.6;
/** a side's fair value (ticks) from which its providers bid at least 1 tick */
const LOWEST_BID_FAIR = 1.5;
const WEIGHT = { pull: 3, refillTop: 6, refillUncovered: 20, refill: 1, trim: 0.4, far: 0.4, churn: 0.5 } as const;
/** a level is refilled once it holds less than this share of its wanted size */
const REFILL_BELOW = 0.7;
/** a level is trimmed once it holds more than this multiple of its wanted size */
const TRIM_ABOVE = 1.8;

/** Where one side's providers bid, `halfSpread` ticks below its fair value `sideFair`. */
export function ladderPlan(market: Market, side: Side, sideFair: number, halfSpread: number, depth: number, levelSize: number): LadderPlan {
  const opposite = market.ladders[otherSide(side)].best();
  const ceiling = opposite > 0 ? 99 - opposite : 99;
  // near the ends the spread narrows: a side stays bid at 1 tick while its fair value allows it
  const best = Math.max(Math.floor(sideFair - halfSpread), sideFair >= LOWEST_BID_FAIR ? 1 : 0);
  return {
    side,
    inner: Math.min(best, ceiling),
    pullAbove: Math.max(best, sideFair - halfSpread) + PULL_TOLERANCE,
    depth,
    levelSize,
  };
}

/**
 * Size wanted on the level `behind` ticks below the plan's best: thin at the top, heaviest
 * 3-5 ticks behind. At 1 tick, the last price there is, the levels the ladder would have
 * had below it pile up (long shots carry big 1-tick bids).
 */
export function wantedSize(plan: LadderPlan, behind: number): number {
  const lastBehind = plan.inner - behind === 1 ? plan.depth - 1 : behind;
  let shape = 0;
  for (let level = behind; level <= lastBehind; level += 1) shape += levelShape(level);
  return Math.round(plan.levelSize * shape);
}

function levelShape(behind: number): number {
  return behind < 3 ? 0.3 + 0.25 * behind : behind <= 5 ? 1 : Math.max(0.4, 1 - 0.07 * (behind - 5));
}

/** Fills the side's ladder from nothing (a market's starting book). */
export function seedLadder(market: Market, plan: LadderPlan, context: ProviderContext): void {
  const { random } = context;
  for (let behind = 0; behind < plan.depth && plan.inner - behind >= 1; behind += 1) {
    const target = wantedSize(plan, behind) * (0.6 + random.next() * 0.7);
    const orders = random.integer(1, 3);
    for (let order = 0; order < orders; order += 1) {
      market.rest({ orderId: context.nextOrderId(), side: plan.side, price: plan.inner - behind, remaining: orderSize(context, target / orders / 100) });
    }
  }
}

type Action =
  | { readonly kind: 'add'; readonly side: Side; readonly price: number; readonly missing: number }
  | { readonly kind: 'cancel'; readonly side: Side; readonly price: number; readonly excess?: number }
  | { readonly kind: 'churn'; readonly side: Side };

/** One provider action on either side, drawn with weights from what each ladder needs. */
export function provideLiquidity(market: Market, plans: readonly LadderPlan[], context: ProviderContext): void {
  const actions: Action[] = [];
  const weights: number[] = [];
  const offer = (action: Action, weight: number): void => {
    actions.push(action);
    weights.push(weight);
  };
  for (const plan of plans) collectActions(market, plan, offer);
  let total = 0;
  for (const weight of weights) total += weight;
  let draw = context.random.next() * total;
  for (let index = 0; index < actions.length; index += 1) {
    draw -= weights[index]!;
    if (draw < 0) {
      perform(market, actions[index]!, context);
      return;
    }
  }
}

function collectActions(market: Market, plan: LadderPlan, offer: (action: Action, weight: number) => void): void {
  const ladder = market.ladders[plan.side];
  const lowest = plan.inner - plan.depth + 1;
  const { side } = plan;
  for (const price of ladder.activePrices()) {
    if (!hasParticipantOrder(ladder.queueAt(price))) continue;
    if (price > plan.pullAbove) offer({ kind: 'cancel', side, price }, WEIGHT.pull);
    else if (price < lowest) offer({ kind: 'cancel', side, price }, WEIGHT.far);
    else if (price <= plan.inner) {
      const excess = ladder.sizeAt(price) - TRIM_ABOVE * wantedSize(plan, plan.inner - price);
      if (excess > 0) offer({ kind: 'cancel', side, price, excess: Math.ceil(excess) }, WEIGHT.trim);
    }
  }
  // after a sweep or a jump the side may have nothing near its best: refilling the top comes first
  const uncovered = ladder.best() < plan.inner - 2;
  for (let behind = 0; behind < plan.depth && plan.inner - behind >= 1; behind += 1) {
    const price = plan.inner - behind;
    const wanted = wantedSize(plan, behind);
    const held = ladder.sizeAt(price);
    const weight = behind >= 2 ? WEIGHT.refill : uncovered ? WEIGHT.refillUncovered : WEIGHT.refillTop;
    if (held < REFILL_BELOW * wanted) offer({ kind: 'add', side, price, missing: wanted - held }, (1 - held / wanted) * weight);
  }
  if (ladder.orderCount > 0) offer({ kind: 'churn', side }, WEIGHT.churn);
}

function perform(market: Market, action: Action, context: ProviderContext): void {
  const { random } = context;
  const ladder = market.ladders[action.side];
  switch (action.kind) {
    case 'add': {
      const remaining = orderSize(context, (action.missing * (0.4 + random.next() * 0.6)) / 100);
      market.rest({ orderId: context.nextOrderId(), side: action.side, price: action.price, remaining });
      return;
    }
    case 'cancel': {
      const order = random.pick(participantOrders(ladder.queueAt(action.price)));
      market.reduce(order, action.excess === undefined ? order.remaining : cancelAmount(context, order.remaining, action.excess));
      return;
    }
    case 'churn': {
      const prices = ladder.activePrices().filter((price) => hasParticipantOrder(ladder.queueAt(price)));
      if (prices.length === 0) return;
      const order = random.pick(participantOrders(ladder.queueAt(random.pick(prices))));
      const partial = random.chance(0.4) ? Math.ceil(order.remaining * random.next()) : order.remaining;
      market.reduce(order, cancelAmount(context, order.remaining, partial));
      return;
    }
  }
}

function hasParticipantOrder(queue: readonly BookOrder[]): boolean {
  return queue.some((order) => order.owner === undefined);
}

function participantOrders(queue: readonly BookOrder[]): BookOrder[] {
  return queue.filter((order) => order.owner === undefined);
}
