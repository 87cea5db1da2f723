import { expect } from 'chai';
import { ManualClock } from '../../src/clock/manual-clock.js';
import { ExecutionCore } from '../../src/execution/execution-core.js';
import type { ExecutionEvent, OrderEvent } from '../../src/execution/messages.js';
import type { OrderIntent } from '../../src/execution/order-request.js';
import { decodeTrade, SandboxVenue, type SandboxVenueOptions } from '../../src/execution/sandbox-venue.js';
import { VenueRefusedError, type AmendRequest, type Venue } from '../../src/execution/venue.js';
import { WriteBudget } from '../../src/execution/write-budget.js';
import type { QueueModelConfig } from '../../src/matching/queue-model.js';
import type { Fill } from '../../src/portfolio/fill.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import type { Intent, IntentKind } from '../../src/strategy/intent.js';

const T = 'KXTEST-26';

/** The sandbox, with every request it gets recorded (as the execution core's fake venue does). */
class Recorded {
  readonly calls: string[] = [];
  readonly venue: Venue;
  constructor(readonly sandbox: SandboxVenue) {
    const calls = this.calls;
    this.venue = {
      label: sandbox.label,
      listen: (handlers) => sandbox.listen(handlers),
      create: (order: OrderIntent) => (calls.push('create'), sandbox.create(order)),
      cancel: (order) => (calls.push('cancel'), sandbox.cancel(order)),
      amend: (request: AmendRequest) => (calls.push('amend'), sandbox.amend(request)),
      decrease: (order) => (calls.push('decrease'), sandbox.decrease(order)),
      findOrder: (ticker, id) => (calls.push('findOrder'), sandbox.findOrder(ticker, id)),
      listResting: (tickers) => (calls.push('listResting'), sandbox.listResting(tickers)),
      fills: (orderId) => sandbox.fills(orderId),
      positions: (tickers) => sandbox.positions(tickers),
      close: () => sandbox.close(),
    };
  }
}

interface Harness {
  core: ExecutionCore;
  sandbox: SandboxVenue;
  calls: string[];
  clock: ManualClock;
  events: ExecutionEvent[];
  journal: Fill[];
  logs: RuntimeEvent[];
  flush(): Promise<void>;
}

function harness(queue: Partial<QueueModelConfig> = {}, options: Partial<SandboxVenueOptions> = {}): Harness {
  const clock = new ManualClock(1_000_000);
  const sandbox = new SandboxVenue({ clock, queue, ...options });
  const recorded = new Recorded(sandbox);
  const events: ExecutionEvent[] = [];
  const journal: Fill[] = [];
  const logs: RuntimeEvent[] = [];
  const core = new ExecutionCore({
    venue: recorded.venue,
    clock,
    budget: new WriteBudget({ tokensPerSecond: 1000 }, clock.now()),
    minOrderLifeMs: 0,
    emit: (_ticker, event) => events.push(event),
    journal: (fill) => journal.push(fill),
    log: (event) => logs.push(event),
  });
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  sandbox.ingest({ kind: 'snapshot', snapshot: { ticker: T, yes: [[40, 300]], no: [[55, 1000]] } });
  return { core, sandbox, calls: recorded.calls, clock, events, journal, logs, flush };
}

let ids = 0;
function intent(kind: IntentKind, side: 'yes' | 'no', price: number, size = 500, reason = 'join'): Intent {
  const action = kind === 'quote' || kind === 'reprice' || kind === 'cancel' ? 'buy' : 'sell';
  const base: Intent = { tsMs: 0, ticker: T, kind, side, action, price, size, reason };
  return kind === 'cancel' || kind === 'exit_cancel' ? base : { ...base, clientOrderId: `c${++ids}` };
}

function orderEvents(events: readonly ExecutionEvent[], kind?: OrderEvent['kind']): OrderEvent[] {
  return events.filter((event): event is OrderEvent => event.kind !== 'PositionChanged' && (kind === undefined || event.kind === kind));
}

/** A public trade in which takers sold YES into the YES bids at `yesPrice`. */
function yesBidsHit(h: Harness, yesPrice: number, count: number): void {
  h.sandbox.ingest({ kind: 'trade', trade: { ticker: T, takerSide: 'no', yesPrice, count, tsMs: h.clock.now() } });
}

