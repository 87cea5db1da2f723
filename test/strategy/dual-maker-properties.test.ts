/**
 * Invariants of the maker over random books, positions, parameters and event sequences.
 * Each run drives one maker the way the ticker actor does (book first, then the maker) and
 * checks, after every event, the resting orders the maker reports and the intents it emitted.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { OrderBook } from '../../src/book/order-book.js';
import type { StrategyParams } from '../../src/config/types.js';
import type { Intent } from '../../src/strategy/intent.js';
import type { Level } from '../../src/protocol/decode.js';
import type { Side } from '../../src/protocol/wire.js';
import { DualMaker } from '../../src/strategy/dual-maker.js';
import type { MakerState } from '../../src/strategy/maker-state.js';
import type { RestingOrder } from '../../src/strategy/resting-order.js';
import { describeIntents, TICKER } from './fixtures.js';

const START_MS = 1_767_225_600_000;
const LEGS: readonly Side[] = ['yes', 'no'];

type Event =
  | { readonly kind: 'snapshot'; readonly yes: Level[]; readonly no: Level[] }
  | {
      readonly kind: 'delta';
      readonly side: Side;
      /** ticks from the side's best bid (50 on an empty ladder) */
      readonly offset: number;
      readonly magnitude: number;
      readonly direction: 'add' | 'remove' | 'overdraw';
    }
  | { readonly kind: 'position'; readonly position: number; readonly averageTicks?: number; readonly remainder: number }
  | { readonly kind: 'fill'; readonly side: Side; readonly yesPrice: number }
  | { readonly kind: 'timer' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'lifecycle'; readonly eventType: string; readonly closeOffsetMs: number }
  | { readonly kind: 'params'; readonly params: StrategyParams };

interface Step {
  readonly event: Event;
  readonly elapsedMs: number;
}

const paramsArbitrary: fc.Arbitrary<StrategyParams> = fc.record({
  min_spread: fc.integer({ min: 1, max: 8 }),
  bid_size: fc.integer({ min: 1, max: 20 }),
  exit_size: fc.integer({ min: 1, max: 20 }),
  sum_cushion: fc.integer({ min: 0, max: 10 }),
  take_profit: fc.integer({ min: 1, max: 10 }),
  quote_ttl_s: fc.constantFrom(0.25, 1, 6),
  exit_ttl_s: fc.constantFrom(1, 5, 20),
  max_inventory: fc.integer({ min: 1, max: 40 }),
  reduce_step: fc.integer({ min: 1, max: 20 }),
  improve: fc.boolean(),
  thin_queue: fc.integer({ min: 0, max: 60 }),
});

const sizeArbitrary = fc.oneof(
  fc.integer({ min: 1, max: 99 }),
  fc.integer({ min: 1, max: 80 }).map((n) => n * 100),
);

function ladderBelow(top: number, offsets: readonly number[], sizes: readonly number[]): Level[] {
  return offsets.map((offset, index): Level => [Math.max(top - offset, 0), sizes[index % sizes.length]!]);
}

/**
 * A book around a random top: best YES bid anywhere in 0..100, a spread from -2 (crossed)
 * to 12, the best NO bid where that spread puts it, and levels a few ticks below each best.
 * Either ladder may come out empty.
 */
const bookArbitrary: fc.Arbitrary<{ yes: Level[]; no: Level[] }> = fc
  .record({
    yesTop: fc.integer({ min: 0, max: 100 }),
    spread: fc.integer({ min: -2, max: 12 }),
    yesOffsets: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
    noOffsets: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
    sizes: fc.array(sizeArbitrary, { minLength: 1, maxLength: 6 }),
  })
  .map(({ yesTop, spread, yesOffsets, noOffsets, sizes }) => {
    const noTop = Math.min(Math.max(100 - yesTop - spread, 0), 100);
    return { yes: ladderBelow(yesTop, yesOffsets, sizes), no: ladderBelow(noTop, noOffsets, sizes) };
  });

const sideArbitrary = fc.constantFrom<Side>('yes', 'no');

