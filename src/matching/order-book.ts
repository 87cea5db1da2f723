/**
 * A pure matching engine for one Kalshi market. Kalshi's book holds bids only: YES bids and
 * NO bids, each priced on its own leg; a YES ask at p is a NO bid at 100 - p, so an order
 * buying one leg at up to `limit` matches bids of the other leg priced at 100 - limit or
 * more. Priority is price, then time (first in, first out within a level).
 *
 * No I/O and no clock: the caller passes trade ids in (`nextTradeId`) and gets typed results
 * back: the executions with both sides' fills and fees, what rests, what was cancelled and
 * why, and every change of the aggregated levels (what a feed would publish).
 */
import { DEFAULT_FEE_SCHEDULE, fillFeeMicros, type FeeSchedule } from '../fees/fee-model.js';
import type { Side } from '../protocol/wire.js';
import { BidLadder, type BookOrder } from './bid-ladder.js';
import type { CancelReason, Cancellation, Execution, LevelChange, NewOrder, SelfTradePrevention, SubmitResult, TimeInForce } from './types.js';

export interface OrderBookOptions {
  /** a fresh id for each execution */
  readonly nextTradeId: () => string;
  /** the market's fee schedule; default Kalshi's (quadratic, multiplier 1) */
  readonly feeSchedule?: FeeSchedule;
}

/** A change of a resting order's price and/or size (`remaining` is what should rest afterwards). */
export interface AmendChange {
  readonly price: number;
  readonly remaining: number;
  readonly selfTradePrevention?: SelfTradePrevention;
  /** a post-only order may not take liquidity at its new price either */
  readonly postOnly?: boolean;
}

export interface AmendResult extends SubmitResult {
  /** true when the order kept its place in the queue (same price, size not raised) */
  readonly priorityKept: boolean;
}

export interface DecreaseResult {
  readonly removed: number;
  readonly remaining: number;
  readonly change: LevelChange | undefined;
}

export function otherSide(side: Side): Side {
  return side === 'yes' ? 'no' : 'yes';
}

interface MatchRequest {
  readonly orderId: string;
  readonly owner: string | undefined;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly timeInForce: TimeInForce;
  readonly selfTradePrevention: SelfTradePrevention;
}

export class OrderBook {
  readonly ladders: Readonly<Record<Side, BidLadder>> = { yes: new BidLadder(), no: new BidLadder() };
  feeSchedule: FeeSchedule;
  private readonly byId = new Map<string, BookOrder>();

  constructor(private readonly options: OrderBookOptions) {
    this.feeSchedule = options.feeSchedule ?? DEFAULT_FEE_SCHEDULE;
  }

  /** The resting order with this id, if it still rests. */
  order(orderId: string): BookOrder | undefined {
    return this.byId.get(orderId);
  }

  /** Resting orders of either side, anonymous ones included. */
  get restingOrders(): number {
    return this.ladders.yes.orderCount + this.ladders.no.orderCount;
  }

  /** Whether a bid for `side` at `price` ticks would trade against the other side now. */
  crosses(side: Side, price: number): boolean {
    const opposite = this.ladders[otherSide(side)].best();
    return opposite > 0 && 100 - opposite <= price;
  }

  /**
   * Puts an order on the book without matching (a participant adding liquidity). The caller
   * keeps the object: its `remaining` is what rests. Throws on a price that would cross, a
   * bad price or size, or an id already resting.
   */
  rest(order: BookOrder): LevelChange {
    if (order.owner !== undefined && this.byId.has(order.orderId)) throw new RangeError(`order ${order.orderId} is already on the book`);
    if (this.crosses(order.side, order.price)) {
      throw new RangeError(`a ${order.side} bid at ${order.price} would cross the best ${otherSide(order.side)} bid`);
    }
    this.ladders[order.side].add(order);
    this.index(order);
    return { side: order.side, price: order.price, delta: order.remaining };
  }

  /**
   * Takes up to `amount` off a resting order (all of it removes it); returns the change,
   * undefined when nothing moved (an order no longer on the book has nothing remaining).
   */
  reduce(order: BookOrder, amount: number): LevelChange | undefined {
    if (order.owner !== undefined && this.byId.get(order.orderId) !== order) return undefined;
    const removed = this.ladders[order.side].reduce(order, amount);
    if (order.remaining === 0) this.unindex(order);
    return removed > 0 ? { side: order.side, price: order.price, delta: -removed } : undefined;
  }

  /**
   * Orders are found by id only when they have an owner (who cancels, amends or decreases
   * them by id); anonymous participants hold their orders themselves, which spares the
   * index the churn of the crowd.
   */
  private index(order: BookOrder): void {
    if (order.owner !== undefined) this.byId.set(order.orderId, order);
  }

