/**
 * The simulated exchange: its markets, the market loop (step), the fan-out of every event
 * to the subscribers, and paper trading. Deterministic: given the same seed, the same clock
 * readings and the same client actions, it produces the same events in the same order.
 */
import type { FeeSchedule } from '../../fees/fee-model.js';
import type { BookSnapshot } from '../../protocol/decode.js';
import { after, type Clock, type TimerHandle } from '../../clock/clock.js';
import type { Random } from '../random.js';
import { encodeEvent, snapshotBody, tickerBody } from './frame-encoder.js';
import { dealActivities, type MarketActivity } from './activity.js';
import { initialFair } from './fair-value.js';
import type { WriteLimiter } from '../venue/rate-limit.js';
import { Market, seriesOf } from './market.js';
import type { ExchangeEvent, MarketCloseType, MarketResult } from './market-events.js';
import { PaperTrading } from './paper-trading.js';
import { VENUE_DEFAULTS, defaultFeeSchedule } from '../defaults.js';
import { Participants, type ParticipantContext } from './participants.js';
import type { Subscriber, SubscriberExchange } from './subscriber.js';

export interface ExchangeOptions {
  /** every market, in a fixed order */
  readonly tickers: readonly string[];
  /** markets that never close on their own (the configured ones) */
  readonly permanent: ReadonlySet<string>;
  readonly random: Random;
  readonly clock: Clock;
  readonly legacyCents: boolean;
  /** market events per second in a normal market (quiet ones have less, busy ones more) */
  readonly ratePerMarket: number;
  /** cap on market events per second over all markets */
  readonly maxRateTotal: number;
  readonly tickMs: number;
  /** chance per step that a generated market closes */
  readonly closeChancePerStep: number;
  /** the fee schedule of each series; default defaultFeeSchedule's rule */
  readonly feeScheduleOf?: (seriesTicker: string) => FeeSchedule;
  /** each account's cash when it is first seen, e4 */
  readonly startingBalanceE4?: number;
  /** how long finished orders (and their client order ids) stay queryable */
  readonly orderRetentionMs?: number;
  /** how long fills stay queryable */
  readonly fillRetentionMs?: number;
  /** the most fills an account keeps */
  readonly maxFillsPerAccount?: number;
  /** the write budget per key; undefined = none */
  readonly limiter?: WriteLimiter | undefined;
  /** time from `determined` to `settled` (and the payout); 0 settles at once */
  readonly settlementDelayMs?: number;
  /** how long after the start markets are scheduled to close (their close_time) */
  readonly marketLifetimeMs?: number;
  /** default true; false: no simulated participants (books start empty, only accounts trade) */
  readonly crowd?: boolean;
}

const UNKNOWN_MARKET = 'KXSIMNONE-26JAN01-T0';

export class Exchange implements SubscriberExchange {
  readonly markets = new Map<string, Market>();
  readonly paper: PaperTrading;
  steps = 0;
  marketEvents = 0;
  private readonly subscribers = new Set<Subscriber>();
  private readonly crowds = new Map<string, Participants>();
  private readonly participants: ParticipantContext;
  private totalCredit = 0;
  private participantOrders = 0;
  private readonly seriesFees = new Map<string, FeeSchedule>();
  private readonly paidOut = new Set<string>();
  private readonly timers = new Set<TimerHandle>();
  /** trading paused on the whole exchange (orders refused, the crowd stands still) */
  paused = false;

  private readonly settlementDelayMs: number;

  constructor(private readonly options: ExchangeOptions) {
    const { random, clock, legacyCents } = options;
    this.settlementDelayMs = options.settlementDelayMs ?? VENUE_DEFAULTS.settlementDelayMs;
    const feeScheduleOf = options.feeScheduleOf ?? defaultFeeSchedule;
    const marketLifetimeMs = options.marketLifetimeMs ?? VENUE_DEFAULTS.marketLifetimeMs;
    this.participants = {
      random,
      wholeContracts: legacyCents,
      nextOrderId: () => `participant-${++this.participantOrders}`,
    };
    const publish = (event: ExchangeEvent): void => this.publish(event);
    const activities = dealActivities(options.tickers.length, random);
    const startMs = clock.now();
    options.tickers.forEach((ticker, index) => {
      const series = seriesOf(ticker);
      if (!this.seriesFees.has(series)) this.seriesFees.set(series, feeScheduleOf(series));
      const details = { feeSchedule: this.seriesFees.get(series)!, openTimeMs: startMs, closeTimeMs: startMs + marketLifetimeMs };
      const market = new Market(ticker, random.uuid(), initialFair(random), !options.permanent.has(ticker), random, clock, publish, details);
      const crowd = new Participants(market, activities[index]!, this.participants);
      if (options.crowd !== false) crowd.seed();
      this.markets.set(ticker, market);
      this.crowds.set(ticker, crowd);
    });
    this.paper = new PaperTrading({
      markets: this.markets,
      random,
      clock,
      publish,
      wholeContracts: legacyCents,
      startingBalanceE4: options.startingBalanceE4 ?? VENUE_DEFAULTS.startingBalanceCents * 100,
      orderRetentionMs: options.orderRetentionMs ?? VENUE_DEFAULTS.orderRetentionMs,
      fillRetentionMs: options.fillRetentionMs ?? VENUE_DEFAULTS.fillRetentionMs,
      maxFillsPerAccount: options.maxFillsPerAccount ?? VENUE_DEFAULTS.maxFillsPerAccount,
      limiter: options.limiter,
      settlementDelayMs: this.settlementDelayMs,
      status: () => ({ exchangeActive: true, tradingActive: !this.paused }),
      seriesFees: (series) => this.seriesFees.get(series),
    });
  }

