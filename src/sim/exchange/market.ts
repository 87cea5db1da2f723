/**
 * One simulated market: a hidden fair price, two bid ladders (YES and NO), the matching of
 * a taker against the opposite ladder, and the events each change produces.
 */
import type { BookSnapshot } from '../../protocol/decode.js';
import type { Side } from '../../protocol/wire.js';
import type { SimClock } from '../clock.js';
import type { Random } from '../random.js';
import { BidLadder, type RestingOrder } from './bid-ladder.js';
import type { EventSink, MarketCloseType, OrderCause, TickerChanged } from './market-events.js';

const CLOSE_STAGES: readonly MarketCloseType[] = ['deactivated', 'determined', 'settled'];

export type SelfTradePrevention = 'taker_at_cross' | 'maker';

export interface TakeRequest {
  /** the leg the taker buys */
  readonly takerSide: Side;
  /** the most the taker pays on its own leg, in ticks */
  readonly limit: number;
  readonly size: number;
  /** set for paper orders: annotates the deltas, drives self-trade prevention */
  readonly cause?: OrderCause;
  readonly selfTrade?: SelfTradePrevention;
}

export interface Match {
  readonly maker: RestingOrder;
  readonly count: number;
  readonly yesPrice: number;
  readonly tradeId: string;
}

export interface TakeResult {
  readonly matches: Match[];
  readonly filled: number;
  readonly stoppedBySelfTrade: boolean;
}

export function otherSide(side: Side): Side {
  return side === 'yes' ? 'no' : 'yes';
}

export class Market {
  readonly ladders: Record<Side, BidLadder> = { yes: new BidLadder(), no: new BidLadder() };
  /** hidden fair price of YES in ticks (fractional), 1..99; decides the result when the market is determined */
  fair: number;
  closedBy: MarketCloseType | undefined;
  lastTradePrice = 0;
  lastTradeSize = 0;
  volume = 0;
  openInterest = 0;
  private lastTickerSignature = '';

  constructor(
    readonly ticker: string,
    readonly marketId: string,
    fair: number,
    /** generated markets may close on their own; configured ones never do */
    readonly closable: boolean,
    private readonly random: Random,
    private readonly clock: SimClock,
    private readonly sink: EventSink,
  ) {
    this.fair = fair;
  }

  get isOpen(): boolean {
    return this.closedBy === undefined;
  }

  snapshot(): BookSnapshot {
    return { ticker: this.ticker, yes: this.ladders.yes.levels(), no: this.ladders.no.levels() };
  }

  /** Puts an order on its ladder (behind the size already at that price). */
  rest(order: RestingOrder, cause?: OrderCause): void {
    this.ladders[order.side].add(order);
    this.emitBook(order.side, order.price, order.remaining, cause);
    this.publishTicker();
  }

  /** Takes up to `amount` off a resting order; returns what was removed. */
  reduce(order: RestingOrder, amount: number, cause?: OrderCause): number {
    const removed = this.ladders[order.side].reduce(order, amount);
    if (removed > 0) {
      this.emitBook(order.side, order.price, -removed, cause);
      this.publishTicker();
    }
    return removed;
  }

