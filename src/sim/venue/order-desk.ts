/**
 * The venue's order handling for the accounts (one per API key): create, cancel, amend,
 * decrease, cancel-all, and what the crowd's trades and a market's close do to their
 * orders, positions and cash. Matching is the market's OrderBook (src/matching); this
 * desk keeps each order's life cycle, the fills, the positions and the balances, and
 * publishes the private events (`fill`, `market_position`, `user_order`). It knows nothing
 * of HTTP: it returns the order records or a VenueError.
 */
import { fillFeeMicros } from '../../fees/fee-model.js';
import type { CancelReason, Cancellation, Execution, Fill, SubmitResult } from '../../matching/index.js';
import { e4ToDollars, hundredthsToCount } from '../../protocol/fixed.js';
import type { Side } from '../../protocol/wire.js';
import { type Clock } from '../../clock/clock.js';
import type { Random } from '../random.js';
import type { Market, TakeResult } from '../exchange/market.js';
import type { ExchangeEventSink, MarketResult, OrderCause, OrderGroupEventType, OrderUpdateReason } from '../exchange/market-events.js';
import { Portfolio } from '../exchange/portfolio.js';
import { Accounts } from './accounts.js';
import { venueError, type VenueError } from './errors.js';
import { OrderGroups, type OrderGroup } from './order-groups.js';
import type { AmendRequest, DecreaseRequest, OrderRequest } from './order-requests.js';
import { OrderStore, legPrice, snapshotOf, type VenueOrder } from './order-store.js';

export interface OrderDeskOptions {
  readonly markets: ReadonlyMap<string, Market>;
  readonly random: Random;
  readonly clock: Clock;
  readonly publish: ExchangeEventSink;
  readonly startingBalanceE4: number;
  readonly orderRetentionMs: number;
  readonly fillRetentionMs: number;
  readonly maxFillsPerAccount: number;
}

/** What a create, amend or decrease left the order as, and what this request filled. */
export interface OrderOutcome {
  readonly order: VenueOrder;
  readonly filled: number;
}

export interface CancelOutcome {
  readonly order: VenueOrder;
  readonly reducedBy: number;
}

export interface SettlementRecord {
  readonly ticker: string;
  readonly eventTicker: string;
  readonly result: MarketResult;
  /** hundredths held of each leg when the market settled */
  readonly yesCount: number;
  readonly noCount: number;
  readonly yesCostE4: number;
  readonly noCostE4: number;
  readonly revenueE4: number;
  readonly feesMicros: number;
  readonly settledMs: number;
}

export interface OrderFilter {
  readonly ticker?: string;
  readonly eventTicker?: string;
}

/** user_order's reason for an order the matching engine cancelled: a remainder it could not fill is "expired" unless something traded. */
function reasonFor(cancel: CancelReason, filled: number): OrderUpdateReason {
  switch (cancel) {
    case 'SelfTradeCancel':
      return 'SelfTradeCancel';
    case 'CloseCancel':
      return 'CloseCancel';
    case 'HaltCancel':
      return 'HaltCancel';
    case 'ImmediateOrCancel':
    case 'FillOrKillCancel':
      return filled > 0 ? 'Trade' : 'ExpiryCancel';
    default:
      return 'Decrease';
  }
}

export class OrderDesk {
  readonly portfolio = new Portfolio();
  readonly accounts: Accounts;
  readonly store: OrderStore;
  readonly groups = new OrderGroups();
  ordersPlaced = 0;
  /** groups that reached their limit during the current request, triggered once its orders are announced */
  private readonly dueTriggers = new Set<OrderGroup>();
  private readonly settlements = new Map<string, SettlementRecord[]>();

  constructor(private readonly options: OrderDeskOptions) {
    this.accounts = new Accounts(options.startingBalanceE4);
    this.store = new OrderStore({
      orderRetentionMs: options.orderRetentionMs,
      fillRetentionMs: options.fillRetentionMs,
      maxFillsPerAccount: options.maxFillsPerAccount,
    });
  }

  /** Drops what is past its retention. */
  prune(): void {
    this.store.prune(this.options.clock.now());
  }