  attach(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
  }

  detach(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
  }

  publish(event: ExchangeEvent): void {
    if (this.subscribers.size === 0) return;
    const encoded = encodeEvent(event, this.options.legacyCents);
    for (const subscriber of this.subscribers) subscriber.deliver(encoded);
  }

  /** Advances every open market by `count` steps of tickMs. */
  step(count = 1): void {
    for (let i = 0; i < count; i += 1) this.stepOnce();
  }

  hasMarket(ticker: string): boolean {
    return this.markets.has(ticker);
  }

  allTickers(): readonly string[] {
    return this.options.tickers;
  }

  bookSnapshot(ticker: string): BookSnapshot {
    return this.market(ticker).snapshot();
  }

  snapshotBody(ticker: string): string {
    const market = this.market(ticker);
    return snapshotBody(market.snapshot(), market.marketId, this.options.legacyCents);
  }

  tickerBody(ticker: string): string {
    return tickerBody(this.market(ticker).tickerState(), this.options.legacyCents);
  }

  unknownMarketDeltaBody(): string {
    const event = { kind: 'book', ticker: UNKNOWN_MARKET, marketId: '', side: 'yes', price: 50, delta: 100, tsMs: this.options.clock.now() } as const;
    return encodeEvent(event, this.options.legacyCents).msg;
  }

  /** How lively a market is. */
  activity(ticker: string): MarketActivity {
    this.market(ticker);
    return this.crowds.get(ticker)!.activity;
  }

  /**
   * Moves a market to a closing stage. Leaving `open` cancels the accounts' resting orders
   * there (CloseCancel); `determined` is followed by `settled` after the settlement delay
   * (at once when it is 0); `settled` pays the positions out.
   */
  closeMarket(ticker: string, eventType: MarketCloseType, result?: MarketResult): void {
    const market = this.market(ticker);
    const wasOpen = market.isOpen;
    market.close(eventType, result);
    if (wasOpen && !market.isOpen) this.paper.desk.cancelMarketOrders(market, 'CloseCancel');
    if (market.closedBy === 'settled') this.payOut(market);
    else if (market.closedBy === 'determined') {
      const { settlementDelayMs } = this;
      const { clock } = this.options;
      if (settlementDelayMs <= 0) this.closeMarket(ticker, 'settled');
      else {
        const timer = after(
          clock,
          () => {
            this.timers.delete(timer);
            this.closeMarket(ticker, 'settled');
          },
          settlementDelayMs,
        );
        this.timers.add(timer);
      }
    }
  }

  /** Pauses trading: orders are refused, the crowd stops, orders with cancel_order_on_pause are cancelled. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.paper.desk.cancelOnPause();
  }

  resume(): void {
    this.paused = false;
  }

  /** Stops the settlement timers. */
  dispose(): void {
    for (const timer of this.timers) this.options.clock.clearTimer(timer);
    this.timers.clear();
  }

  /** Fee schedule of a series of this exchange. */
  feeSchedule(seriesTicker: string): FeeSchedule | undefined {
    return this.seriesFees.get(seriesTicker);
  }

  private payOut(market: Market): void {
    if (this.paidOut.has(market.ticker)) return;
    this.paidOut.add(market.ticker);
    this.paper.desk.settleMarket(market, market.result!);
  }

  private market(ticker: string): Market {
    const market = this.markets.get(ticker);
    if (!market) throw new RangeError(`no simulated market ${JSON.stringify(ticker)}`);
    return market;
  }

  private stepOnce(): void {
    const { random, tickMs, ratePerMarket, maxRateTotal, closeChancePerStep } = this.options;
    const seconds = tickMs / 1000;
    this.steps += 1;
    this.paper.desk.prune();
    if (this.paused) return;
    this.totalCredit = Math.min(this.totalCredit + maxRateTotal * seconds, Math.max(1, maxRateTotal * seconds));
    const open = [...this.crowds.values()].filter((crowd) => crowd.market.isOpen);
    for (let k = 0; k < open.length; k += 1) {
      const crowd = open[(this.steps + k) % open.length]!;
      const { market } = crowd;
      crowd.advance(seconds);
      crowd.eventCredit += ratePerMarket * crowd.profile.rateFactor * seconds * (0.5 + random.next());
      while (this.options.crowd !== false && crowd.eventCredit >= 1 && this.totalCredit >= 1) {
        const events = crowd.act((trade) => this.paper.settleMakers(market, trade));
        crowd.eventCredit -= events;
        this.totalCredit -= events;
        this.marketEvents += events;
      }
      // events the total cap left out are dropped, not owed
      crowd.eventCredit = Math.min(crowd.eventCredit, 1);
      if (market.closable && random.chance(closeChancePerStep)) this.closeMarket(market.ticker, 'determined');
    }
  }
}