const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
  { weight: 3, arbitrary: bookArbitrary.map((book) => ({ kind: 'snapshot' as const, ...book })) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('delta' as const),
      side: sideArbitrary,
      offset: fc.integer({ min: -3, max: 2 }),
      magnitude: sizeArbitrary,
      direction: fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom<'add' | 'remove'>('add', 'remove') },
        { weight: 1, arbitrary: fc.constant('overdraw' as const) },
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        kind: fc.constant('position' as const),
        position: fc.oneof(
          fc.integer({ min: -60, max: 60 }).map((contracts) => contracts * 100),
          fc.integer({ min: -6000, max: 6000 }),
        ),
        averageTicks: fc.integer({ min: 1, max: 99 }),
        remainder: fc.nat(),
      },
      { requiredKeys: ['kind', 'position', 'remainder'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('fill' as const), side: sideArbitrary, yesPrice: fc.integer({ min: 1, max: 99 }) }),
  },
  { weight: 6, arbitrary: fc.constant({ kind: 'timer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stale' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('lifecycle' as const),
      eventType: fc.constantFrom('deactivated', 'activated', 'activated', 'determined', 'settled', 'close_date_updated', 'metadata_updated'),
      closeOffsetMs: fc.integer({ min: -5_000, max: 5_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('params' as const), params: paramsArbitrary }) },
);

/** Often no time passes between two events; otherwise up to 8 s. */
const elapsedArbitrary = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8_000 }));

/** Every run starts from a snapshot, as a subscription does. */
const openingArbitrary: fc.Arbitrary<Step> = bookArbitrary.map((book) => ({
  event: { kind: 'snapshot' as const, ...book },
  elapsedMs: 0,
}));

const stepsArbitrary: fc.Arbitrary<Step[]> = fc
  .tuple(openingArbitrary, fc.array(fc.record({ event: eventArbitrary, elapsedMs: elapsedArbitrary }), { minLength: 5, maxLength: 80 }))
  .map(([opening, rest]) => [opening, ...rest]);

/** What an order router would hold if it carried out every intent in order; it refuses impossible ones. */
class Ledger {
  readonly bids: Record<Side, { price: number; size: number } | undefined> = { yes: undefined, no: undefined };
  readonly exits: Record<Side, { price: number; size: number } | undefined> = { yes: undefined, no: undefined };

  apply(intent: Intent): void {
    const order = { price: intent.price, size: intent.size };
    const label = JSON.stringify(intent);
    switch (intent.kind) {
      case 'quote':
        expect(this.bids[intent.side], `quote over a resting bid: ${label}`).to.equal(undefined);
        this.bids[intent.side] = order;
        break;
      case 'reprice':
        expect(this.bids[intent.side]?.price, `reprice of another price: ${label}`).to.equal(intent.prevPrice);
        this.bids[intent.side] = order;
        break;
      case 'cancel':
        expect(this.bids[intent.side], `cancel of another bid: ${label}`).to.deep.equal(order);
        this.bids[intent.side] = undefined;
        break;
      case 'exit':
        expect(this.exits[intent.side], `exit over a resting exit: ${label}`).to.equal(undefined);
        this.exits[intent.side] = order;
        break;
      case 'exit_cancel':
        expect(this.exits[intent.side], `exit_cancel of another exit: ${label}`).to.deep.equal(order);
        this.exits[intent.side] = undefined;
        break;
      case 'reduce_only':
        break;
    }
  }

  isEmpty(): boolean {
    return LEGS.every((leg) => this.bids[leg] === undefined && this.exits[leg] === undefined);
  }

  matches(state: MakerState): void {
    for (const leg of LEGS) {
      const bid = state.bids[leg];
      const exit = state.exits[leg];
      const priceAndSize = (order: RestingOrder | null) => (order === null ? undefined : { price: order.price, size: order.size });
      expect(this.bids[leg], `ledger bid ${leg}`).to.deep.equal(priceAndSize(bid));
      expect(this.exits[leg], `ledger exit ${leg}`).to.deep.equal(priceAndSize(exit));
    }
  }
}