  create(keyId: string, request: OrderRequest): OrderOutcome | VenueError {
    this.prune();
    const { clock, random } = this.options;
    const market = this.options.markets.get(request.ticker);
    if (!market) return venueError(404, 'market_not_found', `no market ${request.ticker}`);
    if (!market.isOpen) return venueError(400, 'market_closed', `market ${request.ticker} is closed`);
    if (request.clientOrderId !== undefined && this.store.byClientOrderId(keyId, request.clientOrderId)) {
      return venueError(409, 'duplicate_client_order_id', `client_order_id ${request.clientOrderId} was already used`);
    }
    const group = request.orderGroupId !== undefined ? this.groups.get(keyId, request.orderGroupId) : undefined;
    if (request.orderGroupId !== undefined && !group) return venueError(404, 'not_found', `no order group ${request.orderGroupId}`);
    if (group?.triggered) return venueError(400, 'order_group_triggered', `order group ${group.id} was triggered; reset it to place orders in it`);
    const side: Side = request.side === 'bid' ? 'yes' : 'no';
    const leg = side === 'yes' ? request.price : 100 - request.price;
    const position = this.portfolio.position(keyId, request.ticker);
    const closable = closableBy(side, position);
    if (!request.reduceOnly) {
      const needE4 = Math.max(0, request.count - closable) * leg + feeHoldE4(market, leg, request.count, true);
      const availableE4 = this.accounts.availableE4(keyId);
      if (needE4 > availableE4) {
        return venueError(400, 'insufficient_balance', `the order needs $${e4ToDollars(needE4)}, the available balance is $${e4ToDollars(availableE4)}`);
      }
    }
    const orderId = random.uuid();
    const cause = causeOf(keyId, request.clientOrderId);
    const result = market.submit(
      {
        orderId,
        owner: keyId,
        side,
        price: leg,
        count: request.count,
        timeInForce: request.timeInForce,
        postOnly: request.postOnly,
        reduceOnly: request.reduceOnly,
        position,
        selfTradePrevention: request.selfTrade,
      },
      cause,
    );
    if (result.rejected === 'PostOnlyCrossCancel') return venueError(400, 'post_only_cross', 'PostOnlyCrossCancel: a post-only order would cross the book');
    if (result.rejected === 'ReduceOnlyCancel') return venueError(400, 'invalid_order', 'ReduceOnlyCancel: no position to reduce');
    this.ordersPlaced += 1;
    const nowMs = clock.now();
    const order: VenueOrder = {
      orderId,
      seq: this.store.takeSeq(),
      keyId,
      clientOrderId: request.clientOrderId,
      ticker: market.ticker,
      eventTicker: market.eventTicker,
      bookSide: request.side,
      side,
      yesPrice: request.price,
      status: 'resting',
      initialCount: result.size,
      fillCount: 0,
      remainingCount: result.size,
      takerFillCostE4: 0,
      makerFillCostE4: 0,
      takerFeesMicros: 0,
      makerFeesMicros: 0,
      feesChargedE4: 0,
      timeInForce: request.timeInForce,
      selfTradePrevention: request.selfTrade,
      postOnly: request.postOnly,
      reduceOnly: request.reduceOnly,
      cancelOrderOnPause: request.cancelOrderOnPause,
      orderGroupId: request.orderGroupId,
      createdMs: nowMs,
      lastUpdateMs: nowMs,
      lastUpdateReason: undefined,
      openingLeft: Math.max(0, result.size - closable),
      holdE4: 0,
      finishedMs: undefined,
    };
    this.store.add(order);
    if (group) group.members.add(orderId);
    this.applyResult(order, market, result);
    const reason = result.canceled ? reasonFor(result.canceled.reason, result.filled) : result.filled > 0 ? 'Trade' : undefined;
    this.settleOrder(order, market, result, reason);
    this.triggerDue();
    return { order, filled: result.filled };
  }

  createGroup(keyId: string, limit: number): OrderGroup | VenueError {
    const group = this.groups.create(this.options.random.uuid(), keyId, limit, this.options.clock.now());
    if (!group) return venueError(400, 'order_group_limit_reached', 'at most 25000 order groups per user');
    this.publishGroup(group, 'created');
    return group;
  }

  /** The account's order group, or a 404. */
  group(keyId: string, groupId: string): OrderGroup | VenueError {
    return this.groups.get(keyId, groupId) ?? venueError(404, 'not_found', `no order group ${groupId}`);
  }

