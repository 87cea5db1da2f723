/**
 * Paper orders over REST (Create Order V2 and cancel, ws-v2.md 9.2 and 9.4) with real
 * matching: a crossing order takes liquidity from the opposite ladder, a resting order
 * joins its level behind the size already there and fills when simulated takers trade
 * through it. Every execution emits `fill` and `market_position` for the order's account.
 */
import { e4ToDollars, hundredthsToCount } from '../../protocol/fixed.js';
import type { Side } from '../../protocol/wire.js';
import type { SimClock } from '../clock.js';
import type { Random } from '../random.js';
import { restError, type RestResponse, type RestRoute } from '../server/rest.js';
import type { RestingOrder } from './bid-ladder.js';
import { otherSide, type Market, type Match, type TakeResult } from './market.js';
import type { EventSink, OrderCause } from './market-events.js';
import { parseOrderRequest } from './order-request.js';
import { Portfolio, takerFeeE4 } from './portfolio.js';

interface PaperOrder {
  readonly orderId: string;
  readonly keyId: string;
  readonly ticker: string;
  readonly orderSide: 'bid' | 'ask';
  readonly clientOrderId?: string;
  readonly resting?: RestingOrder;
}

export interface PaperTradingDependencies {
  readonly markets: ReadonlyMap<string, Market>;
  readonly random: Random;
  readonly clock: SimClock;
  readonly publish: EventSink;
  readonly wholeContracts: boolean;
}

export class PaperTrading {
  readonly portfolio = new Portfolio();
  private readonly orders = new Map<string, PaperOrder>();
  private readonly clientOrderIds = new Set<string>();
  ordersPlaced = 0;

  constructor(private readonly dependencies: PaperTradingDependencies) {}

  routes(restPrefix: string): RestRoute[] {
    const base = `${restPrefix}/portfolio/events/orders`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return [
      { method: 'POST', pattern: new RegExp(`${base}`), handle: (request) => this.place(request.keyId, request.body) },
      { method: 'DELETE', pattern: new RegExp(`${base}/([^/]+)`), handle: (request) => this.cancel(request.keyId, request.params[0]!) },
    ];
  }

  place(keyId: string, body: unknown): RestResponse {
    const { markets, random, clock, wholeContracts } = this.dependencies;
    const request = parseOrderRequest(body, wholeContracts);
    if ('status' in request) return request;
    const market = markets.get(request.ticker);
    if (!market) return restError(404, 'market_not_found', `no market ${request.ticker}`);
    if (!market.isOpen) return restError(400, 'market_closed', `market ${request.ticker} is closed`);
    const clientKey = request.clientOrderId !== undefined ? `${keyId}\n${request.clientOrderId}` : undefined;
    if (clientKey !== undefined && this.clientOrderIds.has(clientKey)) {
      return restError(409, 'duplicate_client_order_id', `client_order_id ${request.clientOrderId} was already used`);
    }
    const takerSide: Side = request.side === 'bid' ? 'yes' : 'no';
    const limit = request.side === 'bid' ? request.price : 100 - request.price;
    let size = request.count;
    if (request.reduceOnly) {
      const position = this.portfolio.position(keyId, request.ticker);
      const reducible = Math.max(request.side === 'bid' ? -position : position, 0);
      if (reducible === 0) return restError(400, 'invalid_order', 'ReduceOnlyCancel: no position to reduce');
      size = Math.min(size, reducible);
    }
    const bestOpposite = market.ladders[otherSide(takerSide)].best();
    const crosses = bestOpposite > 0 && 100 - bestOpposite <= limit;
    if (request.postOnly && crosses) {
      return restError(400, 'post_only_cross', 'PostOnlyCrossCancel: a post-only order would cross the book');
    }
    const orderId = random.uuid();
    this.ordersPlaced += 1;
    if (clientKey !== undefined) this.clientOrderIds.add(clientKey);
    const cause: OrderCause = { keyId, ...(request.clientOrderId !== undefined ? { clientOrderId: request.clientOrderId } : {}) };
    const killed = request.timeInForce === 'fill_or_kill' && market.availableToTake(takerSide, limit, keyId) < size;
    const result: TakeResult =
      crosses && !killed
        ? market.take({ takerSide, limit, size, cause, selfTrade: request.selfTrade })
        : { matches: [], filled: 0, stoppedBySelfTrade: false };
    let feesE4 = 0;
    let yesNotional = 0;
    for (const match of result.matches) {
      const legPrice = takerSide === 'yes' ? match.yesPrice : 100 - match.yesPrice;
      const feeE4 = takerFeeE4(match.count, legPrice);
      feesE4 += feeE4;
      yesNotional += match.count * match.yesPrice;
      this.execute({ keyId, ticker: market.ticker, orderId, clientOrderId: request.clientOrderId, orderSide: request.side }, true, match, feeE4);
    }
    this.settleMakers(market, result);
    const remaining = size - result.filled;
    let resting: RestingOrder | undefined;
    if (request.timeInForce === 'good_till_canceled' && remaining > 0 && !result.stoppedBySelfTrade) {
      resting = { orderId, side: takerSide, price: limit, remaining, keyId, ...(request.clientOrderId !== undefined ? { clientOrderId: request.clientOrderId } : {}) };
      market.rest(resting, cause);
    }
    this.orders.set(orderId, {
      orderId,
      keyId,
      ticker: market.ticker,
      orderSide: request.side,
      ...(request.clientOrderId !== undefined ? { clientOrderId: request.clientOrderId } : {}),
      ...(resting ? { resting } : {}),
    });
    const averages =
      result.filled > 0
        ? {
            average_fill_price: e4ToDollars(Math.round((yesNotional * 100) / result.filled)),
            average_fee_paid: e4ToDollars(Math.round((feesE4 * 100) / result.filled)),
          }
        : {};
    return {
      status: 201,
      body: {
        order_id: orderId,
        ...(request.clientOrderId !== undefined ? { client_order_id: request.clientOrderId } : {}),
        fill_count: hundredthsToCount(result.filled),
        remaining_count: hundredthsToCount(resting ? remaining : 0),
        ...averages,
        ts_ms: clock.now(),
      },
    };
  }