function inventoryOn(leg: Side, position: number): number {
  return Math.max(leg === 'yes' ? position : -position, 0);
}

/** The world of one run: a book, a maker, the time, and the running position. */
class Harness {
  readonly book = new OrderBook(TICKER);
  readonly maker: DualMaker;
  params: StrategyParams;
  nowMs = START_MS;
  position = 0;

  constructor(params: StrategyParams) {
    this.params = params;
    this.maker = new DualMaker(TICKER, params);
  }

  run(step: Step): Intent[] {
    this.nowMs += step.elapsedMs;
    const { event } = step;
    switch (event.kind) {
      case 'snapshot':
        this.book.applySnapshot({ ticker: TICKER, yes: event.yes, no: event.no });
        return this.maker.onBook(this.book, this.nowMs);
      case 'delta': {
        const best = this.book.bestBid(event.side)?.price ?? 50;
        const price = Math.min(Math.max(best + event.offset, 0), 100);
        const current = this.book.sizeAt(event.side, price);
        const change =
          event.direction === 'add' || current === 0 ? event.magnitude : event.direction === 'remove' ? -Math.min(event.magnitude, current) : -current - 1;
        const delta = { ticker: TICKER, side: event.side, price, delta: change };
        if (this.book.applyDelta(delta)) return this.maker.onBook(this.book, this.nowMs);
        return this.maker.onStale(this.book.staleReason ?? 'refused', this.nowMs);
      }
      case 'position': {
        this.position = event.position;
        const magnitude = Math.abs(event.position);
        // a cost of averageTicks per contract, plus a remainder so that the average is rarely whole
        const costE4 = event.averageTicks === undefined || magnitude === 0 ? undefined : event.averageTicks * magnitude + (event.remainder % magnitude);
        const update = costE4 === undefined ? { ticker: TICKER, position: event.position } : { ticker: TICKER, position: event.position, costE4 };
        return this.maker.onPosition(update, this.book, this.nowMs);
      }
      case 'fill':
        return this.maker.onFill({ ticker: TICKER, tradeId: 't', orderId: 'o', side: event.side, yesPrice: event.yesPrice, count: 100 }, this.book, this.nowMs);
      case 'timer':
        return this.maker.onTimer(this.book, this.nowMs);
      case 'stale':
        this.book.markStale('disconnected');
        return this.maker.onStale('disconnected', this.nowMs);
      case 'lifecycle':
        return this.maker.onLifecycle({ ticker: TICKER, eventType: event.eventType, closeTsMs: this.nowMs + event.closeOffsetMs }, this.book, this.nowMs);
      case 'params':
        this.params = event.params;
        return this.maker.setParams(event.params, this.book, this.nowMs);
    }
  }
}

/**
 * When the maker must not decide, from the outside: after a stale book until the next
 * snapshot, and after a market closed until it is activated and a snapshot follows.
 */
class PauseTracker {
  private waitingForSnapshot = false;
  private closed = false;
  private closeAtMs: number | undefined;

  follow(event: Event, harness: Harness): void {
    if (this.closeAtMs !== undefined && harness.nowMs >= this.closeAtMs) {
      this.closed = true;
      this.closeAtMs = undefined;
    }
    if (event.kind === 'snapshot' && !this.closed) this.waitingForSnapshot = false;
    if (event.kind === 'stale' || (event.kind === 'delta' && harness.book.stale)) this.waitingForSnapshot = true;
    if (event.kind === 'lifecycle') {
      const closeTsMs = harness.nowMs + event.closeOffsetMs;
      const closes =
        ['deactivated', 'determined', 'settled'].includes(event.eventType) || (event.eventType === 'close_date_updated' && closeTsMs <= harness.nowMs);
      if (closes) {
        this.closed = true;
        this.closeAtMs = undefined;
      } else if (event.eventType === 'close_date_updated') this.closeAtMs = closeTsMs;
      else if (event.eventType === 'activated' && this.closed) {
        this.closed = false;
        this.waitingForSnapshot = true;
      }
    }
  }