  /** Cancels every member and blocks new orders in the group until it is reset. */
  triggerGroup(group: OrderGroup): void {
    group.triggered = true;
    this.cancelMembers(group);
    this.publishGroup(group, 'triggered');
  }

  resetGroup(group: OrderGroup): void {
    this.groups.reset(group);
    this.publishGroup(group, 'reset');
  }

  /** Cancels the members and deletes the group. */
  deleteGroup(group: OrderGroup): void {
    this.cancelMembers(group);
    this.groups.delete(group);
    this.publishGroup(group, 'deleted');
  }

  setGroupLimit(group: OrderGroup, limit: number): void {
    group.limit = limit;
    this.publishGroup(group, 'limit_updated');
    if (!group.triggered && this.groups.matchedIn(group, this.options.clock.now()) >= limit) this.triggerGroup(group);
  }

  /** Contracts the group matched in its window, now. */
  groupMatched(group: OrderGroup): number {
    return this.groups.matchedIn(group, this.options.clock.now());
  }

  private triggerDue(): void {
    for (const group of this.dueTriggers) if (!group.triggered) this.triggerGroup(group);
    this.dueTriggers.clear();
  }

  private cancelMembers(group: OrderGroup): void {
    for (const orderId of [...group.members]) {
      const order = this.store.get(orderId);
      if (order && order.status === 'resting') this.cancelForGroup(order);
      group.members.delete(orderId);
    }
  }

  /** A member cancelled by its group (user_order's reasons have no name for it: none is given). */
  private cancelForGroup(order: VenueOrder): void {
    const market = this.options.markets.get(order.ticker)!;
    market.cancel(order.orderId, 'OrderGroupCancel', causeOf(order.keyId, order.clientOrderId));
    this.finishCanceled(order, market, undefined);
  }

  private publishGroup(group: OrderGroup, eventType: OrderGroupEventType): void {
    this.options.publish({
      kind: 'order_group',
      keyId: group.keyId,
      groupId: group.id,
      eventType,
      ...(eventType === 'created' || eventType === 'limit_updated' ? { limit: group.limit } : {}),
      tsMs: this.options.clock.now(),
    });
  }

  cancel(keyId: string, orderId: string): CancelOutcome | VenueError {
    this.prune();
    const order = this.store.get(orderId);
    if (!order || order.keyId !== keyId) return venueError(404, 'not_found', `no order ${orderId}`);
    if (order.status !== 'resting') return { order, reducedBy: 0 };
    const market = this.options.markets.get(order.ticker)!;
    const cancellation = market.cancel(orderId, 'Requested', causeOf(keyId, order.clientOrderId));
    this.finishCanceled(order, market, 'Decrease');
    return { order, reducedBy: cancellation?.count ?? 0 };
  }

  /** Cancels every resting order of the account (in one market or event when given); returns them. */
  cancelAll(keyId: string, filter: OrderFilter = {}): CancelOutcome[] {
    this.prune();
    const outcomes: CancelOutcome[] = [];
    for (const order of this.store.resting()) {
      if (order.keyId !== keyId || !matchesFilter(order, filter)) continue;
      const outcome = this.cancel(keyId, order.orderId);
      if (!('error' in outcome)) outcomes.push(outcome);
    }
    return outcomes;
  }

