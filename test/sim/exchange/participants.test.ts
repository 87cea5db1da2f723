import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { ACTIVITY_PROFILES, activityCounts, type MarketActivity } from '../../../src/sim/exchange/activity.js';
import { Exchange } from '../../../src/sim/exchange/exchange.js';
import type { EncodedEvent } from '../../../src/sim/exchange/frame-encoder.js';
import type { Subscriber } from '../../../src/sim/exchange/subscriber.js';
import { Random } from '../../../src/sim/random.js';

const TICK_MS = 100;
const RATE_PER_MARKET = 5;

/** What one market looked like after each step of a run. */
interface MarketRecord {
  activity: MarketActivity;
  frames: number;
  /** steps in which the market traded, and those with more than one trade */
  tradingSteps: number;
  burstSteps: number;
  /** spread of every step with both sides bid */
  spreads: number[];
  /** steps with an empty side, and those where that side's fair value was within 8 ticks of an end */
  emptySides: number;
  emptySidesNearEnd: number;
  /** steps with the fair price in 5..95, and those with both sides bid */
  middleSteps: number;
  middleStepsBothSides: number;
  levelsPerSide: number[];
  topSizes: number[];
  sizesFourBehind: number[];
  /** changes of the best YES bid, and those of exactly one tick */
  topMoves: number;
  oneTickMoves: number;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function share(values: readonly number[], test: (value: number) => boolean): number {
  return values.filter(test).length / values.length;
}

function exchangeFor(tickers: string[], seed: number, maxRateTotal: number): { exchange: Exchange; clock: ManualClock } {
  const clock = new ManualClock(1_790_000_000_000);
  const exchange = new Exchange({
    tickers,
    permanent: new Set(tickers),
    random: new Random(seed),
    clock,
    legacyCents: false,
    ratePerMarket: RATE_PER_MARKET,
    maxRateTotal,
    tickMs: TICK_MS,
    closeChancePerStep: 0,
  });
  return { exchange, clock };
}

/** Runs `steps` steps of `count` markets and records each market after every step. */
function recordRun(count: number, seed: number, steps: number): { records: MarketRecord[]; exchange: Exchange } {
  const tickers = Array.from({ length: count }, (_, index) => `KXREAL${index}-26DEC31-T1`);
  const { exchange, clock } = exchangeFor(tickers, seed, 1_000_000);
  const records = new Map<string, MarketRecord>();
  for (const ticker of tickers) {
    records.set(ticker, {
      activity: exchange.activity(ticker),
      frames: 0,
      tradingSteps: 0,
      burstSteps: 0,
      spreads: [],
      emptySides: 0,
      emptySidesNearEnd: 0,
      middleSteps: 0,
      middleStepsBothSides: 0,
      levelsPerSide: [],
      topSizes: [],
      sizesFourBehind: [],
      topMoves: 0,
      oneTickMoves: 0,
    });
  }
  const tradesThisStep = new Map<string, number>();
  const counter = {
    deliver(event: EncodedEvent): void {
      records.get(event.ticker)!.frames += 1;
      if (event.type === 'trade') tradesThisStep.set(event.ticker, (tradesThisStep.get(event.ticker) ?? 0) + 1);
    },
  };
  exchange.attach(counter as unknown as Subscriber);
  const lastTop = new Map<string, number>();
  for (let step = 0; step < steps; step += 1) {
    clock.advance(TICK_MS);
    tradesThisStep.clear();
    exchange.step(1);
    for (const ticker of tickers) {
      const record = records.get(ticker)!;
      const market = exchange.markets.get(ticker)!;
      const book = market.snapshot();
      const trades = tradesThisStep.get(ticker) ?? 0;
      if (trades > 0) record.tradingSteps += 1;
      if (trades > 1) record.burstSteps += 1;
      const middle = market.fair >= 5 && market.fair <= 95;
      if (middle) record.middleSteps += 1;
      for (const side of ['yes', 'no'] as const) {
        if (book[side].length > 0) continue;
        record.emptySides += 1;
        if ((side === 'yes' ? market.fair : 100 - market.fair) < 8) record.emptySidesNearEnd += 1;
      }
      if (book.yes.length === 0 || book.no.length === 0) continue;
      if (middle) record.middleStepsBothSides += 1;
      const [yesBid, yesSize] = book.yes.at(-1)!;
      record.spreads.push(100 - yesBid - book.no.at(-1)![0]);
      if (middle) record.levelsPerSide.push(book.yes.length, book.no.length);
      record.topSizes.push(yesSize);
      const fourBehind = book.yes.find(([price]) => price === yesBid - 4);
      if (fourBehind) record.sizesFourBehind.push(fourBehind[1]);
      const previous = lastTop.get(ticker);
      if (previous !== undefined && previous !== yesBid) {
        record.topMoves += 1;
        if (Math.abs(previous - yesBid) === 1) record.oneTickMoves += 1;
      }
      lastTop.set(ticker, yesBid);
    }
  }
  return { records: [...records.values()], exchange };
}

describe('sim/exchange/participants: realistic markets', () => {
  const MARKETS = 24;
  const STEPS = 3000; // five minutes of market time
  let records: MarketRecord[];
  let exchange: Exchange;
  const of = (activity: MarketActivity): MarketRecord[] => records.filter((record) => record.activity === activity);
  const all = (list: MarketRecord[], field: 'spreads' | 'levelsPerSide' | 'topSizes' | 'sizesFourBehind'): number[] => list.flatMap((record) => record[field]);

  before(() => {
    ({ records, exchange } = recordRun(MARKETS, 5, STEPS));
  });

  it('deals quiet, normal and busy markets in their fixed shares', () => {
    const counts = activityCounts(MARKETS);
    for (const activity of ['quiet', 'normal', 'busy'] as const) expect(of(activity), activity).to.have.length(counts[activity]);
  });

  it('keeps both ladders of a normal market populated and deep while the fair price is away from the ends', () => {
    const normal = of('normal');
    const middleSteps = normal.reduce((sum, record) => sum + record.middleSteps, 0);
    const bothSides = normal.reduce((sum, record) => sum + record.middleStepsBothSides, 0);
    expect(middleSteps).to.be.greaterThan(STEPS * 5);
    expect(bothSides / middleSteps).to.be.at.least(0.995);
    expect(median(all(normal, 'levelsPerSide'))).to.be.at.least(10);
  });

  it('leaves a side empty only near the ends', () => {
    const empty = records.reduce((sum, record) => sum + record.emptySides, 0);
    const nearEnd = records.reduce((sum, record) => sum + record.emptySidesNearEnd, 0);
    expect(empty, 'some long shots run out of bids on their cheap side').to.be.greaterThan(0);
    expect(nearEnd / empty).to.be.at.least(0.95);
  });

  it('keeps busy markets at small spreads and quiet ones wider, never locked or crossed', () => {
    const busy = all(of('busy'), 'spreads');
    expect(share(busy, (spread) => spread <= 3)).to.be.at.least(0.85);
    expect(median(busy)).to.be.at.most(2);
    const normal = all(of('normal'), 'spreads');
    expect(median(normal)).to.be.within(2, 4);
    expect(
      share(normal, (spread) => spread > 6),
      'occasional wider moments',
    ).to.be.within(0.001, 0.1);
    const quiet = all(of('quiet'), 'spreads');
    expect(median(quiet)).to.be.within(4, 10);
    expect(Math.min(...records.flatMap((record) => record.spreads))).to.be.at.least(1);
  });

  it('moves the top of book a tick at a time, busy markets often and quiet ones rarely', () => {
    const moves = records.reduce((sum, record) => sum + record.topMoves, 0);
    const oneTick = records.reduce((sum, record) => sum + record.oneTickMoves, 0);
    expect(oneTick / moves).to.be.at.least(0.75);
    const perMarket = (activity: MarketActivity): number => of(activity).reduce((sum, record) => sum + record.topMoves, 0) / of(activity).length;
    expect(perMarket('busy')).to.be.greaterThan(perMarket('normal'));
    expect(perMarket('normal')).to.be.greaterThan(2 * perMarket('quiet'));
  });

  it('stacks the ladders heavier a few ticks behind a thinner top, with tens to thousands of contracts', () => {
    for (const activity of ['normal', 'busy'] as const) {
      expect(median(all(of(activity), 'sizesFourBehind')), activity).to.be.greaterThan(median(all(of(activity), 'topSizes')));
    }
    const sizes = all(records, 'sizesFourBehind');
    expect(Math.min(...sizes)).to.be.below(100 * 100);
    expect(Math.max(...sizes)).to.be.above(1000 * 100);
  });

  it('brings trades in bursts: a market that trades in a step often trades more than once in it', () => {
    const trading = records.reduce((sum, record) => sum + record.tradingSteps, 0);
    const bursts = records.reduce((sum, record) => sum + record.burstSteps, 0);
    expect(trading).to.be.greaterThan(1000);
    expect(bursts / trading).to.be.at.least(0.35);
  });

  it('runs the events at the configured rate, with frames per market of the order of a real feed', () => {
    const seconds = (STEPS * TICK_MS) / 1000;
    const expected = records.reduce((sum, record) => sum + RATE_PER_MARKET * ACTIVITY_PROFILES[record.activity].rateFactor * seconds, 0);
    expect(exchange.marketEvents / expected).to.be.within(0.9, 1.1);
    const framesPerSecond = (activity: MarketActivity): number => of(activity).reduce((sum, record) => sum + record.frames, 0) / of(activity).length / seconds;
    expect(framesPerSecond('quiet')).to.be.within(0.3, 3);
    expect(framesPerSecond('normal')).to.be.within(4, 15);
    expect(framesPerSecond('busy')).to.be.within(15, 60);
  });
});

describe('sim/exchange/participants: rates', () => {
  it('holds the events of all markets under maxRateTotal', () => {
    const tickers = Array.from({ length: 10 }, (_, index) => `KXCAP${index}-26DEC31-T1`);
    const { exchange, clock } = exchangeFor(tickers, 9, 20);
    for (let step = 0; step < 600; step += 1) {
      clock.advance(TICK_MS);
      exchange.step(1);
    }
    // 60 s at 20 events/s; a burst of takers may borrow a few events past the cap
    expect(exchange.marketEvents).to.be.within(0.9 * 1200, 1200 + 10);
  });

  it('repeats the same books for the same seed', () => {
    const books = (seed: number): unknown[] => {
      const { exchange } = recordRun(6, seed, 300);
      return [...exchange.markets.values()].map((market) => market.snapshot());
    };
    expect(books(3)).to.deep.equal(books(3));
    expect(books(3)).to.not.deep.equal(books(4));
  });
});