  cancel(keyId: string, orderId: string): RestResponse {
    const order = this.orders.get(orderId);
    if (!order || order.keyId !== keyId) return restError(404, 'not_found', `no order ${orderId}`);
    const market = this.dependencies.markets.get(order.ticker)!;
    const cause: OrderCause = { keyId, ...(order.clientOrderId !== undefined ? { clientOrderId: order.clientOrderId } : {}) };
    const reducedBy = order.resting && order.resting.remaining > 0 ? market.reduce(order.resting, order.resting.remaining, cause) : 0;
    return {
      status: 200,
      body: {
        order_id: order.orderId,
        ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
        reduced_by: hundredthsToCount(reducedBy),
        ts_ms: this.dependencies.clock.now(),
      },
    };
  }

  /** Fills for paper orders that rested on the book and were traded through. */
  settleMakers(market: Market, result: TakeResult): void {
    for (const match of result.matches) {
      const order = match.maker.keyId !== undefined ? this.orders.get(match.maker.orderId) : undefined;
      if (!order) continue;
      this.execute(order, false, match, 0);
    }
  }

  /** Overwrites a position and announces it (test hook). */
  setPosition(keyId: string, ticker: string, position: number, costE4: number): void {
    this.dependencies.publish(this.portfolio.set(keyId, ticker, position, costE4));
  }

  /** Books one execution of an order and announces the fill and the new position. */
  private execute(
    order: Pick<PaperOrder, 'keyId' | 'ticker' | 'orderId' | 'orderSide'> & { clientOrderId?: string | undefined },
    isTaker: boolean,
    match: Match,
    feeE4: number,
  ): void {
    const bought: Side = order.orderSide === 'bid' ? 'yes' : 'no';
    const legPrice = bought === 'yes' ? match.yesPrice : 100 - match.yesPrice;
    const position = this.portfolio.applyFill(order.keyId, order.ticker, bought, legPrice, match.count, feeE4);
    this.dependencies.publish({
      kind: 'fill',
      keyId: order.keyId,
      ticker: order.ticker,
      tradeId: match.tradeId,
      orderId: order.orderId,
      ...(order.clientOrderId !== undefined ? { clientOrderId: order.clientOrderId } : {}),
      isTaker,
      orderSide: order.orderSide,
      yesPrice: match.yesPrice,
      count: match.count,
      feeE4,
      postPosition: position.position,
      tsMs: this.dependencies.clock.now(),
    });
    this.dependencies.publish(position);
  }
}