  amend(keyId: string, orderId: string, request: AmendRequest): OrderOutcome | VenueError {
    this.prune();
    const order = this.store.get(orderId);
    if (!order || order.keyId !== keyId) return venueError(404, 'not_found', `no order ${orderId}`);
    if (request.ticker !== order.ticker) return venueError(400, 'order_ticker_mismatch', `order ${orderId} is in ${order.ticker}, not ${request.ticker}`);
    if (request.side !== order.bookSide) return venueError(400, 'order_side_mismatch', `order ${orderId} is a ${order.bookSide}, not a ${request.side}`);
    if (request.clientOrderId !== undefined && request.clientOrderId !== order.clientOrderId) {
      return venueError(400, 'invalid_order', `client_order_id ${request.clientOrderId} is not the order's`);
    }
    if (order.status !== 'resting') return venueError(400, 'invalid_order', `order ${orderId} is ${order.status}, not resting`);
    const market = this.options.markets.get(order.ticker)!;
    if (!market.isOpen) return venueError(400, 'market_closed', `market ${order.ticker} is closed`);
    const remaining = request.count - order.fillCount;
    if (remaining <= 0) return venueError(400, 'invalid_order_size', `count must be more than the ${hundredthsToCount(order.fillCount)} already filled`);
    const updated = request.updatedClientOrderId;
    if (updated !== undefined && updated !== order.clientOrderId) {
      if (this.store.byClientOrderId(keyId, updated)) return venueError(409, 'duplicate_client_order_id', `client_order_id ${updated} was already used`);
    }
    const leg = order.side === 'yes' ? request.price : 100 - request.price;
    const openingNew = Math.min(remaining, order.openingLeft + Math.max(0, remaining - order.remainingCount));
    if (!order.reduceOnly) {
      const needE4 = openingNew * leg + feeHoldE4(market, leg, remaining, true) - order.holdE4;
      const availableE4 = this.accounts.availableE4(keyId);
      if (needE4 > availableE4)
        return venueError(400, 'insufficient_balance', `the amend needs $${e4ToDollars(needE4)} more, the available balance is $${e4ToDollars(availableE4)}`);
    }
    const result = market.amend(
      orderId,
      { price: leg, remaining, selfTradePrevention: order.selfTradePrevention, postOnly: order.postOnly },
      causeOf(keyId, updated ?? order.clientOrderId),
    );
    if (!result) return venueError(400, 'invalid_order', `order ${orderId} is not resting`);
    if (result.rejected) return venueError(400, 'post_only_cross', 'PostOnlyCrossCancel: the amended price would cross the book');
    if (updated !== undefined && updated !== order.clientOrderId) this.store.renameClientOrderId(order, updated);
    order.yesPrice = request.price;
    order.initialCount = request.count;
    order.openingLeft = openingNew;
    this.applyResult(order, market, result);
    this.settleOrder(order, market, result, result.canceled ? reasonFor(result.canceled.reason, result.filled) : 'Amend');
    this.triggerDue();
    return { order, filled: result.filled };
  }

  decrease(keyId: string, orderId: string, request: DecreaseRequest): OrderOutcome | VenueError {
    this.prune();
    const order = this.store.get(orderId);
    if (!order || order.keyId !== keyId) return venueError(404, 'not_found', `no order ${orderId}`);
    if (order.status !== 'resting') return venueError(400, 'invalid_order', `order ${orderId} is ${order.status}, not resting`);
    const amount = 'reduceBy' in request ? request.reduceBy : order.remainingCount - request.reduceTo;
    if (amount < 0)
      return venueError(
        400,
        'invalid_order_size',
        `reduce_to ${hundredthsToCount(order.remainingCount - amount)} is more than the ${hundredthsToCount(order.remainingCount)} resting`,
      );
    const market = this.options.markets.get(order.ticker)!;
    const result = market.decrease(orderId, amount, causeOf(keyId, order.clientOrderId));
    if (!result) return venueError(400, 'invalid_order', `order ${orderId} is not resting`);
    if (result.remaining === 0) {
      this.finishCanceled(order, market, 'Decrease');
    } else {
      order.remainingCount = result.remaining;
      order.openingLeft = Math.min(order.openingLeft, result.remaining);
      this.touch(order, 'Decrease');
      this.updateHold(order, market);
      this.publishOrder(order);
    }
    return { order, filled: 0 };
  }

  /** Fills for accounts' resting orders that a simulated taker traded through. */
  settleMakers(market: Market, result: TakeResult): void {
    for (const execution of result.matches) this.makerFill(market, execution);
    this.triggerDue();
  }

  /** Cancels every account order resting in the market (it closed or was halted). */
  cancelMarketOrders(market: Market, reason: 'CloseCancel' | 'HaltCancel'): void {
    for (const order of this.store.resting()) {
      if (order.ticker !== market.ticker) continue;
      market.cancel(order.orderId, reason, causeOf(order.keyId, order.clientOrderId));
      this.finishCanceled(order, market, reason);
    }
  }