  private unindex(order: BookOrder): void {
    if (order.owner !== undefined) this.byId.delete(order.orderId);
  }

  /** Cancels what rests of an order; undefined when it does not rest. */
  cancel(orderId: string, reason: CancelReason = 'Requested'): Cancellation | undefined {
    const order = this.byId.get(orderId);
    if (!order) return undefined;
    const count = this.ladders[order.side].remove(order);
    this.byId.delete(orderId);
    return { orderId, owner: order.owner, side: order.side, price: order.price, count, reason };
  }

  /** Takes `amount` off a resting order, keeping its place in the queue; at 0 the order is gone. */
  decrease(orderId: string, amount: number): DecreaseResult | undefined {
    const order = this.byId.get(orderId);
    if (!order) return undefined;
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`decrease by a non-negative number of hundredths, got ${amount}`);
    const change = this.reduce(order, amount);
    return { removed: change ? -change.delta : 0, remaining: order.remaining, change };
  }

  /**
   * A new order: refused when post-only and crossing, or reduce-only without a position to
   * reduce; otherwise it takes what it can (fill-or-kill: all or nothing) and its remainder
   * rests (good till cancelled) or is cancelled (immediate or cancel, fill or kill, or a
   * taker stopped by self-trade prevention).
   */
  submit(order: NewOrder): SubmitResult {
    checkOrder(order);
    if (order.postOnly && this.crosses(order.side, order.price)) return rejected(order.orderId, 'PostOnlyCrossCancel');
    let size = order.count;
    if (order.reduceOnly) {
      const position = order.position ?? 0;
      const reducible = Math.max(order.side === 'yes' ? -position : position, 0);
      if (reducible === 0) return rejected(order.orderId, 'ReduceOnlyCancel');
      size = Math.min(size, reducible);
    }
    if (this.byId.has(order.orderId)) throw new RangeError(`order ${order.orderId} is already on the book`);
    return this.match({
      orderId: order.orderId,
      owner: order.owner,
      side: order.side,
      price: order.price,
      size,
      timeInForce: order.timeInForce,
      selfTradePrevention: order.selfTradePrevention ?? 'taker_at_cross',
    });
  }

  /**
   * Changes a resting order. Lowering its size at the same price keeps its place in the
   * queue; a new price or a larger size sends it to the back (and a new price may trade,
   * unless post-only, which is refused instead). Undefined when the order does not rest.
   */
  amend(orderId: string, change: AmendChange): AmendResult | undefined {
    const order = this.byId.get(orderId);
    if (!order) return undefined;
    if (!Number.isInteger(change.price) || change.price < 1 || change.price > 99) throw new RangeError(`price must be 1..99 ticks, got ${change.price}`);
    if (!Number.isSafeInteger(change.remaining) || change.remaining <= 0) {
      throw new RangeError(`an amended order must keep a positive size, got ${change.remaining}`);
    }
    if (change.price === order.price && change.remaining <= order.remaining) {
      const moved = this.reduce(order, order.remaining - change.remaining);
      return {
        orderId,
        status: 'resting',
        size: change.remaining,
        filled: 0,
        resting: order.remaining,
        executions: [],
        makerCancels: [],
        bookChanges: moved ? [moved] : [],
        priorityKept: true,
      };
    }
    if (change.postOnly && change.price !== order.price && this.crosses(order.side, change.price)) {
      return { ...rejected(orderId, 'PostOnlyCrossCancel'), resting: order.remaining, status: 'resting', priorityKept: true };
    }
    const removed = this.ladders[order.side].remove(order);
    this.byId.delete(orderId);
    const result = this.match({
      orderId,
      owner: order.owner,
      side: order.side,
      price: change.price,
      size: change.remaining,
      timeInForce: 'good_till_canceled',
      selfTradePrevention: change.selfTradePrevention ?? 'taker_at_cross',
    });
    const out: LevelChange = { side: order.side, price: order.price, delta: -removed };
    return { ...result, bookChanges: mergeChanges([out, ...result.bookChanges]), priorityKept: false };
  }

  /**
   * How much of `count` a taker buying `side` up to `limit` would fill now, in priority order:
   * its owner's own orders stop it (taker_at_cross) or are skipped (maker).
   */
  fillable(side: Side, limit: number, count: number, owner?: string, selfTradePrevention: SelfTradePrevention = 'taker_at_cross'): number {
    const ladder = this.ladders[otherSide(side)];
    let total = 0;
    for (const price of ladder.activePrices().reverse()) {
      if (100 - price > limit || total >= count) break;
      for (const maker of ladder.queueAt(price)) {
        if (owner !== undefined && maker.owner === owner) {
          if (selfTradePrevention === 'maker') continue;
          return Math.min(total, count);
        }
        total += maker.remaining;
        if (total >= count) return count;
      }
    }
    return Math.min(total, count);
  }

  private match(request: MatchRequest): SubmitResult {
    const { orderId, owner, side, price: limit, size, timeInForce, selfTradePrevention } = request;
    const executions: Execution[] = [];
    const makerCancels: Cancellation[] = [];
    const bookChanges: LevelChange[] = [];
    const cancel = (count: number, reason: CancelReason): Cancellation => ({ orderId, owner, side, price: limit, count, reason });
    if (timeInForce === 'fill_or_kill' && this.fillable(side, limit, size, owner, selfTradePrevention) < size) {
      return { orderId, status: 'canceled', size, filled: 0, resting: 0, canceled: cancel(size, 'FillOrKillCancel'), executions, makerCancels, bookChanges };
    }
    const makerSide = otherSide(side);
    const ladder = this.ladders[makerSide];
    let remaining = size;
    let stopped = false;
    for (let price = ladder.best(); price > 0 && 100 - price <= limit && remaining > 0 && !stopped; price = ladder.best()) {
      const yesPrice = side === 'yes' ? 100 - price : price;
      const legPrice = 100 - price;
      let removed = 0;
      for (const maker of [...ladder.queueAt(price)]) {
        if (remaining === 0) break;
        if (owner !== undefined && maker.owner === owner) {
          if (selfTradePrevention !== 'maker') {
            stopped = true;
            break;
          }
          const count = ladder.remove(maker);
          this.unindex(maker);
          removed += count;
          makerCancels.push({ orderId: maker.orderId, owner: maker.owner, side: makerSide, price, count, reason: 'SelfTradeCancel' });
          continue;
        }
        const count = ladder.reduce(maker, Math.min(remaining, maker.remaining));
        if (maker.remaining === 0) this.unindex(maker);
        remaining -= count;
        removed += count;
        executions.push({
          tradeId: this.options.nextTradeId(),
          yesPrice,
          count,
          takerSide: side,
          taker: { orderId, owner, side, isTaker: true, price: legPrice, count, feeMicros: fillFeeMicros(legPrice, count, true, this.feeSchedule) },
          maker: {
            orderId: maker.orderId,
            owner: maker.owner,
            side: makerSide,
            isTaker: false,
            price,
            count,
            feeMicros: fillFeeMicros(price, count, false, this.feeSchedule),
          },
        });
      }
      if (removed > 0) bookChanges.push({ side: makerSide, price, delta: -removed });
    }
    const filled = size - remaining;
    const base = { orderId, size, filled, executions, makerCancels, bookChanges };
    if (remaining === 0) return { ...base, status: 'executed', resting: 0 };
    if (stopped) return { ...base, status: 'canceled', resting: 0, canceled: cancel(remaining, 'SelfTradeCancel') };
    if (timeInForce !== 'good_till_canceled') return { ...base, status: 'canceled', resting: 0, canceled: cancel(remaining, 'ImmediateOrCancel') };
    const resting: BookOrder = { orderId, side, price: limit, remaining, ...(owner !== undefined ? { owner } : {}) };
    this.ladders[side].add(resting);
    this.index(resting);
    bookChanges.push({ side, price: limit, delta: remaining });
    return { ...base, status: 'resting', resting: remaining };
  }
}

