/**
 * The sandbox venue: orders rest in a queue-position model (matching/queue-model.ts) of the
 * real market, fed the public feed (book snapshots and deltas, trades), instead of going to
 * an exchange. Used by `mm backtest` over recordings; the same venue can sit behind the
 * engine fed the live feed (execution.mode sandbox).
 *
 * It answers like Kalshi's V2 order entry as the execution core sees it: a create is
 * answered when it has arrived (after the model's entry latency), having taken what it
 * crosses; a post-only order that would cross is refused (`post_only_cross`), a reduce-only
 * order without a position to reduce is refused (`invalid_order`) and one larger than the
 * position is capped; an IOC's rest is cancelled. A cancel answers the size it took off
 * (0 when nothing rested any more), a decrease keeps the queue place, an amend to a new
 * price or a larger size goes to the back of the queue. Fills go to the listeners with
 * Kalshi's fee for the market's fee schedule (makers pay only where the schedule charges
 * them), then the position.
 *
 * Time: requests are timed by the injected clock; feed events by the time their frames
 * carry (else the clock's). A request's latency is waited out on the clock's timers.
 *
 * Its PnL is an estimate: the replayed book does not react to our orders (what we take
 * stays visible, nobody trades against our quotes but the recorded takers).
 */
import type { Clock, TimerHandle } from '../clock/clock.js';
import { DEFAULT_FEE_SCHEDULE, fillFeeMicros, type FeeSchedule } from '../fees/fee-model.js';
import { QueueModel, type QueueEvent, type QueueModelConfig } from '../matching/queue-model.js';
import { decodeDelta, decodeSnapshot, type BookDelta, type BookSnapshot } from '../protocol/decode.js';
import { countToHundredths, dollarsToTicks, legacyCentsToTicks, legacyCountToHundredths, ProtocolError } from '../protocol/fixed.js';
import { frameTimeMs } from '../protocol/frame-time.js';
import { isJsonObject } from '../protocol/json-object.js';
import type { OrderbookDeltaMsg, OrderbookSnapshotMsg, Side } from '../protocol/wire.js';
import { checkOrderIntent, toVenueQuote, type Leg, type OrderAction, type OrderIntent } from './order-request.js';
import {
  VenueRefusedError,
  type AmendRequest,
  type Venue,
  type VenueFill,
  type VenueHandlers,
  type VenueHolding,
  type VenueOrder,
  type VenueOrderAck,
} from './venue.js';

/** A public trade: the leg the taker bought, the YES-leg price, the size. */
export interface PublicTrade {
  readonly ticker: string;
  readonly takerSide: Side;
  /** ticks on the YES leg */
  readonly yesPrice: number;
  /** hundredths */
  readonly count: number;
  readonly tsMs?: number;
}

/** The public feed, decoded. */
export type SandboxFeedEvent =
  | { readonly kind: 'snapshot'; readonly snapshot: BookSnapshot; readonly tsMs?: number }
  | { readonly kind: 'delta'; readonly delta: BookDelta }
  | { readonly kind: 'trade'; readonly trade: PublicTrade };

/** A `trade` message (current or legacy format) -> PublicTrade; throws ProtocolError. */
export function decodeTrade(msg: Record<string, unknown>): PublicTrade {
  const ticker = msg.market_ticker;
  if (typeof ticker !== 'string' || ticker === '') throw new ProtocolError('trade: missing market_ticker');
  const yesPrice =
    msg.yes_price_dollars !== undefined ? dollarsToTicks(msg.yes_price_dollars, 'yes_price_dollars') : legacyCentsToTicks(msg.yes_price, 'yes_price');
  const count = msg.count_fp !== undefined ? countToHundredths(msg.count_fp, 'count_fp') : legacyCountToHundredths(msg.count, 'count');
  const book = msg.taker_book_side === 'bid' ? 'yes' : msg.taker_book_side === 'ask' ? 'no' : undefined;
  const takerSide =
    msg.taker_outcome_side === 'yes' || msg.taker_outcome_side === 'no'
      ? msg.taker_outcome_side
      : msg.taker_side === 'yes' || msg.taker_side === 'no'
        ? msg.taker_side
        : book;
  if (takerSide === undefined) throw new ProtocolError('trade: no taker_outcome_side, taker_side or taker_book_side');
  if (count <= 0) throw new ProtocolError(`trade: count must be positive, got ${count}`);
  const tsMs = frameTimeMs(msg);
  return { ticker, takerSide, yesPrice, count, ...(tsMs !== undefined ? { tsMs } : {}) };
}

