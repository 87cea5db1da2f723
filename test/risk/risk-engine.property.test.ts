import { expect } from 'chai';
import fc from 'fast-check';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { Action, Leg } from '../../src/portfolio/fill.js';
import { acquisition } from '../../src/portfolio/fill.js';
import type { RiskLimits } from '../../src/risk/limits.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { RiskOrder, RiskOrderSent } from '../../src/risk/risk-engine.js';

const OFF: RiskLimits = {
  positionHundredths: undefined,
  positionCostMicros: undefined,
  exposureMicros: undefined,
  openOrdersPerMarket: undefined,
  ordersPerSecond: undefined,
  maxDrawdownMicros: undefined,
  dailyLossMicros: undefined,
};
const T0 = Date.UTC(2026, 0, 5, 12);
const DAY_MS = 86_400_000;
const TICKERS = ['A', 'B', 'C'];

interface VenueOrder {
  readonly clientOrderId: string;
  readonly ticker: string;
  readonly leg: Leg;
  readonly action: Action;
  readonly price: number;
  readonly reduceOnly: boolean;
  remaining: number;
}

function placeArbOf(tickers: readonly string[]) {
  return fc.record({
    kind: fc.constant('place' as const),
    ticker: fc.constantFrom(...tickers),
    leg: fc.constantFrom<Leg>('yes', 'no'),
    action: fc.constantFrom<Action>('buy', 'sell'),
    price: fc.integer({ min: 1, max: 99 }),
    size: fc.integer({ min: 1, max: 1500 }),
    reduceOnly: fc.boolean(),
    amend: fc.option(fc.nat(), { nil: null, freq: 4 }),
  });
}
const fillArb = fc.record({
  kind: fc.constant('fill' as const),
  pick: fc.nat(),
  part: fc.integer({ min: 1, max: 1000 }),
  better: fc.integer({ min: 0, max: 5 }),
});
const cancelArb = fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() });
const waitArb = fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 700 }) });
function opArbOf(tickers: readonly string[]) {
  return fc.oneof(
    { arbitrary: placeArbOf(tickers), weight: 5 },
    { arbitrary: fillArb, weight: 4 },
    { arbitrary: cancelArb, weight: 1 },
    { arbitrary: waitArb, weight: 2 },
  );
}
const placeArb = placeArbOf(TICKERS);
const opArb = opArbOf(TICKERS);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** A venue that fills what rests (at the order's price or better; reduce-only never past flat) and the truth of positions. */
class Venue {
  readonly orders: VenueOrder[] = [];
  readonly portfolio = new Portfolio();
  now = T0;
  private next = 0;
  private fills = 0;

  constructor(readonly risk: RiskEngine) {}

  apply(op: Op): void {
    if (op.kind === 'wait') this.now += op.ms;
    else if (op.kind === 'place') this.place(op);
    else if (op.kind === 'cancel') {
      if (this.orders.length === 0) return;
      const [order] = this.orders.splice(op.pick % this.orders.length, 1);
      expect(this.risk.orderClosed(order!.clientOrderId)).to.equal(true);
    } else this.fill(op.pick, op.part, op.better);
  }

  private place(op: Extract<Op, { kind: 'place' }>): void {
    const target = op.amend !== null && this.orders.length > 0 ? this.orders[op.amend % this.orders.length] : undefined;
    const base: RiskOrder = target
      ? {
          ticker: target.ticker,
          leg: target.leg,
          action: target.action,
          price: op.price,
          size: op.size,
          reduceOnly: target.reduceOnly,
          replaces: target.clientOrderId,
        }
      : { ticker: op.ticker, leg: op.leg, action: op.action, price: op.price, size: op.size, reduceOnly: op.reduceOnly };
    if (!this.risk.check(base, this.now).allowed) return;
    const order: RiskOrderSent = { ...base, clientOrderId: `c${++this.next}` };
    this.risk.orderSent(order, this.now);
    if (target) this.orders.splice(this.orders.indexOf(target), 1);
    this.orders.push({
      clientOrderId: order.clientOrderId,
      ticker: order.ticker,
      leg: order.leg,
      action: order.action,
      price: order.price,
      reduceOnly: order.reduceOnly,
      remaining: order.size,
    });
  }

  private fill(pick: number, part: number, better: number): void {
    if (this.orders.length === 0) return;
    const order = this.orders[pick % this.orders.length]!;
    let room = order.remaining;
    if (order.reduceOnly) {
      const held = this.portfolio.market(order.ticker).position;
      const leg = acquisition(order.leg, order.action, order.price).leg;
      room = Math.min(room, Math.max(0, leg === 'yes' ? -held : held));
    }
    if (room === 0) return;
    const count = Math.max(1, Math.floor((room * part) / 1000));
    const price = order.action === 'buy' ? Math.max(1, order.price - better) : Math.min(99, order.price + better);
    const fill = {
      tsMs: this.now,
      ticker: order.ticker,
      orderId: `v-${order.clientOrderId}`,
      clientOrderId: order.clientOrderId,
      side: order.leg,
      action: order.action,
      price,
      count,
      feeMicros: 0,
      isTaker: false,
    };
    this.fills += 1;
    this.portfolio.applyFill(fill);
    this.risk.fill(fill, this.now);
    order.remaining -= count;
    if (order.remaining === 0) this.orders.splice(this.orders.indexOf(order), 1);
  }
}

describe('risk/risk-engine properties', () => {
  for (const tickers of [TICKERS, ['A']]) {
    it(`no sequence of checked orders and fills takes a position, its cost or the exposure past a limit (${tickers.length} markets)`, () => {
      const limits: RiskLimits = { ...OFF, positionHundredths: 2000, positionCostMicros: 8_000_000, exposureMicros: 12_000_000 };
      fc.assert(
        fc.property(fc.array(opArbOf(tickers), { maxLength: 120 }), (ops) => {
          const risk = new RiskEngine(limits, { nowMs: T0 });
          const venue = new Venue(risk);
          for (const op of ops) {
            venue.apply(op);
            let exposure = 0;
            for (const ticker of tickers) {
              const truth = venue.portfolio.market(ticker);
              expect(Math.abs(truth.position), `position of ${ticker}`).to.be.at.most(2000);
              expect(truth.costMicros, `cost of ${ticker}`).to.be.at.most(8_000_000);
              exposure += truth.costMicros;
              // the engine's own accounting matches the portfolio's
              expect(risk.position(ticker)).to.equal(truth.position);
              const worst = risk.worstCaseOf(ticker);
              expect(Math.max(worst.yesReach, worst.noReach)).to.be.at.most(2000);
              expect(worst.exposureMicros).to.be.at.most(8_000_000);
              expect(risk.openOrders(ticker)).to.equal(venue.orders.filter((o) => o.ticker === ticker).length);
            }
            expect(exposure).to.be.at.most(12_000_000);
            expect(risk.exposureMicros).to.be.at.most(12_000_000);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('the engine keeps the same position and cost basis as the portfolio, fill by fill', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const risk = new RiskEngine(OFF, { nowMs: T0 });
        const venue = new Venue(risk);
        for (const op of ops) venue.apply(op);
        const snapshot = risk.snapshot();
        for (const ticker of TICKERS) {
          const truth = venue.portfolio.market(ticker);
          const row = snapshot.markets.find((m) => m.ticker === ticker);
          expect(row?.position ?? 0).to.equal(truth.position);
          expect(row?.costMicros ?? 0).to.equal(truth.costMicros);
        }
      }),
    );
  });

  it('once halted, check() allows nothing, whatever happens, until resume', () => {
    const controlArb = fc.oneof(
      opArb,
      fc.record({ kind: fc.constant('pnl' as const), net: fc.integer({ min: -100_000_000, max: 100_000_000 }) }),
      fc.record({
        kind: fc.constant('mode' as const),
        which: fc.constantFrom('activate', 'pause', 'flatten'),
        ticker: fc.option(fc.constantFrom(...TICKERS), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('day' as const), days: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('trip' as const) }),
      fc.record({ kind: fc.constant('limits' as const) }),
    );
    fc.assert(
      fc.property(fc.array(controlArb, { maxLength: 60 }), fc.array(placeArb, { minLength: 1, maxLength: 5 }), (steps, probes) => {
        const risk = new RiskEngine({ ...OFF, maxDrawdownMicros: 20_000_000, dailyLossMicros: 10_000_000 }, { nowMs: T0 });
        const venue = new Venue(risk);
        for (const step of steps) {
          if (step.kind === 'pnl') risk.pnl(step.net, venue.now);
          else if (step.kind === 'mode') risk[step.which](step.ticker);
          else if (step.kind === 'day') venue.now += step.days * DAY_MS;
          else if (step.kind === 'trip') risk.trip('operator', venue.now);
          else if (step.kind === 'limits') risk.setLimits(OFF);
          else venue.apply(step);
          if (risk.state === 'halted') {
            expect(risk.trippedBecause).to.not.equal(null);
            for (const probe of probes) {
              const decision = risk.check(
                { ticker: probe.ticker, leg: probe.leg, action: probe.action, price: probe.price, size: probe.size, reduceOnly: probe.reduceOnly },
                venue.now,
              );
              expect(decision).to.deep.include({ allowed: false, limit: 'halted', hard: true });
            }
          }
        }
        if (risk.state === 'halted') {
          const result = risk.resume('someone', venue.now, { rebase: true });
          expect(result.resumed).to.equal(true);
          expect(risk.state).to.not.equal('halted');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('orders per second: never more than the limit in any 1000 ms, and a block only when the window is full', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ wait: fc.integer({ min: 0, max: 400 }), ticker: fc.constantFrom(...TICKERS) }), { maxLength: 80 }),
        (limit, steps) => {
          const risk = new RiskEngine({ ...OFF, ordersPerSecond: limit }, { nowMs: T0 });
          const sentAt: number[] = [];
          let now = T0;
          let id = 0;
          for (const step of steps) {
            now += step.wait;
            const order: RiskOrder = { ticker: step.ticker, leg: 'yes', action: 'buy', price: 50, size: 100, reduceOnly: false };
            const inWindow = sentAt.filter((t) => t > now - 1000).length;
            const decision = risk.check(order, now);
            expect(decision.allowed, `at +${now - T0} with ${inWindow} in the window`).to.equal(inWindow < limit);
            if (decision.allowed) {
              risk.orderSent({ ...order, clientOrderId: `c${++id}` }, now);
              sentAt.push(now);
            }
          }
        },
      ),
    );
  });

  it('drawdown and daily loss trip at the first update past either limit, never before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.array(fc.record({ wait: fc.integer({ min: 0, max: 10 * 3_600_000 }), net: fc.integer({ min: -40_000_000, max: 40_000_000 }) }), { maxLength: 40 }),
        (start, updates) => {
          const DRAWDOWN = 25_000_000;
          const DAILY = 12_000_000;
          const risk = new RiskEngine({ ...OFF, maxDrawdownMicros: DRAWDOWN, dailyLossMicros: DAILY }, { nowMs: T0, netMicros: start });
          let now = T0;
          let peak = start;
          let last = start;
          let day = Math.floor(T0 / DAY_MS);
          let dayStart = start;
          let tripped = false;
          for (const update of updates) {
            now += update.wait;
            if (Math.floor(now / DAY_MS) > day) {
              day = Math.floor(now / DAY_MS);
              dayStart = last;
            }
            last = update.net;
            peak = Math.max(peak, update.net);
            const breach = peak - update.net > DRAWDOWN || dayStart - update.net > DAILY;
            const trip = risk.pnl(update.net, now);
            expect(trip !== null, `update ${update.net} at +${now - T0}`).to.equal(breach && !tripped);
            if (breach) tripped = true;
            expect(risk.state === 'halted').to.equal(tripped);
          }
        },
      ),
    );
  });

  it('check never throws, whatever it is given', () => {
    const risk = new RiskEngine(OFF, { nowMs: T0 });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (order, nowMs) => {
        const decision = risk.check(order as RiskOrder, nowMs as number);
        expect(decision.allowed === true || typeof (decision as { reason: string }).reason === 'string').to.equal(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          ticker: fc.string(),
          leg: fc.anything(),
          action: fc.constantFrom('buy', 'sell', 'hold'),
          price: fc.double(),
          size: fc.oneof(fc.integer(), fc.double()),
          reduceOnly: fc.anything(),
        }),
        fc.integer({ min: T0, max: T0 + 10_000 }),
        (order, nowMs) => {
          const decision = risk.check(order as unknown as RiskOrder, nowMs);
          if (!decision.allowed) expect(decision.reason).to.be.a('string').and.not.equal('');
        },
      ),
    );
  });
});
