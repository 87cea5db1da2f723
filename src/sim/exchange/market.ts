/**
 * One simulated market: a hidden fair price, its order book (the matching engine of
 * src/matching), its series and fee schedule, and the public events each change produces
 * (book deltas, trades, ticker, lifecycle). Orders of accounts and of the simulated crowd
 * share the one book.
 */
import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from '../../fees/fee-model.js';
import type {
  AmendChange,
  AmendResult,
  BidLadder,
  CancelReason,
  Cancellation,
  DecreaseResult,
  Execution,
  LevelChange,
  NewOrder,
  BookOrder,
  SubmitResult,
} from '../../matching/index.js';
import { OrderBook, otherSide } from '../../matching/index.js';
import type { BookSnapshot } from '../../protocol/decode.js';
import type { Side } from '../../protocol/wire.js';
import { type Clock } from '../../clock/clock.js';
import type { Random } from '../random.js';
import type { ExchangeEventSink, MarketCloseType, MarketResult, OrderCause, TickerChanged } from './market-events.js';

export { otherSide };

const CLOSE_STAGES: readonly MarketCloseType[] = ['deactivated', 'determined', 'settled'];
const VOLUME_BUCKET_MS = 5 * 60_000;
const DAY_MS = 24 * 3_600_000;
/** the id under which an anonymous taker's order passes through the book (it never rests) */
const CROWD_TAKER_ID = 'crowd-taker';

export interface TakeRequest {
  /** the leg the taker buys */
  readonly takerSide: Side;
  /** the most the taker pays on its own leg, in ticks */
  readonly limit: number;
  readonly size: number;
}

export interface TakeResult {
  /** every match, in order (maker, count, YES price, trade id) */
  readonly matches: readonly Execution[];
  readonly filled: number;
}

export interface MarketDetails {
  readonly feeSchedule?: FeeSchedule;
  readonly openTimeMs?: number;
  readonly closeTimeMs?: number;
}

/** The series of a Kalshi-shaped ticker: what comes before the first dash (KXSIMA-26JAN01-T42 -> KXSIMA). */
export function seriesOf(ticker: string): string {
  const dash = ticker.indexOf('-');
  return dash > 0 ? ticker.slice(0, dash) : ticker;
}

/** The event of a Kalshi-shaped ticker: all but the last dash-separated part (KXSIMA-26JAN01-T42 -> KXSIMA-26JAN01). */
export function eventOf(ticker: string): string {
  const dash = ticker.lastIndexOf('-');
  return dash > 0 ? ticker.slice(0, dash) : ticker;
}

export class Market {
  readonly book: OrderBook;
  readonly seriesTicker: string;
  readonly eventTicker: string;
  /** hidden fair price of YES in ticks (fractional), 1..99; decides the result when the market is determined */
  fair: number;
  closedBy: MarketCloseType | undefined;
  result: MarketResult | undefined;
  readonly openTimeMs: number;
  closeTimeMs: number;
  lastTradePrice = 0;
  lastTradeSize = 0;
  volume = 0;
  openInterest = 0;
  private lastTickerSignature = '';
  private readonly volumeBuckets: Array<{ startMs: number; volume: number }> = [];
  private volumeInBuckets = 0;

  constructor(
    readonly ticker: string,
    readonly marketId: string,
    fair: number,
    /** generated markets may close on their own; configured ones never do */
    readonly closable: boolean,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly sink: ExchangeEventSink,
    details: MarketDetails = {},
  ) {
    this.fair = fair;
    this.book = new OrderBook({ nextTradeId: () => this.random.uuid(), feeSchedule: details.feeSchedule ?? DEFAULT_FEE_SCHEDULE });
    this.seriesTicker = seriesOf(ticker);
    this.eventTicker = eventOf(ticker);
    this.openTimeMs = details.openTimeMs ?? clock.now();
    this.closeTimeMs = details.closeTimeMs ?? this.openTimeMs + DAY_MS;
  }

  get ladders(): Readonly<Record<Side, BidLadder>> {
    return this.book.ladders;
  }

  get feeSchedule(): FeeSchedule {
    return this.book.feeSchedule;
  }

  set feeSchedule(schedule: FeeSchedule) {
    this.book.feeSchedule = schedule;
  }

  get isOpen(): boolean {
    return this.closedBy === undefined;
  }

  snapshot(): BookSnapshot {
    return { ticker: this.ticker, yes: this.ladders.yes.levels(), no: this.ladders.no.levels() };
  }

  /** Puts a participant's order on its ladder (behind the size already at that price), without matching. */
  rest(order: BookOrder, cause?: OrderCause): void {
    this.emitBook(this.book.rest(order), cause);
    this.publishTicker();
  }

  /** Takes up to `amount` off a resting order; returns what was removed. */
  reduce(order: BookOrder, amount: number, cause?: OrderCause): number {
    const change = this.book.reduce(order, amount);
    if (!change) return 0;
    this.emitBook(change, cause);
    this.publishTicker();
    return -change.delta;
  }