/** A feed message of the type given as a SandboxFeedEvent; undefined for types the sandbox does not read. Throws ProtocolError. */
export function feedEvent(type: unknown, msg: Record<string, unknown>): SandboxFeedEvent | undefined {
  switch (type) {
    case 'orderbook_snapshot':
      return { kind: 'snapshot', snapshot: decodeSnapshot(msg as unknown as OrderbookSnapshotMsg) };
    case 'orderbook_delta':
      return { kind: 'delta', delta: decodeDelta(msg as unknown as OrderbookDeltaMsg) };
    case 'trade':
      return { kind: 'trade', trade: decodeTrade(msg) };
    default:
      return undefined;
  }
}

export interface SandboxVenueOptions {
  readonly clock: Clock;
  /** the queue model and latencies (default: risk averse, no latency) */
  readonly queue?: Partial<QueueModelConfig>;
  /** each market's fee schedule (default Kalshi's: takers only) */
  readonly feeSchedule?: (ticker: string) => FeeSchedule;
  readonly label?: string;
  /** a feed frame that could not be read (the frame is skipped) */
  readonly onProblem?: (problem: string) => void;
  /**
   * The time a feed event happens at: `frame` (default) the exchange time it carries, for
   * replays on an exchange clock; `clock` the venue's clock when it is ingested, for a live
   * feed beside wall-clock requests (so the host's clock offset does not move fills).
   */
  readonly feedTime?: 'frame' | 'clock';
}

/** Time each market had orders resting, ms. */
export interface QuoteTime {
  readonly ticker: string;
  /** at least one order resting */
  readonly quotedMs: number;
  /** orders resting on both sides of the YES book (a bid and an ask) */
  readonly twoSidedMs: number;
  /** first and last feed time seen */
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
  /** public trades seen */
  readonly trades: number;
}

interface Pending {
  readonly kind: 'create' | 'cancel' | 'amend' | 'decrease';
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
  readonly orderId: string;
  readonly amend?: AmendRequest;
}

interface Record_ {
  order: VenueOrder;
  /** the leg and action as placed (VenueOrder has them too; kept for the queue side) */
  readonly queueSide: Side;
  arrived: boolean;
}

interface MarketState {
  readonly ticker: string;
  readonly model: QueueModel;
  /** requests not answered yet, by the model's request number */
  readonly pending: Map<number, Pending>;
  /** answers that came while their request was being sent (no latency), by request number */
  readonly early: Map<number, QueueEvent>;
  /** orders resting on each side of the book */
  restingBySide: Record<Side, number>;
  quotedMs: number;
  twoSidedMs: number;
  sinceMs: number | undefined;
  firstMs: number | undefined;
  lastMs: number | undefined;
  timer: { handle: TimerHandle; atMs: number } | undefined;
  trades: number;
}

const NO_HANDLERS: VenueHandlers = { fill: () => undefined, orderEnded: () => undefined, position: () => undefined, settled: () => undefined };

/** The book side and price on that side's leg an order rests at. */
function queuePlace(leg: Leg, action: OrderAction, price: number): { side: Side; price: number } {
  const quote = toVenueQuote(leg, action, price);
  return quote.side === 'bid' ? { side: 'yes', price: quote.yesPrice } : { side: 'no', price: 100 - quote.yesPrice };
}