  /** Cancels the resting orders placed with cancel_order_on_pause (trading was paused). */
  cancelOnPause(): void {
    for (const order of this.store.resting()) {
      if (!order.cancelOrderOnPause) continue;
      const market = this.options.markets.get(order.ticker)!;
      market.cancel(order.orderId, 'HaltCancel', causeOf(order.keyId, order.clientOrderId));
      this.finishCanceled(order, market, 'HaltCancel');
    }
  }

  /** Pays out every position of a settled market (1 dollar per winning contract; void returns the cost). */
  settleMarket(market: Market, result: MarketResult): void {
    const nowMs = this.options.clock.now();
    for (const keyId of this.portfolio.holders(market.ticker)) {
      const before = this.portfolio.rows(keyId).get(market.ticker)!;
      const { position, costE4, feesMicros } = before;
      if (position === 0 && costE4 === 0) continue;
      const move = this.portfolio.settle(keyId, market.ticker, result, nowMs)!;
      this.accounts.get(keyId).cashE4 += move.cashE4;
      const list = this.settlements.get(keyId) ?? [];
      list.push({
        ticker: market.ticker,
        eventTicker: market.eventTicker,
        result,
        yesCount: Math.max(position, 0),
        noCount: Math.max(-position, 0),
        yesCostE4: position > 0 ? costE4 : 0,
        noCostE4: position < 0 ? costE4 : 0,
        revenueE4: move.cashE4,
        feesMicros,
        settledMs: nowMs,
      });
      this.settlements.set(keyId, list);
      this.options.publish(move.changed);
    }
  }

  settlementsOf(keyId: string): readonly SettlementRecord[] {
    return this.settlements.get(keyId) ?? [];
  }

  /** Overwrites a position and announces it (test hook). */
  setPosition(keyId: string, ticker: string, position: number, costE4: number): void {
    this.options.publish(this.portfolio.set(keyId, ticker, position, costE4, this.options.clock.now()));
  }

  /** Books the executions and self-trade cancels of a create or amend (the taker is `order`). */
  private applyResult(order: VenueOrder, market: Market, result: SubmitResult): void {
    for (const execution of result.executions) {
      this.applyFill(order, market, execution, execution.taker);
      this.makerFill(market, execution);
    }
    for (const cancel of result.makerCancels) this.makerCanceled(market, cancel);
  }

  /** The order's state after its own request: remainder, status, hold; announced. */
  private settleOrder(order: VenueOrder, market: Market, result: SubmitResult, reason: OrderUpdateReason | undefined): void {
    order.remainingCount = result.resting;
    order.status = result.status;
    order.openingLeft = Math.min(order.openingLeft, result.resting);
    this.touch(order, reason);
    this.updateHold(order, market);
    if (order.status !== 'resting') this.finish(order);
    this.publishOrder(order);
  }

  /** The order is done: its retention starts, it leaves its group. */
  private finish(order: VenueOrder): void {
    this.store.finish(order, order.lastUpdateMs);
    if (order.orderGroupId !== undefined) this.groups.get(order.keyId, order.orderGroupId)?.members.delete(order.orderId);
  }

  private makerFill(market: Market, execution: Execution): void {
    if (execution.maker.owner === undefined) return;
    const maker = this.store.get(execution.maker.orderId);
    if (!maker || maker.status !== 'resting') return;
    this.applyFill(maker, market, execution, execution.maker);
    maker.remainingCount -= execution.count;
    if (maker.remainingCount <= 0) {
      maker.remainingCount = 0;
      maker.status = 'executed';
    }
    this.touch(maker, 'Trade');
    this.updateHold(maker, market);
    if (maker.status !== 'resting') this.finish(maker);
    this.publishOrder(maker);
  }

  private makerCanceled(market: Market, cancel: Cancellation): void {
    const maker = this.store.get(cancel.orderId);
    if (maker && maker.status === 'resting') this.finishCanceled(maker, market, 'SelfTradeCancel');
  }