function rejected(orderId: string, reason: 'PostOnlyCrossCancel' | 'ReduceOnlyCancel'): SubmitResult {
  return { orderId, rejected: reason, status: 'canceled', size: 0, filled: 0, resting: 0, executions: [], makerCancels: [], bookChanges: [] };
}

function checkOrder(order: NewOrder): void {
  if (order.side !== 'yes' && order.side !== 'no') throw new RangeError(`side must be yes or no, got ${String(order.side)}`);
  if (!Number.isInteger(order.price) || order.price < 1 || order.price > 99) throw new RangeError(`price must be 1..99 ticks, got ${order.price}`);
  if (!Number.isSafeInteger(order.count) || order.count <= 0) throw new RangeError(`count must be a positive number of hundredths, got ${order.count}`);
  if (order.reduceOnly && order.position !== undefined && !Number.isSafeInteger(order.position)) {
    throw new RangeError(`position must be an integer number of hundredths, got ${order.position}`);
  }
}

/** Adjacent changes of the same level folded into one (an order moved to the back of its own level). */
function mergeChanges(changes: readonly LevelChange[]): LevelChange[] {
  const merged: LevelChange[] = [];
  for (const change of changes) {
    const last = merged.at(-1);
    if (last && last.side === change.side && last.price === change.price) merged[merged.length - 1] = { ...last, delta: last.delta + change.delta };
    else merged.push(change);
  }
  return merged.filter((change) => change.delta !== 0);
}
