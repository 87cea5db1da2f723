/**
 * The simulated exchange: its markets, the market loop (step), the fan-out of every event
 * to the subscribers, and paper trading. Deterministic: given the same seed, the same clock
 * readings and the same client actions, it produces the same events in the same order.
 */
import type { BookSnapshot } from '../../protocol/decode.js';
import type { SimClock } from '../clock.js';
import type { Random } from '../random.js';
import { encodeEvent, snapshotBody, tickerBody } from './frame-encoder.js';
import { dealActivities, type MarketActivity } from './activity.js';
import { initialFair } from './fair-value.js';
import { Market } from './market.js';
import type { ExchangeEvent, MarketCloseType } from './market-events.js';
import { PaperTrading } from './paper-trading.js';
import { Participants, type ParticipantContext } from './participants.js';
import type { Subscriber, SubscriberExchange } from './subscriber.js';

export interface ExchangeOptions {
  /** every market, in a fixed order */
  readonly tickers: readonly string[];
  /** markets that never close on their own (the configured ones) */
  readonly permanent: ReadonlySet<string>;
  readonly random: Random;
  readonly clock: SimClock;
  readonly legacyCents: boolean;
  /** market events per second in a normal market (quiet ones have less, busy ones more) */
  readonly ratePerMarket: number;
  /** cap on market events per second over all markets */
  readonly maxRateTotal: number;
  readonly tickMs: number;
  /** chance per step that a generated market closes */
  readonly closeChancePerStep: number;
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

  constructor(private readonly options: ExchangeOptions) {
    const { random, clock, legacyCents } = options;
    this.participants = {
      random,
      wholeContracts: legacyCents,
      nextOrderId: () => `participant-${++this.participantOrders}`,
    };
    const publish = (event: ExchangeEvent): void => this.publish(event);
    const activities = dealActivities(options.tickers.length, random);
    options.tickers.forEach((ticker, index) => {
      const market = new Market(ticker, random.uuid(), initialFair(random), !options.permanent.has(ticker), random, clock, publish);
      const crowd = new Participants(market, activities[index]!, this.participants);
      crowd.seed();
      this.markets.set(ticker, market);
      this.crowds.set(ticker, crowd);
    });
    this.paper = new PaperTrading({ markets: this.markets, random, clock, publish, wholeContracts: legacyCents });
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

  closeMarket(ticker: string, eventType: MarketCloseType): void {
    this.market(ticker).close(eventType);
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
    this.totalCredit = Math.min(this.totalCredit + maxRateTotal * seconds, Math.max(1, maxRateTotal * seconds));
    const open = [...this.crowds.values()].filter((crowd) => crowd.market.isOpen);
    for (let k = 0; k < open.length; k += 1) {
      const crowd = open[(this.steps + k) % open.length]!;
      const { market } = crowd;
      crowd.advance(seconds);
      crowd.eventCredit += ratePerMarket * crowd.profile.rateFactor * seconds * (0.5 + random.next());
      while (crowd.eventCredit >= 1 && this.totalCredit >= 1) {
        const events = crowd.act((trade) => this.paper.settleMakers(market, trade));
        crowd.eventCredit -= events;
        this.totalCredit -= events;
        this.marketEvents += events;
      }
      // events the total cap left out are dropped, not owed
      crowd.eventCredit = Math.min(crowd.eventCredit, 1);
      if (market.closable && random.chance(closeChancePerStep)) {
        market.close('determined');
        market.close('settled');
      }
    }
  }
}