  /**
   * A taker buying `takerSide` up to `limit` ticks: consumes the opposite ladder from its
   * best level down, first in first out within a level. One delta and one trade per level.
   */
  take(request: TakeRequest): TakeResult {
    const makerSide = otherSide(request.takerSide);
    const ladder = this.ladders[makerSide];
    const matches: Match[] = [];
    let remaining = request.size;
    let stoppedBySelfTrade = false;
    for (let price = ladder.best(); price > 0 && 100 - price <= request.limit && remaining > 0; price = ladder.best()) {
      const tradeId = this.random.uuid();
      const yesPrice = request.takerSide === 'yes' ? 100 - price : price;
      let traded = 0;
      let removed = 0;
      for (const maker of [...ladder.queueAt(price)]) {
        if (remaining === 0) break;
        if (request.cause && maker.keyId === request.cause.keyId) {
          if (request.selfTrade !== 'maker') {
            stoppedBySelfTrade = true;
            break;
          }
          // `maker` prevention: the resting order of the same account is cancelled
          removed += ladder.reduce(maker, maker.remaining);
          continue;
        }
        const count = ladder.reduce(maker, Math.min(remaining, maker.remaining));
        remaining -= count;
        traded += count;
        removed += count;
        matches.push({ maker, count, yesPrice, tradeId });
      }
      if (removed > 0) this.emitBook(makerSide, price, -removed, request.cause);
      if (traded > 0) this.recordTrade(tradeId, yesPrice, traded, request.takerSide);
      if (stoppedBySelfTrade) break;
    }
    this.publishTicker();
    return { matches, filled: request.size - remaining, stoppedBySelfTrade };
  }

  /** Size a taker buying `takerSide` could get at or better than `limit`, ignoring its own orders. */
  availableToTake(takerSide: Side, limit: number, excludeKeyId?: string): number {
    const ladder = this.ladders[otherSide(takerSide)];
    let total = 0;
    for (const price of ladder.activePrices()) {
      if (100 - price > limit) continue;
      for (const order of ladder.queueAt(price)) if (order.keyId === undefined || order.keyId !== excludeKeyId) total += order.remaining;
    }
    return total;
  }

  /** Closes the market (it stops updating); a later stage (deactivated < determined < settled) is announced too. */
  close(eventType: MarketCloseType): void {
    if (this.closedBy !== undefined && CLOSE_STAGES.indexOf(eventType) <= CLOSE_STAGES.indexOf(this.closedBy)) return;
    this.closedBy = eventType;
    const result: Side = this.fair >= 50 ? 'yes' : 'no';
    this.sink({
      kind: 'lifecycle',
      ticker: this.ticker,
      eventType,
      ...(eventType === 'deactivated' ? {} : { result }),
      tsMs: this.clock.now(),
    });
  }

  /** The market's top of book, last trade and volume, as a ticker event. */
  tickerState(): TickerChanged {
    const yesBid = this.ladders.yes.best();
    const noBid = this.ladders.no.best();
    return {
      kind: 'ticker',
      ticker: this.ticker,
      marketId: this.marketId,
      lastPrice: this.lastTradePrice,
      lastTradeSize: this.lastTradeSize,
      yesBid,
      yesBidSize: this.ladders.yes.sizeAt(yesBid),
      yesAsk: noBid > 0 ? 100 - noBid : 100,
      yesAskSize: noBid > 0 ? this.ladders.no.sizeAt(noBid) : 0,
      volume: this.volume,
      openInterest: this.openInterest,
      tsMs: this.clock.now(),
    };
  }

  /** Emits a ticker event when the top of book, the last trade or the volume changed. */
  publishTicker(): void {
    const state = this.tickerState();
    const signature = `${state.yesBid}:${state.yesBidSize}:${state.yesAsk}:${state.yesAskSize}:${state.lastPrice}:${state.volume}`;
    if (signature === this.lastTickerSignature) return;
    this.lastTickerSignature = signature;
    this.sink(state);
  }

  private recordTrade(tradeId: string, yesPrice: number, count: number, takerSide: Side): void {
    this.lastTradePrice = yesPrice;
    this.lastTradeSize = count;
    this.volume += count;
    this.openInterest += count;
    this.sink({ kind: 'trade', ticker: this.ticker, tradeId, yesPrice, count, takerSide, tsMs: this.clock.now() });
  }

  private emitBook(side: Side, price: number, delta: number, cause?: OrderCause): void {
    this.sink({
      kind: 'book',
      ticker: this.ticker,
      marketId: this.marketId,
      side,
      price,
      delta,
      tsMs: this.clock.now(),
      ...(cause ? { cause } : {}),
    });
  }
}