  /**
   * An anonymous taker buying `takerSide` up to `limit` ticks (immediate or cancel): consumes
   * the opposite ladder from its best level down, first in first out within a level.
   */
  take(request: TakeRequest): TakeResult {
    const result = this.submit({
      orderId: CROWD_TAKER_ID,
      side: request.takerSide,
      price: request.limit,
      count: request.size,
      timeInForce: 'immediate_or_cancel',
    });
    return { matches: result.executions, filled: result.filled };
  }

  /** An order through the matching engine; publishes what it changed. */
  submit(order: NewOrder, cause?: OrderCause): SubmitResult {
    const result = this.book.submit(order);
    this.publishChanges(result.bookChanges, result.executions, cause);
    return result;
  }

  amend(orderId: string, change: AmendChange, cause?: OrderCause): AmendResult | undefined {
    const result = this.book.amend(orderId, change);
    if (result) this.publishChanges(result.bookChanges, result.executions, cause);
    return result;
  }

  decrease(orderId: string, amount: number, cause?: OrderCause): DecreaseResult | undefined {
    const result = this.book.decrease(orderId, amount);
    if (result?.change) this.publishChanges([result.change], [], cause);
    return result;
  }

  cancel(orderId: string, reason: CancelReason, cause?: OrderCause): Cancellation | undefined {
    const cancellation = this.book.cancel(orderId, reason);
    if (cancellation && cancellation.count > 0) {
      this.publishChanges([{ side: cancellation.side, price: cancellation.price, delta: -cancellation.count }], [], cause);
    }
    return cancellation;
  }

  /**
   * Closes the market (it stops updating); a later stage (deactivated < determined < settled)
   * is announced too. The result is fixed the first time the market is determined: the one
   * given, or the side of the fair price.
   */
  close(eventType: MarketCloseType, result?: MarketResult): void {
    if (this.closedBy !== undefined && CLOSE_STAGES.indexOf(eventType) <= CLOSE_STAGES.indexOf(this.closedBy)) return;
    if (this.closedBy === undefined) this.closeTimeMs = this.clock.now();
    this.closedBy = eventType;
    if (eventType !== 'deactivated') this.result ??= result ?? (this.fair >= 50 ? 'yes' : 'no');
    this.sink({
      kind: 'lifecycle',
      ticker: this.ticker,
      eventType,
      ...(eventType === 'deactivated' ? {} : { result: this.result! }),
      tsMs: this.clock.now(),
    });
  }

  /** Contracts (hundredths) traded over the last 24 hours of simulator time, in 5-minute buckets. */
  volume24h(): number {
    this.expireVolume(this.clock.now());
    return this.volumeInBuckets;
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

  /**
   * Book deltas and trades in the order they happened: each level the taker consumed, then
   * the trades at that level; then the ticker once.
   */
  private publishChanges(changes: readonly LevelChange[], executions: readonly Execution[], cause: OrderCause | undefined): void {
    let next = 0;
    for (const change of changes) {
      this.emitBook(change, cause);
      while (next < executions.length && executions[next]!.maker.side === change.side && executions[next]!.maker.price === change.price) {
        this.recordTrade(executions[next]!);
        next += 1;
      }
    }
    this.publishTicker();
  }

  private recordTrade(execution: Execution): void {
    const { tradeId, yesPrice, count, takerSide } = execution;
    const nowMs = this.clock.now();
    this.lastTradePrice = yesPrice;
    this.lastTradeSize = count;
    this.volume += count;
    this.openInterest += count;
    this.addVolume(nowMs, count);
    this.sink({ kind: 'trade', ticker: this.ticker, tradeId, yesPrice, count, takerSide, tsMs: nowMs });
  }

  private addVolume(nowMs: number, count: number): void {
    const startMs = nowMs - (nowMs % VOLUME_BUCKET_MS);
    const last = this.volumeBuckets.at(-1);
    if (last && last.startMs === startMs) last.volume += count;
    else this.volumeBuckets.push({ startMs, volume: count });
    this.volumeInBuckets += count;
    this.expireVolume(nowMs);
  }

  private expireVolume(nowMs: number): void {
    while (this.volumeBuckets.length > 0 && this.volumeBuckets[0]!.startMs + VOLUME_BUCKET_MS <= nowMs - DAY_MS) {
      this.volumeInBuckets -= this.volumeBuckets.shift()!.volume;
    }
  }

  private emitBook(change: LevelChange, cause?: OrderCause): void {
    this.sink({
      kind: 'book',
      ticker: this.ticker,
      marketId: this.marketId,
      side: change.side,
      price: change.price,
      delta: change.delta,
      tsMs: this.clock.now(),
      ...(cause ? { cause } : {}),
    });
  }
}
