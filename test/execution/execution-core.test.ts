import { expect } from 'chai';
import { ManualClock } from '../../src/clock/manual-clock.js';
import { ExecutionCore, type ExecutionCoreOptions } from '../../src/execution/execution-core.js';
import { parseRiskLimits } from '../../src/risk/limits.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { ExecutionEvent, OrderEvent } from '../../src/execution/messages.js';
import { WriteBudget } from '../../src/execution/write-budget.js';
import type { Fill } from '../../src/portfolio/fill.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import type { Intent, IntentKind } from '../../src/strategy/intent.js';
import { FakeVenue } from './fake-venue.js';

const T = 'KXTEST-26';

interface Harness {
  core: ExecutionCore;
  venue: FakeVenue;
  clock: ManualClock;
  events: ExecutionEvent[];
  journal: Fill[];
  logs: RuntimeEvent[];
  /** lets answered requests settle */
  flush(): Promise<void>;
}

function harness(
  options: {
    tokensPerSecond?: number;
    capacity?: number;
    minOrderLifeMs?: number;
    risk?: RiskEngine;
    onKillSwitch?: ExecutionCoreOptions['onKillSwitch'];
  } = {},
): Harness {
  const clock = new ManualClock(1_000_000);
  const venue = new FakeVenue();
  const events: ExecutionEvent[] = [];
  const journal: Fill[] = [];
  const logs: RuntimeEvent[] = [];
  const budget = new WriteBudget(
    { tokensPerSecond: options.tokensPerSecond ?? 100, ...(options.capacity !== undefined ? { capacity: options.capacity } : {}) },
    clock.now(),
  );
  const core = new ExecutionCore({
    venue,
    clock,
    budget,
    minOrderLifeMs: options.minOrderLifeMs ?? 0,
    emit: (_ticker, event) => events.push(event),
    journal: (fill) => journal.push(fill),
    log: (event) => logs.push(event),
    ...(options.risk ? { risk: options.risk } : {}),
    ...(options.onKillSwitch ? { onKillSwitch: options.onKillSwitch } : {}),
  });
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await core.settled();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { core, venue, clock, events, journal, logs, flush };
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

describe('execution/execution-core', () => {
  it('a quote becomes one create; the maker hears OrderAccepted', async () => {
    const h = harness();
    const quote = intent('quote', 'yes', 43);
    h.core.submit([quote]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
    const created = h.venue.calls[0]!.args as { clientOrderId: string; price: number; size: number; postOnly: boolean; timeInForce: string };
    expect(created).to.include({ clientOrderId: quote.clientOrderId, price: 43, size: 500, postOnly: true, timeInForce: 'good_till_canceled' });
    expect(orderEvents(h.events, 'OrderAccepted').map((event) => [event.clientOrderId, event.remaining])).to.deep.equal([[quote.clientOrderId, 500]]);
    expect(h.core.openOrders()).to.have.length(1);
  });

  it('a TTL refresh at the same price and size sends nothing: the order keeps its queue place', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 43)]);
    await h.flush();
    h.core.submit([intent('cancel', 'yes', 43, 500, 'ttl'), intent('quote', 'yes', 43, 500, 'ttl_refresh')]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
    expect(h.venue.resting()).to.have.length(1);
    expect(h.core.counters().unchanged).to.be.at.least(1);
  });

  it('a refused post-only order is reported at once as OrderRejected with the reason', async () => {
    const h = harness();
    h.venue.fail('create', 'refused', 'post_only_cross');
    const quote = intent('quote', 'no', 55);
    h.core.submit([quote]);
    await h.flush();
    const [rejected] = orderEvents(h.events, 'OrderRejected');
    expect(rejected).to.include({ clientOrderId: quote.clientOrderId, leg: 'no', role: 'entry', reason: 'post_only_cross', remaining: 0 });
    expect(h.core.openOrders()).to.have.length(0);
    expect(h.core.counters().rejects).to.deep.equal({ post_only_cross: 1 });
  });

  it('a complete fill empties the slot: OrderFilled with nothing remaining, the position, the journal', async () => {
    const h = harness();
    const quote = intent('quote', 'yes', 40, 500);
    h.core.submit([quote]);
    await h.flush();
    const orderId = [...h.venue.orders.keys()][0]!;
    h.venue.fillOrder(orderId, 200);
    h.venue.fillOrder(orderId, 300);
    await h.flush();
    const fills = orderEvents(h.events, 'OrderFilled');
    expect(fills.map((event) => [event.fill!.count, event.remaining])).to.deep.equal([
      [200, 300],
      [300, 0],
    ]);
    expect(h.core.openOrders()).to.have.length(0);
    const positions = h.events.filter((event) => event.kind === 'PositionChanged');
    expect(positions.at(-1)).to.deep.equal({ kind: 'PositionChanged', ticker: T, position: 500, costE4: 20_000 }); // 5 contracts at $0.40
    expect(h.journal.map((fill) => [fill.side, fill.action, fill.price, fill.count])).to.deep.equal([
      ['yes', 'buy', 40, 200],
      ['yes', 'buy', 40, 300],
    ]);
    // the next quote on that leg is a new order
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'create']);
  });

  it('a duplicate fill report (same trade id) is counted once', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    await h.flush();
    const orderId = [...h.venue.orders.keys()][0]!;
    h.venue.fillOrder(orderId, 100, { tradeId: 'same' });
    h.venue.handlers!.fill({
      tradeId: 'same',
      orderId,
      clientOrderId: undefined,
      ticker: T,
      yesPrice: 40,
      count: 100,
      feeMicros: undefined,
      isTaker: false,
      tsMs: 1,
    });
    await h.flush();
    expect(h.journal).to.have.length(1);
    expect(h.core.portfolio.market(T).position).to.equal(100);
  });

  it('fees come from the fee model when the venue reports none, else from the venue', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    await h.flush();
    const orderId = [...h.venue.orders.keys()][0]!;
    h.venue.fillOrder(orderId, 100, { isTaker: true }); // 0.07 x 1 x 0.40 x 0.60 = $0.0168
    h.venue.fillOrder(orderId, 100, { feeMicros: 12_345 });
    await h.flush();
    expect(h.journal.map((fill) => fill.feeMicros)).to.deep.equal([16_800, 12_345]);
  });

  it('a fill that arrives before the create is answered is applied once the answer names the order', async () => {
    const h = harness();
    h.venue.hold();
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    h.venue.handlers!.fill({
      tradeId: 'early',
      orderId: 'o1',
      clientOrderId: undefined,
      ticker: T,
      yesPrice: 40,
      count: 500,
      feeMicros: 0,
      isTaker: false,
      tsMs: 1,
    });
    expect(h.journal).to.have.length(0);
    h.venue.release();
    await h.flush();
    expect(h.journal).to.have.length(1);
    expect(h.core.openOrders()).to.have.length(0);
  });

  it('a reprice is one amend; a smaller size at the same price is a decrease', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 43, 500)]);
    await h.flush();
    const reprice = intent('reprice', 'yes', 44, 500);
    h.core.submit([reprice]);
    await h.flush();
    h.core.submit([intent('reprice', 'yes', 44, 300)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'amend', 'decrease']);
    const [order] = h.venue.resting();
    expect(order).to.include({ price: 44, remaining: 300, clientOrderId: reprice.clientOrderId });
  });

  it('superseded targets are never sent: with no tokens left only the latest target goes out', async () => {
    const h = harness({ tokensPerSecond: 10, capacity: 10 }); // one create at a time
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
    h.core.submit([intent('reprice', 'yes', 41), intent('reprice', 'yes', 42), intent('reprice', 'yes', 43)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']); // no tokens yet
    h.clock.advance(1_000);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'amend']);
    expect((h.venue.calls[1]!.args as { price: number }).price).to.equal(43);
  });

  it('cancels go first when the budget is short', async () => {
    const h = harness({ tokensPerSecond: 10, capacity: 20 });
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush(); // 10 tokens left
    h.core.submit([intent('quote', 'no', 50), intent('cancel', 'yes', 40, 500, 'spread_too_narrow')]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'cancel', 'create'].slice(0, 2));
    expect(orderEvents(h.events, 'OrderCanceled').map((event) => event.reason)).to.deep.equal(['spread_too_narrow']);
    h.clock.advance(1_000);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'cancel', 'create']);
  });

  it('a 429 holds writes with backoff, is counted, and the same order is sent again', async () => {
    const h = harness();
    h.venue.fail('create', 'rate_limited');
    const quote = intent('quote', 'yes', 40);
    h.core.submit([quote]);
    await h.flush();
    expect(h.core.counters().rateLimited).to.equal(1);
    expect(h.venue.resting()).to.have.length(0);
    h.clock.advance(30_000);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'create']);
    expect(h.venue.resting().map((order) => order.clientOrderId)).to.deep.equal([quote.clientOrderId]);
  });

  it('a create whose answer is lost is looked up by client order id before anything else is sent for that slot', async () => {
    const h = harness();
    h.venue.fail('create', 'unknown_after_effect'); // placed, but the answer is lost
    const quote = intent('quote', 'yes', 40);
    h.core.submit([quote]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'findOrder']);
    expect(h.venue.calls[1]!.args).to.deep.equal({ ticker: T, clientOrderId: quote.clientOrderId });
    expect(h.core.openOrders().map((order) => order.status)).to.deep.equal(['resting']);
    h.core.submit([intent('cancel', 'yes', 40, 500, 'stale_book')]);
    await h.flush();
    expect(h.venue.resting()).to.have.length(0);
  });

  it('a create that timed out and is not found is reported rejected (lost), and the slot is free again', async () => {
    const h = harness();
    h.venue.fail('create', 'unknown');
    const quote = intent('quote', 'yes', 40);
    h.core.submit([quote]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'findOrder']);
    expect(orderEvents(h.events, 'OrderRejected').map((event) => [event.clientOrderId, event.reason])).to.deep.equal([[quote.clientOrderId, 'lost']]);
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush();
    expect(h.venue.resting()).to.have.length(1);
  });

  it('min order life: a target that flips back within it sends nothing; one that stays is sent when the order is old enough', async () => {
    const h = harness({ minOrderLifeMs: 1_000 });
    h.core.submit([intent('quote', 'yes', 43)]);
    await h.flush();
    h.clock.advance(100);
    h.core.submit([intent('reprice', 'yes', 44)]);
    await h.flush();
    h.clock.advance(100);
    h.core.submit([intent('reprice', 'yes', 43)]);
    await h.flush();
    h.clock.advance(2_000);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
    h.core.submit([intent('reprice', 'yes', 45)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'amend']);
    h.clock.advance(200);
    h.core.submit([intent('reprice', 'yes', 46)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'amend']);
    h.clock.advance(1_000);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'amend', 'amend']);
  });

  it('cancels never wait for the order life', async () => {
    const h = harness({ minOrderLifeMs: 60_000 });
    h.core.submit([intent('quote', 'yes', 43)]);
    await h.flush();
    h.core.submit([intent('cancel', 'yes', 43, 500, 'stale_book')]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create', 'cancel']);
  });

  it('a cancel of an order already gone (404) resolves it by lookup, and a venue-side cancel reaches the maker', async () => {
    const h = harness();
    const bid = intent('quote', 'yes', 43);
    const exit = intent('exit', 'no', 60, 200, 'take_profit');
    h.core.submit([bid, exit]);
    await h.flush();
    const [bidOrder, exitOrder] = [...h.venue.orders.values()];
    h.venue.orders.set(bidOrder!.orderId, { ...bidOrder!, status: 'executed', remaining: 0, filled: 500 });
    h.core.submit([intent('cancel', 'yes', 43, 500, 'ttl')]);
    await h.flush();
    expect(h.venue.kinds()).to.include.members(['cancel', 'findOrder']);
    h.venue.handlers!.orderEnded({ orderId: exitOrder!.orderId, clientOrderId: exit.clientOrderId, ticker: T, status: 'canceled', reason: 'HaltCancel' });
    await h.flush();
    expect(orderEvents(h.events, 'OrderCanceled').map((event) => [event.role, event.reason])).to.deep.include(['exit', 'HaltCancel']);
    expect(h.core.openOrders()).to.have.length(0);
  });

  it('events about an order kept for a newer equal target carry the newer client order id', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 43)]);
    await h.flush();
    const refresh = intent('quote', 'yes', 43, 500, 'ttl_refresh');
    h.core.submit([intent('cancel', 'yes', 43, 500, 'ttl'), refresh]);
    await h.flush();
    h.venue.fillOrder([...h.venue.orders.keys()][0]!, 500);
    await h.flush();
    expect(orderEvents(h.events, 'OrderFilled').map((event) => event.clientOrderId)).to.deep.equal([refresh.clientOrderId]);
  });

  it('stop: cancels every order, then lists until the venue has none (an order unknown to the core included)', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40), intent('quote', 'no', 50)]);
    await h.flush();
    // an orphan of an earlier run
    h.venue.orders.set('orphan', {
      orderId: 'orphan',
      clientOrderId: 'old',
      ticker: T,
      leg: 'yes',
      action: 'buy',
      price: 30,
      remaining: 100,
      filled: 0,
      status: 'resting',
    });
    const stopping = h.core.stop([T], 'shutdown');
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      h.clock.advance(100);
    }
    const result = await stopping;
    expect(h.venue.resting()).to.have.length(0);
    expect(result).to.deep.equal({ cancelled: 3, remaining: 0 });
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush();
    expect(h.venue.resting()).to.have.length(0); // nothing is sent after stop
  });

  it('reduce-only prompts are immediate-or-cancel, reduce-only, not post-only', async () => {
    const h = harness();
    h.core.submit([intent('reduce_only', 'yes', 45, 1_000, 'inventory_cap')]);
    await h.flush();
    expect(h.venue.calls[0]!.args).to.include({ timeInForce: 'immediate_or_cancel', reduceOnly: true, postOnly: false, action: 'sell' });
    expect(h.core.openOrders()).to.have.length(0);
  });
});