describe('execution/sandbox-venue', () => {
  describe('behind the execution core', () => {
    it('a quote becomes one create and rests; the maker hears OrderAccepted', async () => {
      const h = harness();
      const quote = intent('quote', 'yes', 40);
      h.core.submit([quote]);
      await h.flush();
      expect(h.calls).to.deep.equal(['create']);
      expect(orderEvents(h.events, 'OrderAccepted').map((event) => [event.clientOrderId, event.remaining])).to.deep.equal([[quote.clientOrderId, 500]]);
      const resting = await h.sandbox.listResting([T]);
      expect(resting.map((order) => [order.clientOrderId, order.price, order.remaining, order.status])).to.deep.equal([
        [quote.clientOrderId, 40, 500, 'resting'],
      ]);
    });

    it('a TTL refresh at the same price and size sends nothing', async () => {
      const h = harness();
      h.core.submit([intent('quote', 'yes', 40)]);
      await h.flush();
      h.core.submit([intent('cancel', 'yes', 40, 500, 'ttl'), intent('quote', 'yes', 40, 500, 'ttl_refresh')]);
      await h.flush();
      expect(h.calls).to.deep.equal(['create']);
    });

    it('a post-only order that would cross is refused with post_only_cross', async () => {
      const h = harness();
      const quote = intent('quote', 'yes', 46); // YES is asked at 45
      h.core.submit([quote]);
      await h.flush();
      const [rejected] = orderEvents(h.events, 'OrderRejected');
      expect(rejected).to.include({ clientOrderId: quote.clientOrderId, reason: 'post_only_cross', remaining: 0 });
      expect(h.core.counters().rejects).to.deep.equal({ post_only_cross: 1 });
      expect(await h.sandbox.listResting([T])).to.deep.equal([]);
    });

    it('public trades fill the resting order through its queue, with the maker fee of the market', async () => {
      const h = harness({}, { feeSchedule: () => ({ feeType: 'quadratic_with_maker_fees', multiplierMilli: 1000 }) });
      h.core.submit([intent('quote', 'yes', 40, 500)]);
      await h.flush();
      yesBidsHit(h, 40, 400); // 300 ahead, then 100 of ours
      h.clock.advance(10);
      yesBidsHit(h, 39, 1000); // through our price: the rest
      await h.flush();
      const fills = orderEvents(h.events, 'OrderFilled');
      expect(fills.map((event) => [event.fill!.count, event.remaining, event.fill!.isTaker])).to.deep.equal([
        [100, 400, false],
        [400, 0, false],
      ]);
      // maker fee: 0.0175 x contracts x 0.40 x 0.60, rounded up to the micro-dollar
      expect(h.journal.map((fill) => [fill.side, fill.action, fill.price, fill.count, fill.feeMicros])).to.deep.equal([
        ['yes', 'buy', 40, 100, 4200],
        ['yes', 'buy', 40, 400, 16_800],
      ]);
      expect(h.core.portfolio.market(T).position).to.equal(500);
      expect(h.core.openOrders()).to.have.length(0);
      const [order] = [...(await h.sandbox.listResting([T]))];
      expect(order).to.equal(undefined);
    });

    it('a reprice is one amend (new client order id, back of the queue); a smaller size at the same price is a decrease', async () => {
      const h = harness();
      h.core.submit([intent('quote', 'yes', 40, 500)]);
      await h.flush();
      const reprice = intent('reprice', 'yes', 41, 500);
      h.core.submit([reprice]);
      await h.flush();
      h.core.submit([intent('reprice', 'yes', 41, 300)]);
      await h.flush();
      expect(h.calls).to.deep.equal(['create', 'amend', 'decrease']);
      const [order] = await h.sandbox.listResting([T]);
      expect(order).to.include({ price: 41, remaining: 300, clientOrderId: reprice.clientOrderId });
      expect(await h.sandbox.findOrder(T, reprice.clientOrderId!)).to.include({ orderId: order!.orderId });
    });

    it('a cancel takes the order off; the maker hears OrderCanceled with the reason', async () => {
      const h = harness();
      h.core.submit([intent('quote', 'yes', 40)]);
      await h.flush();
      h.core.submit([intent('cancel', 'yes', 40, 500, 'spread_too_narrow')]);
      await h.flush();
      expect(h.calls).to.deep.equal(['create', 'cancel']);
      expect(orderEvents(h.events, 'OrderCanceled').map((event) => event.reason)).to.deep.equal(['spread_too_narrow']);
      expect(await h.sandbox.listResting([T])).to.deep.equal([]);
    });

    it('a reduce-only IOC takes the visible bid as a taker, capped at the position, and its rest is cancelled', async () => {
      const h = harness();
      h.core.submit([intent('quote', 'yes', 40, 500)]);
      await h.flush();
      yesBidsHit(h, 39, 500);
      await h.flush();
      expect(h.core.portfolio.market(T).position).to.equal(500);
      h.core.submit([intent('reduce_only', 'yes', 38, 800, 'inventory_cap')]);
      await h.flush();
      const taker = h.journal.filter((fill) => fill.isTaker);
      // sells YES into the 40 bid (300 visible), then nothing more down to 38: 300 of the 500 held
      expect(taker.map((fill) => [fill.side, fill.action, fill.price, fill.count])).to.deep.equal([['yes', 'sell', 40, 300]]);
      expect(taker[0]!.feeMicros, 'taker fee 0.07 x 3 x 0.40 x 0.60').to.equal(50_400);
      expect(h.core.portfolio.market(T).position).to.equal(200);
      expect(h.core.openOrders()).to.have.length(0);
    });

    it('stop cancels what rests and the venue confirms nothing is left', async () => {
      const h = harness();
      h.core.submit([intent('quote', 'yes', 40), intent('quote', 'no', 50)]);
      await h.flush();
      expect(await h.sandbox.listResting([T])).to.have.length(2);
      const result = await h.core.stop([T], 'shutdown');
      expect(result).to.deep.equal({ cancelled: 2, remaining: 0 });
      expect(await h.sandbox.listResting([T])).to.deep.equal([]);
    });

    it('with latency the create is answered only once it has arrived, and trades before that do not fill it', async () => {
      const h = harness({ entryLatencyMs: 100, cancelLatencyMs: 50 });
      h.core.submit([intent('quote', 'yes', 40, 500)]);
      await h.flush();
      expect(orderEvents(h.events, 'OrderAccepted')).to.have.length(0);
      h.clock.advance(60);
      yesBidsHit(h, 39, 1000); // before it could have arrived
      h.clock.advance(40);
      await h.flush();
      expect(orderEvents(h.events, 'OrderAccepted')).to.have.length(1);
      expect(h.journal).to.have.length(0);
      // a cancel sent now does not protect it for 50 ms
      h.core.submit([intent('cancel', 'yes', 40, 500, 'stale_book')]);
      await h.flush();
      h.clock.advance(20);
      yesBidsHit(h, 39, 200);
      h.clock.advance(30);
      await h.flush();
      expect(h.journal.map((fill) => fill.count)).to.deep.equal([200]);
      expect(orderEvents(h.events, 'OrderCanceled').map((event) => event.remaining)).to.deep.equal([0]);
      expect(await h.sandbox.listResting([T])).to.deep.equal([]);
    });
  });

  describe('on its own', () => {
    it('refuses bad orders and duplicate client order ids with the codes Kalshi uses', async () => {
      const h = harness();
      const order: OrderIntent = {
        ticker: T,
        clientOrderId: 'x1',
        leg: 'yes',
        action: 'buy',
        price: 40,
        size: 100,
        timeInForce: 'good_till_canceled',
        postOnly: true,
        reduceOnly: false,
      };
      await h.sandbox.create(order);
      const duplicate = await h.sandbox.create(order).catch((error: unknown) => error);
      expect(duplicate).to.be.instanceOf(VenueRefusedError).and.include({ code: 'duplicate_client_order_id', status: 409 });
      const bad = await h.sandbox.create({ ...order, clientOrderId: 'x2', price: 100 }).catch((error: unknown) => error);
      expect(bad).to.be.instanceOf(VenueRefusedError).and.include({ code: 'invalid_order' });
      const reduce = await h.sandbox
        .create({ ...order, clientOrderId: 'x3', action: 'sell', reduceOnly: true, postOnly: false, timeInForce: 'immediate_or_cancel' })
        .catch((error: unknown) => error);
      expect(reduce).to.be.instanceOf(VenueRefusedError).and.include({ code: 'invalid_order' });
      const unknown = await h.sandbox.cancel({ orderId: 'nope', ticker: T }).catch((error: unknown) => error);
      expect(unknown).to.be.instanceOf(VenueRefusedError).and.include({ status: 404 });
    });

    it('reads raw feed frames in the current and the legacy format; an unreadable frame is reported and skipped', () => {
      const problems: string[] = [];
      const clock = new ManualClock(5_000);
      const sandbox = new SandboxVenue({ clock, onProblem: (problem) => problems.push(problem) });
      expect(
        sandbox.ingestFrame(
          JSON.stringify({ type: 'orderbook_snapshot', msg: { market_ticker: T, yes_dollars_fp: [['0.4000', '3.00']], no_dollars_fp: [['0.5500', '10.00']] } }),
        ),
      ).to.equal(true);
      expect(sandbox.top(T)).to.deep.equal({ yesBid: 40, noBid: 55 });
      sandbox.ingestFrame(
        JSON.stringify({ type: 'orderbook_delta', msg: { market_ticker: T, price_dollars: '0.4200', delta_fp: '1.00', side: 'yes', ts_ms: 5_001 } }),
      );
      expect(sandbox.top(T).yesBid).to.equal(42);
      expect(sandbox.ingestFrame('{"type":"orderbook_delta","msg":{"market_ticker":"KXTEST-26","side":"up"}}')).to.equal(false);
      expect(sandbox.ingestFrame('not json')).to.equal(false);
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(/bad side/);
      expect(decodeTrade({ market_ticker: T, yes_price_dollars: '0.2200', count_fp: '7.83', taker_outcome_side: 'yes', ts_ms: 9 })).to.deep.equal({
        ticker: T,
        takerSide: 'yes',
        yesPrice: 22,
        count: 783,
        tsMs: 9,
      });
      expect(decodeTrade({ market_ticker: T, yes_price: 22, count: 3, taker_side: 'no', ts: 2 })).to.deep.equal({
        ticker: T,
        takerSide: 'no',
        yesPrice: 22,
        count: 300,
        tsMs: 2000,
      });
      expect(() => decodeTrade({ market_ticker: T, yes_price_dollars: '0.2200', count_fp: '1.00' })).to.throw(/taker/);
    });

    it('times the feed by its frames, or by the venue clock for a live feed', () => {
      for (const feedTime of ['frame', 'clock'] as const) {
        const clock = new ManualClock(10_000);
        const fills: number[] = [];
        const sandbox = new SandboxVenue({ clock, feedTime, queue: { entryLatencyMs: 100 } });
        sandbox.listen({ fill: (fill) => fills.push(fill.tsMs), orderEnded: () => undefined, position: () => undefined, settled: () => undefined });
        sandbox.ingest({ kind: 'snapshot', snapshot: { ticker: T, yes: [[40, 100]], no: [] } });
        void sandbox.create({
          ticker: T,
          clientOrderId: `f-${feedTime}`,
          leg: 'yes',
          action: 'buy',
          price: 40,
          size: 100,
          timeInForce: 'good_till_canceled',
          postOnly: true,
          reduceOnly: false,
        });
        clock.advance(50); // the order arrives at 10 100
        // a trade through its price, stamped 10 150 by an exchange whose clock is ahead of the host's
        sandbox.ingest({ kind: 'trade', trade: { ticker: T, takerSide: 'no', yesPrice: 39, count: 100, tsMs: 10_150 } });
        expect(fills, feedTime).to.deep.equal(feedTime === 'frame' ? [10_150] : []);
      }
    });

    it('counts the time each market had orders resting, and on both sides', async () => {
      const h = harness();
      const base = {
        ticker: T,
        leg: 'yes' as const,
        action: 'buy' as const,
        size: 100,
        timeInForce: 'good_till_canceled' as const,
        postOnly: true,
        reduceOnly: false,
      };
      const bid = await h.sandbox.create({ ...base, clientOrderId: 'q1', price: 40 });
      h.clock.advance(1_000);
      const ask = await h.sandbox.create({ ...base, clientOrderId: 'q2', leg: 'no', price: 50 });
      h.clock.advance(2_000);
      await h.sandbox.cancel({ orderId: bid.orderId, ticker: T });
      h.clock.advance(500);
      await h.sandbox.cancel({ orderId: ask.orderId, ticker: T });
      h.clock.advance(10_000);
      const [times] = h.sandbox.quoteTimes();
      expect(times).to.include({ ticker: T, quotedMs: 3_500, twoSidedMs: 2_000 });
    });
  });
});