  /** One side of an execution for an account's order: position, cash, fees, the fill record; `fill` and `market_position` sent. */
  private applyFill(order: VenueOrder, market: Market, execution: Execution, fill: Fill): void {
    const { clock, publish } = this.options;
    const nowMs = clock.now();
    const closing = Math.min(fill.count, closableBy(order.side, this.portfolio.position(order.keyId, order.ticker)));
    const move = this.portfolio.fill(order.keyId, order.ticker, order.side, fill.price, fill.count, fill.feeMicros, nowMs);
    const account = this.accounts.get(order.keyId);
    account.cashE4 += move.cashE4;
    if (fill.isTaker) {
      order.takerFeesMicros += fill.feeMicros;
      order.takerFillCostE4 += fill.count * fill.price;
    } else {
      order.makerFeesMicros += fill.feeMicros;
      order.makerFillCostE4 += fill.count * fill.price;
    }
    // the balance is kept in e4: an order's fees are rounded up to it over all its fills
    const chargedE4 = Math.ceil((order.takerFeesMicros + order.makerFeesMicros) / 100);
    account.cashE4 -= chargedE4 - order.feesChargedE4;
    order.feesChargedE4 = chargedE4;
    order.fillCount += fill.count;
    order.openingLeft = Math.max(0, order.openingLeft - (fill.count - closing));
    this.store.addFill({
      fillId: execution.tradeId,
      keyId: order.keyId,
      orderId: order.orderId,
      ticker: order.ticker,
      side: order.side,
      bookSide: order.bookSide,
      isTaker: fill.isTaker,
      yesPrice: execution.yesPrice,
      count: fill.count,
      feeMicros: fill.feeMicros,
      postPosition: move.changed.position,
      tsMs: nowMs,
    });
    publish({
      kind: 'fill',
      keyId: order.keyId,
      ticker: order.ticker,
      tradeId: execution.tradeId,
      orderId: order.orderId,
      ...(order.clientOrderId !== undefined ? { clientOrderId: order.clientOrderId } : {}),
      isTaker: fill.isTaker,
      orderSide: order.bookSide,
      yesPrice: execution.yesPrice,
      count: fill.count,
      feeMicros: fill.feeMicros,
      postPosition: move.changed.position,
      tsMs: nowMs,
    });
    publish(move.changed);
    this.updateHold(order, market);
    const group = order.orderGroupId !== undefined ? this.groups.get(order.keyId, order.orderGroupId) : undefined;
    if (group && this.groups.addMatched(group, fill.count, nowMs)) this.dueTriggers.add(group);
  }

  private finishCanceled(order: VenueOrder, market: Market, reason: OrderUpdateReason | undefined): void {
    order.remainingCount = 0;
    order.status = 'canceled';
    this.touch(order, reason);
    this.updateHold(order, market);
    this.finish(order);
    this.publishOrder(order);
  }

  private touch(order: VenueOrder, reason: OrderUpdateReason | undefined): void {
    order.lastUpdateMs = this.options.clock.now();
    order.lastUpdateReason = reason;
  }

  /** What the order sets aside of the balance: the cost of what would open a position, and the fee it could pay. */
  private updateHold(order: VenueOrder, market: Market): void {
    const account = this.accounts.get(order.keyId);
    account.heldE4 -= order.holdE4;
    const leg = legPrice(order);
    order.holdE4 =
      order.status === 'resting' && !order.reduceOnly && order.remainingCount > 0
        ? Math.min(order.remainingCount, order.openingLeft) * leg + feeHoldE4(market, leg, order.remainingCount, false)
        : 0;
    account.heldE4 += order.holdE4;
  }

  private publishOrder(order: VenueOrder): void {
    this.options.publish({ kind: 'order', order: snapshotOf(order) });
  }
}

/** Hundredths an order buying `side` closes of `position` (the other leg held). */
function closableBy(side: Side, position: number): number {
  return Math.max(0, side === 'yes' ? -position : position);
}

/** The most fee `count` at `leg` can cost, rounded up to e4. */
function feeHoldE4(market: Market, leg: number, count: number, isTaker: boolean): number {
  return Math.ceil(fillFeeMicros(leg, count, isTaker, market.feeSchedule) / 100);
}

function causeOf(keyId: string, clientOrderId: string | undefined): OrderCause {
  return { keyId, ...(clientOrderId !== undefined ? { clientOrderId } : {}) };
}

function matchesFilter(order: VenueOrder, filter: OrderFilter): boolean {
  return (filter.ticker === undefined || order.ticker === filter.ticker) && (filter.eventTicker === undefined || order.eventTicker === filter.eventTicker);
}