describe('execution/execution-core: pause, kill and resume', () => {
  it('pause of every market, then resume of every market, with the kill switch never tripped: orders go out again', async () => {
    const h = harness({ risk: new RiskEngine(parseRiskLimits(undefined), { nowMs: 1_000_000 }) });
    h.core.pause(undefined);
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal([]);
    expect(h.core.resume(undefined, 'ops')).to.equal(undefined);
    h.core.submit([intent('quote', 'yes', 41)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
  });

  it('a kill tells the latch why, a resume tells it the switch is clear, and only then do orders go out', async () => {
    const latch: Array<{ reason: string; atMs: number } | null> = [];
    const h = harness({ risk: new RiskEngine(parseRiskLimits(undefined), { nowMs: 1_000_000 }), onKillSwitch: (trip) => latch.push(trip) });
    h.core.kill('ops');
    expect(latch).to.deep.equal([{ reason: 'manual: manual kill by ops', atMs: 1_000_000 }]);
    h.core.submit([intent('quote', 'yes', 40)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal([]);
    expect(h.core.resume(undefined, 'ops')).to.equal(undefined);
    expect(latch.at(-1)).to.equal(null);
    h.core.submit([intent('quote', 'yes', 41)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['create']);
  });
});

describe('execution/execution-core: settlement', () => {
  it('a settled market turns its position into realized PnL and tells the maker it is flat', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    await h.flush();
    h.venue.fillOrder([...h.venue.orders.keys()][0]!, 500);
    await h.flush();
    h.venue.handlers!.settled(T, 'yes');
    const market = h.core.portfolio.market(T);
    expect(market.position).to.equal(0);
    expect(market.realizedMicros).to.equal(3_000_000); // 5 contracts bought at $0.40 pay $1 each
    expect(h.events.at(-1)).to.deep.equal({ kind: 'PositionChanged', ticker: T, position: 0, costE4: 0 });
  });
});

describe('execution/execution-core: reconciliation before quoting', () => {
  const orphan = (orderId: string, clientOrderId: string, price: number) => ({
    orderId,
    clientOrderId,
    ticker: T,
    leg: 'yes' as const,
    action: 'buy' as const,
    price,
    remaining: 500,
    filled: 0,
    status: 'resting' as const,
  });

  it('cancel: every order resting from before is cancelled by id; positions seed the portfolio', async () => {
    const h = harness();
    h.venue.orders.set('old1', orphan('old1', 'x1', 30));
    h.venue.orders.set('old2', { ...orphan('old2', 'x2', 60), leg: 'no' });
    h.venue.orders.set('other', { ...orphan('other', 'x3', 50), ticker: 'KXOTHER-26' });
    h.venue.holdings = [{ ticker: T, position: -300, costMicros: 1_650_000 }];
    const report = await h.core.reconcile([T], 'cancel');
    expect(report).to.include({ cancelled: 2, adopted: 0 });
    expect(h.venue.resting().map((order) => order.orderId)).to.deep.equal(['other']); // not a configured market
    expect(h.venue.kinds().filter((kind) => kind === 'cancel')).to.have.length(2);
    expect(h.core.portfolio.market(T)).to.include({ position: -300, costMicros: 1_650_000 });
  });

  it('cancel: a cancel refused for a while (429 after a killed run spent the budget, a lost answer) is tried again until the order is gone', async () => {
    const h = harness();
    h.venue.orders.set('old1', orphan('old1', 'x1', 30));
    h.venue.fail('cancel', 'rate_limited');
    h.venue.fail('cancel', 'rate_limited');
    h.venue.fail('cancel', 'unknown');
    let report: Awaited<ReturnType<typeof h.core.reconcile>> | undefined;
    const reconciling = h.core.reconcile([T], 'cancel').then((value) => (report = value));
    for (let step = 0; step < 40 && report === undefined; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      h.clock.advance(250);
    }
    await reconciling;
    expect(report).to.include({ cancelled: 1 });
    expect(h.venue.resting()).to.deep.equal([]);
    expect(h.venue.kinds().filter((kind) => kind === 'cancel')).to.have.length(4);
    expect(h.logs.filter((event) => event.kind === 'reconcile_cancel_retry')).to.have.length(3);
  });

  it('cancel: an order already gone (404) is not tried again; one refused every time is reported after the last attempt', async () => {
    const h = harness();
    h.venue.orders.set('old1', orphan('old1', 'x1', 30));
    h.venue.orders.set('old2', orphan('old2', 'x2', 31));
    h.venue.fail('cancel', 'not_found');
    for (let attempt = 0; attempt < 6; attempt++) h.venue.fail('cancel', 'rate_limited');
    let report: Awaited<ReturnType<typeof h.core.reconcile>> | undefined;
    const reconciling = h.core.reconcile([T], 'cancel').then((value) => (report = value));
    for (let step = 0; step < 200 && report === undefined; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      h.clock.advance(250);
    }
    await reconciling;
    expect(report).to.include({ cancelled: 0 });
    expect(h.venue.kinds().filter((kind) => kind === 'cancel')).to.have.length(7);
    expect(h.logs.filter((event) => event.kind === 'reconcile_cancel_failed').map((event) => event.level)).to.deep.equal(['error']);
  });

  it("adopt: a resting order becomes the slot's live order; an equal first target sends nothing, a different one amends it", async () => {
    const h = harness();
    h.venue.orders.set('old1', orphan('old1', 'x1', 43));
    const report = await h.core.reconcile([T], 'adopt');
    expect(report).to.include({ cancelled: 0, adopted: 1 });
    h.core.submit([intent('quote', 'yes', 43, 500)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['listResting']);
    h.core.submit([intent('reprice', 'yes', 44, 500)]);
    await h.flush();
    expect(h.venue.kinds()).to.deep.equal(['listResting', 'amend']);
    expect(h.venue.resting().map((order) => [order.orderId, order.price])).to.deep.equal([['old1', 44]]);
  });
});

describe('execution/execution-core: resync after a reconnect', () => {
  it('books the fills the private channel missed, ends orders gone meanwhile, and cancels unknown resting orders', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40, 500), intent('quote', 'no', 50, 500)]);
    await h.flush();
    const [yesOrder, noOrder] = [...h.venue.orders.values()];
    // while disconnected: the YES bid filled 2 (the fill frame never came), the NO bid filled completely and left the list
    h.venue.orders.set(yesOrder!.orderId, { ...yesOrder!, filled: 200, remaining: 300 });
    h.venue.orders.set(noOrder!.orderId, { ...noOrder!, filled: 500, remaining: 0, status: 'executed' });
    const missed = (orderId: string, count: number, trade: string) => ({
      tradeId: trade,
      orderId,
      clientOrderId: undefined,
      ticker: T,
      yesPrice: orderId === yesOrder!.orderId ? 40 : 50,
      count,
      feeMicros: 0,
      isTaker: false,
      tsMs: 5,
    });
    h.venue.listedFills.set(yesOrder!.orderId, [missed(yesOrder!.orderId, 200, 'm1')]);
    h.venue.listedFills.set(noOrder!.orderId, [missed(noOrder!.orderId, 500, 'm2')]);
    h.venue.orders.set('stranger', {
      orderId: 'stranger',
      clientOrderId: 'lost-answer',
      ticker: T,
      leg: 'yes',
      action: 'buy',
      price: 30,
      remaining: 100,
      filled: 0,
      status: 'resting',
    });
    const report = await h.core.resync([T]);
    expect(report).to.deep.equal({ missedFills: 2, ended: 0, strangers: 1 });
    expect(h.core.portfolio.market(T).position).to.equal(200 - 500);
    expect(h.venue.orders.get('stranger')!.status).to.equal('canceled');
    expect(h.core.openOrders().map((order) => order.orderId)).to.deep.equal([yesOrder!.orderId]);
    // a second resync finds nothing new (the fills are not booked twice)
    expect(await h.core.resync([T])).to.deep.equal({ missedFills: 0, ended: 0, strangers: 0 });
  });
});

describe('execution/execution-core: memory', () => {
  it('amends do not pile up client order ids: a resting order is known by its current id only', async () => {
    const h = harness();
    h.core.submit([intent('quote', 'yes', 40, 500)]);
    await h.flush();
    for (let round = 0; round < 50; round++) {
      h.clock.advance(200); // the budget refills 20 tokens: one amend a round
      h.core.submit([intent('reprice', 'yes', 41 + (round % 2), 500)]);
      await h.flush();
    }
    const [order] = h.venue.resting();
    expect(h.venue.kinds().filter((kind) => kind === 'amend')).to.have.length(50);
    // the core tracks one order under one client order id (plus nothing left from the 50 amends)
    expect(h.core.openOrders().map((open) => open.clientOrderId)).to.deep.equal([order!.clientOrderId]);
    expect(h.core.trackedIds()).to.equal(1);
  });
});