  get paused(): boolean {
    return this.closed || this.waitingForSnapshot;
  }

  get why(): string {
    return this.closed ? 'the market is closed' : 'waiting for a snapshot';
  }
}

const INTENT_ACTIONS = {
  quote: 'buy',
  reprice: 'buy',
  cancel: 'buy',
  exit: 'sell',
  exit_cancel: 'sell',
  reduce_only: 'sell',
};

function checkIntents(intents: readonly Intent[], harness: Harness): void {
  for (const intent of intents) {
    expect(intent.ticker).to.equal(TICKER);
    expect(intent.tsMs).to.equal(harness.nowMs);
    expect(intent.action, intent.kind).to.equal(INTENT_ACTIONS[intent.kind]);
    expect(intent.price, `price of ${JSON.stringify(intent)}`).to.be.within(1, 99);
    expect(Number.isInteger(intent.price)).to.equal(true);
    expect(Number.isSafeInteger(intent.size) && intent.size > 0, `size of ${JSON.stringify(intent)}`).to.equal(true);
  }
  // YES is decided before NO within each kind of order
  for (const kinds of [['quote', 'reprice', 'cancel'], ['exit', 'exit_cancel'], ['reduce_only']]) {
    const sides = intents.filter((intent) => kinds.includes(intent.kind)).map((intent) => intent.side);
    expect(sides.join(','), `order of ${kinds.join('/')}`).to.match(/^(yes,?)*(no,?)*$/);
  }
}

function checkResting(harness: Harness): void {
  const { params, position, book } = harness;
  const state = harness.maker.exportState();
  const cap = params.max_inventory * 100;
  const bestYes = book.bestBid('yes');
  const bestNo = book.bestBid('no');
  const { yes, no } = state.bids;
  if (yes !== null && no !== null) {
    expect(yes.price + no.price, 'bid_yes + bid_no').to.be.at.most(100 - params.sum_cushion);
  }
  for (const leg of LEGS) {
    const bid = state.bids[leg];
    const exit = state.exits[leg];
    const ownBest = leg === 'yes' ? bestYes : bestNo;
    const otherBest = leg === 'yes' ? bestNo : bestYes;
    const inventory = inventoryOn(leg, position);
    if (bid !== null) {
      expect(bid.price, `${leg} bid`).to.be.within(1, 99);
      expect(otherBest, `${leg} bid without an opposite ladder`).to.not.equal(undefined);
      expect(bid.price, `${leg} bid crosses the ${leg} ask`).to.be.below(100 - otherBest!.price);
      expect(inventory, `${leg} bid on a capped leg`).to.be.below(cap);
      expect(inventory + bid.size, `${leg} full fill passes the cap`).to.be.at.most(cap);
      expect(book.stale, 'bid resting on a stale book').to.equal(false);
    }
    if (exit !== null) {
      expect(exit.price, `${leg} exit`).to.be.within(1, 99);
      if (ownBest !== undefined) expect(exit.price, `${leg} exit at or below the best bid`).to.be.above(ownBest.price);
      if (bid !== null) expect(exit.price, `${leg} exit at or below its own bid`).to.be.above(bid.price);
      expect(inventory, `${leg} exit while flat`).to.be.above(0);
      expect(exit.size, `${leg} exit size`).to.be.at.most(inventory);
      expect(book.stale, 'exit resting on a stale book').to.equal(false);
    }
  }
  if (state.mode !== 'active') {
    expect(state.bids).to.deep.equal({ yes: null, no: null });
    expect(state.exits).to.deep.equal({ yes: null, no: null });
  }
}