export class SandboxVenue implements Venue {
  readonly label: string;
  readonly #options: SandboxVenueOptions;
  #handlers: VenueHandlers = NO_HANDLERS;
  readonly #markets = new Map<string, MarketState>();
  /** the markets with a request in flight (their model has a next due time): nextDueMs looks only at them */
  readonly #withDue = new Set<MarketState>();
  readonly #records = new Map<string, Record_>();
  readonly #byClientId = new Map<string, string>();
  /** every fill given, by order id (fills()) */
  readonly #fillsOf = new Map<string, VenueFill[]>();
  #nextOrder = 1;
  #nextTrade = 1;
  /** answers given (promises settled), so a driver knows when to let them run */
  #answers = 0;
  #closed = false;

  constructor(options: SandboxVenueOptions) {
    this.#options = options;
    this.label = options.label ?? 'sandbox';
    new QueueModel(options.queue); // checks the configuration now
  }

  /** Requests answered so far. */
  get answers(): number {
    return this.#answers;
  }

  listen(handlers: VenueHandlers): void {
    this.#handlers = handlers;
  }

  // ---- the public feed ----------------------------------------------------------------

  /** A raw feed frame (its JSON text); types other than book and trade frames are ignored. Returns false for an unreadable one. */
  ingestFrame(text: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.#options.onProblem?.(`feed frame is not JSON: ${text.slice(0, 120)}`);
      return false;
    }
    if (!isJsonObject(parsed) || !isJsonObject(parsed.msg)) return true;
    try {
      const event = feedEvent(parsed.type, parsed.msg);
      if (event !== undefined) this.ingest(event);
    } catch (error) {
      this.#options.onProblem?.(`feed frame skipped (${(error as Error).message}): ${text.slice(0, 120)}`);
      return false;
    }
    return true;
  }

  /** A decoded feed event. Throws RangeError on a level or trade out of range. */
  ingest(event: SandboxFeedEvent): void {
    const now = this.#options.clock.now();
    const byClock = this.#options.feedTime === 'clock';
    if (event.kind === 'snapshot') {
      const market = this.#market(event.snapshot.ticker);
      const at = byClock ? now : (event.tsMs ?? now);
      this.#seen(market, at);
      try {
        market.model.snapshot(event.snapshot.yes, event.snapshot.no, at);
      } finally {
        this.#touched(market);
      }
    } else if (event.kind === 'delta') {
      const { delta } = event;
      const market = this.#market(delta.ticker);
      const at = byClock ? now : (delta.tsMs ?? now);
      this.#seen(market, at);
      try {
        market.model.delta(delta.side, delta.price, delta.delta, delta.own === true, at);
      } finally {
        this.#touched(market);
      }
    } else {
      const { trade } = event;
      const market = this.#market(trade.ticker);
      const at = byClock ? now : (trade.tsMs ?? now);
      this.#seen(market, at);
      market.trades += 1;
      const makerSide: Side = trade.takerSide === 'yes' ? 'no' : 'yes';
      try {
        market.model.trade(makerSide, makerSide === 'yes' ? trade.yesPrice : 100 - trade.yesPrice, trade.count, at);
      } finally {
        this.#touched(market);
      }
    }
  }

  /** Lets every market's model catch up with the time (requests due by then take effect). */
  advance(nowMs: number): void {
    for (const market of this.#markets.values()) {
      try {
        market.model.advance(nowMs);
      } finally {
        this.#touched(market);
      }
    }
  }

  /** The earliest time a request in flight takes effect, or undefined. */
  nextDueMs(): number | undefined {
    let due: number | undefined;
    for (const market of this.#withDue) {
      const next = market.model.nextDueMs();
      if (next !== undefined && (due === undefined || next < due)) due = next;
    }
    return due;
  }

  /** The best visible bids of a market, as the sandbox sees them. */
  top(ticker: string): { yesBid: number; noBid: number } {
    const market = this.#markets.get(ticker);
    return { yesBid: market?.model.bestBid('yes') ?? 0, noBid: market?.model.bestBid('no') ?? 0 };
  }

  /** Time quoted per market up to `nowMs`, by ticker. */
  quoteTimes(nowMs = this.#options.clock.now()): QuoteTime[] {
    return [...this.#markets.values()]
      .sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0))
      .map((market) => {
        const open = market.sinceMs !== undefined ? Math.max(0, nowMs - market.sinceMs) : 0;
        const twoSided = market.restingBySide.yes > 0 && market.restingBySide.no > 0 && market.sinceMs !== undefined ? open : 0;
        return {
          ticker: market.ticker,
          quotedMs: market.quotedMs + (market.restingBySide.yes + market.restingBySide.no > 0 ? open : 0),
          twoSidedMs: market.twoSidedMs + twoSided,
          firstMs: market.firstMs,
          lastMs: market.lastMs,
          trades: market.trades,
        };
      });
  }

  // ---- requests -----------------------------------------------------------------------

  create(intent: OrderIntent): Promise<VenueOrderAck> {
    const problem = this.#closed ? { field: 'venue', message: 'the sandbox venue is closed' } : checkOrderIntent(intent);
    if (problem) return Promise.reject(new VenueRefusedError('invalid_order', `${problem.field}: ${problem.message}`, 400));
    if (intent.timeInForce === 'fill_or_kill')
      return Promise.reject(new VenueRefusedError('invalid_order', 'fill_or_kill is not supported by the sandbox venue', 400));
    if (this.#byClientId.has(intent.clientOrderId)) {
      return Promise.reject(new VenueRefusedError('duplicate_client_order_id', `client_order_id ${intent.clientOrderId} was already used`, 409));
    }
    const market = this.#market(intent.ticker);
    const orderId = `sb-${(this.#nextOrder++).toString(36)}`;
    const place = queuePlace(intent.leg, intent.action, intent.price);
    const order: VenueOrder = {
      orderId,
      clientOrderId: intent.clientOrderId,
      ticker: intent.ticker,
      leg: intent.leg,
      action: intent.action,
      price: intent.price,
      remaining: intent.size,
      filled: 0,
      status: 'resting',
    };
    this.#records.set(orderId, { order, queueSide: place.side, arrived: false });
    this.#byClientId.set(intent.clientOrderId, orderId);
    return new Promise<VenueOrderAck>((resolve, reject) => {
      let request: number;
      try {
        request = market.model.submit(
          {
            id: orderId,
            side: place.side,
            price: place.price,
            size: intent.size,
            postOnly: intent.postOnly,
            immediateOrCancel: intent.timeInForce === 'immediate_or_cancel',
            reduceOnly: intent.reduceOnly,
          },
          this.#options.clock.now(),
        );
      } finally {
        this.#touched(market);
      }
      this.#await(market, request, { kind: 'create', resolve: resolve as (value: never) => void, reject, orderId });
    });
  }

  cancel(target: { readonly orderId: string; readonly ticker: string }): Promise<number> {
    const record = this.#records.get(target.orderId);
    if (!record || record.order.ticker !== target.ticker) return Promise.reject(new VenueRefusedError('not_found', `no order ${target.orderId}`, 404));
    if (record.order.status !== 'resting') return this.#answered(0);
    const market = this.#market(target.ticker);
    return new Promise<number>((resolve, reject) => {
      let request: number;
      try {
        request = market.model.cancel(target.orderId, this.#options.clock.now());
      } finally {
        this.#touched(market);
      }
      this.#await(market, request, { kind: 'cancel', resolve: resolve as (value: never) => void, reject, orderId: target.orderId });
    });
  }

  amend(request: AmendRequest): Promise<{ readonly remaining: number; readonly filled: number }> {
    const record = this.#records.get(request.orderId);
    if (!record || record.order.ticker !== request.ticker) return Promise.reject(new VenueRefusedError('not_found', `no order ${request.orderId}`, 404));
    const { order } = record;
    if (request.leg !== order.leg || request.action !== order.action)
      return Promise.reject(new VenueRefusedError('order_side_mismatch', `order ${order.orderId} is a ${order.leg} ${order.action}`, 400));
    if (order.status !== 'resting' || !record.arrived)
      return Promise.reject(new VenueRefusedError('invalid_order', `order ${order.orderId} is ${order.status}, not resting`, 400));
    if (request.newClientOrderId !== order.clientOrderId && this.#byClientId.has(request.newClientOrderId)) {
      return Promise.reject(new VenueRefusedError('duplicate_client_order_id', `client_order_id ${request.newClientOrderId} was already used`, 409));
    }
    if (
      !Number.isInteger(request.price) ||
      request.price < 1 ||
      request.price > 99 ||
      !Number.isSafeInteger(request.filled + request.resting) ||
      request.filled + request.resting < 1
    ) {
      return Promise.reject(new VenueRefusedError('invalid_order', 'amend: price must be 1..99 ticks and the total size at least 1 hundredth', 400));
    }
    const market = this.#market(order.ticker);
    const place = queuePlace(order.leg, order.action, request.price);
    return new Promise((resolve, reject) => {
      let number: number;
      try {
        number = market.model.amend(order.orderId, place.price, request.filled + request.resting, this.#options.clock.now());
      } finally {
        this.#touched(market);
      }
      this.#await(market, number, { kind: 'amend', resolve: resolve as (value: never) => void, reject, orderId: order.orderId, amend: request });
    });
  }

  decrease(target: { readonly orderId: string; readonly ticker: string; readonly reduceTo: number }): Promise<{ readonly remaining: number }> {
    const record = this.#records.get(target.orderId);
    if (!record || record.order.ticker !== target.ticker) return Promise.reject(new VenueRefusedError('not_found', `no order ${target.orderId}`, 404));
    if (record.order.status !== 'resting' || !record.arrived)
      return Promise.reject(new VenueRefusedError('invalid_order', `order ${target.orderId} is ${record.order.status}, not resting`, 400));
    if (!Number.isSafeInteger(target.reduceTo) || target.reduceTo < 0)
      return Promise.reject(new VenueRefusedError('invalid_order_size', `reduce_to must be a whole number of hundredths, got ${target.reduceTo}`, 400));
    const market = this.#market(target.ticker);
    return new Promise((resolve, reject) => {
      let request: number;
      try {
        request = market.model.decrease(target.orderId, target.reduceTo, this.#options.clock.now());
      } finally {
        this.#touched(market);
      }
      this.#await(market, request, { kind: 'decrease', resolve: resolve as (value: never) => void, reject, orderId: target.orderId });
    });
  }

  findOrder(ticker: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const orderId = this.#byClientId.get(clientOrderId);
    const record = orderId === undefined ? undefined : this.#records.get(orderId);
    return this.#answered(record && record.order.ticker === ticker ? record.order : undefined);
  }

  listResting(tickers: readonly string[]): Promise<VenueOrder[]> {
    const wanted = new Set(tickers);
    return this.#answered(
      [...this.#records.values()]
        .filter((record) => record.arrived && record.order.status === 'resting' && wanted.has(record.order.ticker))
        .map((record) => record.order),
    );
  }

  /** The sandbox's own fills of one order (its answers are never lost, so nothing is missed: the list is for the contract). */
  fills(orderId: string): Promise<VenueFill[]> {
    return this.#answered(this.#fillsOf.get(orderId) ?? []);
  }

  /** A sandbox starts flat: positions come only from its own fills. */
  positions(tickers: readonly string[]): Promise<{ positions: VenueHolding[]; balanceCents: number | undefined }> {
    void tickers;
    return this.#answered({ positions: [], balanceCents: undefined });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  // ---- answers ------------------------------------------------------------------------

  #answered<T>(value: T): Promise<T> {
    this.#answers += 1;
    return Promise.resolve(value);
  }

  /** Keeps a request's promise until the model answers it (at once, or when its latency has passed). */
  #await(market: MarketState, request: number, pending: Pending): void {
    const early = market.early.get(request);
    if (early !== undefined) {
      market.early.delete(request);
      this.#settle(market, pending, early);
    } else {
      market.pending.set(request, pending);
      this.#arm(market);
    }
  }

  #onEvent(market: MarketState, event: QueueEvent): void {
    switch (event.kind) {
      case 'fill':
        return this.#onFill(market, event);
      case 'canceled':
        if (event.request === undefined) {
          this.#update(market, event.id, { remaining: 0, status: 'canceled' }, event.tsMs);
          return;
        }
        break;
      case 'accepted': {
        this.#update(
          market,
          event.id,
          { remaining: event.resting, status: event.resting > 0 ? 'resting' : event.filled >= event.size ? 'executed' : 'canceled' },
          event.tsMs,
          true,
        );
        break;
      }
      case 'rejected':
        if (this.#records.get(event.id)?.arrived === false) {
          const record = this.#records.get(event.id)!;
          record.order = { ...record.order, remaining: 0, status: 'canceled' };
        }
        break;
      case 'decreased':
        this.#update(market, event.id, { remaining: event.remaining, ...(event.remaining === 0 ? { status: 'canceled' as const } : {}) }, event.tsMs);
        break;
      case 'amended':
        break;
    }
    const request = event.request;
    if (request === undefined) return;
    const pending = market.pending.get(request);
    if (pending === undefined) {
      market.early.set(request, event);
      return;
    }
    market.pending.delete(request);
    this.#settle(market, pending, event);
    this.#arm(market);
  }

  #settle(market: MarketState, pending: Pending, event: QueueEvent): void {
    this.#answers += 1;
    const resolve = pending.resolve as (value: unknown) => void;
    const record = this.#records.get(pending.orderId)!;
    if (event.kind === 'rejected') {
      if (pending.kind === 'cancel') {
        // filled or ended meanwhile: nothing was left to take off
        if (record.order.status !== 'resting') return resolve(0);
        return pending.reject(new VenueRefusedError('not_found', `order ${pending.orderId} is not at the venue yet`, 404));
      }
      // an order that ended while the request was on its way is known, just not resting (as the simulator answers)
      if (event.reason === 'not_found' && record.order.status !== 'resting') return pending.reject(refusal('not_resting', pending.kind));
      return pending.reject(refusal(event.reason, pending.kind));
    }
    switch (pending.kind) {
      case 'create':
        if (event.kind === 'accepted') return resolve({ orderId: pending.orderId, remaining: event.resting, filled: event.filled } satisfies VenueOrderAck);
        break;
      case 'cancel':
        if (event.kind === 'canceled') {
          this.#update(market, pending.orderId, { remaining: 0, status: 'canceled' }, event.tsMs);
          return resolve(event.removed);
        }
        break;
      case 'decrease':
        if (event.kind === 'decreased') return resolve({ remaining: event.remaining });
        break;
      case 'amend':
        if (event.kind === 'amended') {
          const amend = pending.amend!;
          if (amend.newClientOrderId !== record.order.clientOrderId) {
            if (record.order.clientOrderId !== undefined) this.#byClientId.delete(record.order.clientOrderId);
            this.#byClientId.set(amend.newClientOrderId, record.order.orderId);
          }
          const status = event.remaining > 0 ? 'resting' : record.order.status === 'resting' ? 'executed' : record.order.status;
          this.#update(market, pending.orderId, { price: amend.price, clientOrderId: amend.newClientOrderId, remaining: event.remaining, status }, event.tsMs);
          return resolve({ remaining: event.remaining, filled: event.filled });
        }
        break;
    }
    pending.reject(new Error(`sandbox: ${pending.kind} of ${pending.orderId} answered with ${event.kind}`));
  }

  #onFill(market: MarketState, event: Extract<QueueEvent, { kind: 'fill' }>): void {
    const record = this.#records.get(event.id)!;
    const { order } = record;
    const yesPrice = event.side === 'yes' ? event.price : 100 - event.price;
    const schedule = this.#options.feeSchedule?.(order.ticker) ?? DEFAULT_FEE_SCHEDULE;
    const done = event.remaining === 0 && record.arrived;
    this.#update(
      market,
      order.orderId,
      { remaining: event.remaining, filled: order.filled + event.count, ...(done ? { status: 'executed' as const } : {}) },
      event.tsMs,
    );
    const fill: VenueFill = {
      tradeId: `sbt-${(this.#nextTrade++).toString(36)}`,
      orderId: order.orderId,
      clientOrderId: record.order.clientOrderId,
      ticker: order.ticker,
      yesPrice,
      count: event.count,
      feeMicros: fillFeeMicros(event.price, event.count, event.isTaker, schedule),
      isTaker: event.isTaker,
      tsMs: event.tsMs,
    };
    const listed = this.#fillsOf.get(order.orderId);
    if (listed) listed.push(fill);
    else this.#fillsOf.set(order.orderId, [fill]);
    this.#handlers.fill(fill);
    this.#handlers.position({ ticker: order.ticker, position: market.model.position });
  }

  /** Changes an order record and keeps the quoted-time accounting. */
  #update(market: MarketState, orderId: string, change: Partial<{ -readonly [K in keyof VenueOrder]: VenueOrder[K] }>, atMs: number, arrived = false): void {
    const record = this.#records.get(orderId)!;
    const wasResting = record.arrived && record.order.status === 'resting' && record.order.remaining > 0;
    if (arrived) record.arrived = true;
    record.order = { ...record.order, ...change };
    const isResting = record.arrived && record.order.status === 'resting' && record.order.remaining > 0;
    if (wasResting !== isResting) {
      this.#account(market, atMs);
      market.restingBySide[record.queueSide] += isResting ? 1 : -1;
    }
  }

  /** Adds the time since the last change to the quoted totals. */
  #account(market: MarketState, nowMs: number): void {
    if (market.sinceMs !== undefined) {
      const span = Math.max(0, nowMs - market.sinceMs);
      if (market.restingBySide.yes + market.restingBySide.no > 0) market.quotedMs += span;
      if (market.restingBySide.yes > 0 && market.restingBySide.no > 0) market.twoSidedMs += span;
    }
    market.sinceMs = nowMs;
  }

  /** A timer at the market's next due request, so its answer comes even when the market's feed is quiet. */
  #arm(market: MarketState): void {
    const due = market.model.nextDueMs();
    if (market.timer !== undefined && market.timer.atMs === due) return;
    if (market.timer !== undefined) this.#options.clock.clearTimer(market.timer.handle);
    market.timer = undefined;
    if (due === undefined) return;
    const handle = this.#options.clock.setTimer(due, () => {
      market.timer = undefined;
      try {
        market.model.advance(Math.max(due, this.#options.clock.now()));
      } finally {
        this.#touched(market);
      }
      this.#arm(market);
    });
    market.timer = { handle, atMs: due };
  }

  /** After a call to a market's model: whether it has a request in flight now. */
  #touched(market: MarketState): void {
    if (market.model.nextDueMs() === undefined) this.#withDue.delete(market);
    else this.#withDue.add(market);
  }

  #seen(market: MarketState, atMs: number): void {
    if (market.firstMs === undefined) market.firstMs = atMs;
    if (market.lastMs === undefined || atMs > market.lastMs) market.lastMs = atMs;
  }

  #market(ticker: string): MarketState {
    let market = this.#markets.get(ticker);
    if (market === undefined) {
      const state: MarketState = {
        ticker,
        model: undefined as unknown as QueueModel,
        pending: new Map(),
        early: new Map(),
        restingBySide: { yes: 0, no: 0 },
        quotedMs: 0,
        twoSidedMs: 0,
        sinceMs: undefined,
        firstMs: undefined,
        lastMs: undefined,
        timer: undefined,
        trades: 0,
      };
      (state as { model: QueueModel }).model = new QueueModel(this.#options.queue, (event) => this.#onEvent(state, event));
      market = state;
      this.#markets.set(ticker, market);
    }
    return market;
  }
}

function refusal(reason: string, kind: string): VenueRefusedError {
  switch (reason) {
    case 'post_only_cross':
      return new VenueRefusedError(
        'post_only_cross',
        kind === 'amend' ? 'PostOnlyCrossCancel: the amended price would cross the book' : 'PostOnlyCrossCancel: a post-only order would cross the book',
        400,
      );
    case 'reduce_only':
      return new VenueRefusedError('invalid_order', 'ReduceOnlyCancel: no position to reduce', 400);
    case 'not_found':
      return new VenueRefusedError('not_found', 'no such order', 404);
    case 'invalid_size':
      return new VenueRefusedError('invalid_order_size', `the ${kind} asks for more than rests`, 400);
    default:
      return new VenueRefusedError('invalid_order', `the order is not resting (${reason})`, 400);
  }
}