/** Runs every step and returns every intent, checking the invariants along the way. */
function runChecked(params: StrategyParams, steps: readonly Step[]): Intent[] {
  const harness = new Harness(params);
  const ledger = new Ledger();
  const lastPrompt: Record<Side, number | undefined> = { yes: undefined, no: undefined };
  const all: Intent[] = [];
  const pause = new PauseTracker();
  for (const step of steps) {
    if (step.event.kind === 'params') lastPrompt.yes = lastPrompt.no = undefined;
    const intents = harness.run(step);
    checkIntents(intents, harness);
    pause.follow(step.event, harness);
    if (pause.paused) {
      const deciding = intents.filter((intent) => intent.kind !== 'cancel' && intent.kind !== 'exit_cancel');
      expect(describeIntents(deciding), `decided while ${pause.why}`).to.deep.equal([]);
    }
    for (const leg of LEGS) {
      if (inventoryOn(leg, harness.position) < harness.params.max_inventory * 100) lastPrompt[leg] = undefined;
    }
    for (const intent of intents) {
      ledger.apply(intent);
      if (intent.kind === 'reduce_only') {
        const inventory = inventoryOn(intent.side, harness.position);
        expect(inventory, 'reduce_only below the cap').to.be.at.least(harness.params.max_inventory * 100);
        expect(intent.size).to.be.at.most(inventory);
        expect(intent.price, 'reduce_only price').to.equal(harness.book.bestBid(intent.side)?.price);
        const previous = lastPrompt[intent.side];
        if (previous !== undefined) {
          expect(harness.nowMs - previous, 'reduce_only rate').to.be.at.least(harness.params.quote_ttl_s * 1000);
        }
        lastPrompt[intent.side] = harness.nowMs;
      }
    }
    ledger.matches(harness.maker.exportState());
    if (pause.paused) expect(ledger.isEmpty(), `orders resting while ${pause.why}`).to.equal(true);
    checkResting(harness);
    if (step.event.kind === 'timer') {
      // a timer decision settles everything due, so the actor never spins on a past deadline
      const deadline = harness.maker.nextDeadlineMs();
      if (deadline !== undefined) expect(deadline, 'a deadline already past').to.be.above(harness.nowMs);
    }
    all.push(...intents);
  }
  const last = harness.maker.shutdown(harness.nowMs);
  last.forEach((intent) => ledger.apply(intent));
  expect(ledger.bids).to.deep.equal({ yes: undefined, no: undefined });
  expect(ledger.exits).to.deep.equal({ yes: undefined, no: undefined });
  return [...all, ...last];
}

describe('DualMaker properties', () => {
  it('keeps every invariant after every event, and leaves nothing resting after shutdown', () => {
    let intentsSeen = 0;
    const kindsSeen = new Set<string>();
    fc.assert(
      fc.property(paramsArbitrary, stepsArbitrary, (params, steps) => {
        const intents = runChecked(params, steps);
        intentsSeen += intents.length;
        intents.forEach((intent) => kindsSeen.add(`${intent.kind}:${intent.reason}`));
      }),
      { numRuns: 400, seed: 424242 },
    );
    expect(intentsSeen).to.be.greaterThan(5_000);
    // the runs reach every kind of intent and most reasons
    for (const reason of [
      'quote:join',
      'quote:improve',
      'quote:cushion',
      'quote:ttl_refresh',
      'reprice:join',
      'cancel:ttl',
      'cancel:spread_too_narrow',
      'cancel:book_incomplete',
      'cancel:inventory_cap',
      'cancel:stale_book',
      'cancel:market_closed',
      'cancel:shutdown',
      'exit:take_profit',
      'exit:above_best_bid',
      'exit:ttl_refresh',
      'exit_cancel:flat',
      'exit_cancel:reprice',
      'exit_cancel:ttl',
      'reduce_only:inventory_cap',
    ]) {
      expect(kindsSeen.has(reason), reason).to.equal(true);
    }
  });

  it('gives the same intents for the same events (determinism)', () => {
    fc.assert(
      fc.property(paramsArbitrary, stepsArbitrary, (params, steps) => {
        expect(runChecked(params, steps)).to.deep.equal(runChecked(params, steps));
      }),
      { numRuns: 100, seed: 777 },
    );
  });
});
