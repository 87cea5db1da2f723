import { expect } from 'chai';
import { FillError } from '../../src/portfolio/fill.js';
import type { Fill } from '../../src/portfolio/fill.js';
import { DEFAULT_RISK_LIMITS } from '../../src/risk/limits.js';
import type { RiskLimits } from '../../src/risk/limits.js';
import { RiskEngine, RiskInputError } from '../../src/risk/risk-engine.js';
import type { RiskBlock, RiskDecision, RiskOrder, RiskOrderSent } from '../../src/risk/risk-engine.js';

/** Every limit off; each test turns on the one it is about. */
const OFF: RiskLimits = {
  positionHundredths: undefined,
  positionCostMicros: undefined,
  exposureMicros: undefined,
  openOrdersPerMarket: undefined,
  ordersPerSecond: undefined,
  maxDrawdownMicros: undefined,
  dailyLossMicros: undefined,
};

/** Monday 5 January 2026, 12:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 12);
const MIDNIGHT = Date.UTC(2026, 0, 6);

function engine(limits: Partial<RiskLimits>, netMicros = 0): RiskEngine {
  return new RiskEngine({ ...OFF, ...limits }, { nowMs: T0, netMicros });
}

function order(overrides: Partial<RiskOrder> = {}): RiskOrder {
  return { ticker: 'A', leg: 'yes', action: 'buy', price: 50, size: 100, reduceOnly: false, ...overrides };
}

let ids = 0;
function sent(overrides: Partial<RiskOrderSent> = {}): RiskOrderSent {
  return { ...order(overrides), clientOrderId: overrides.clientOrderId ?? `c${++ids}` };
}

function fillOf(o: RiskOrderSent, count = o.size, overrides: Partial<Fill> = {}): Fill {
  return {
    tsMs: T0,
    ticker: o.ticker,
    orderId: `venue-${o.clientOrderId}`,
    clientOrderId: o.clientOrderId,
    side: o.leg,
    action: o.action,
    price: o.price,
    count,
    feeMicros: 0,
    isTaker: false,
    ...overrides,
  };
}

/** Sends an order after checking it (it must pass), and fills it completely. */
function hold(risk: RiskEngine, o: RiskOrderSent, nowMs = T0): void {
  expect(risk.check(o, nowMs), `check of ${o.clientOrderId}`).to.deep.equal({ allowed: true });
  risk.orderSent(o, nowMs);
  risk.fill(fillOf(o), nowMs);
}

function blocked(decision: RiskDecision): RiskBlock {
  expect(decision.allowed, JSON.stringify(decision)).to.equal(false);
  return decision as RiskBlock;
}

describe('risk/risk-engine', () => {
  beforeEach(() => {
    ids = 0;
  });

  describe('position_contracts (worst case of position plus resting orders)', () => {
    it('passes an order that takes the position exactly to the limit, blocks one hundredth more', () => {
      const risk = engine({ positionHundredths: 1000 });
      hold(risk, sent({ size: 990 }));
      expect(risk.position('A')).to.equal(990);
      expect(risk.check(order({ size: 10 }), T0)).to.deep.equal({ allowed: true });
      const block = blocked(risk.check(order({ size: 11 }), T0));
      expect(block).to.deep.equal({
        allowed: false,
        limit: 'position_contracts',
        hard: false,
        value: '10.01 contracts',
        threshold: '10 contracts',
        reason:
          'position_contracts: buy YES 0.11 contracts @ 50¢ on A could take the position to 10.01 contracts YES if every order adding to it filled (position now 9.90 contracts YES), above the limit of 10 contracts',
      });
    });

    it('counts resting orders that would add: two bids that fit alone do not fit together', () => {
      const risk = engine({ positionHundredths: 1000 });
      const first = sent({ size: 600 });
      expect(risk.check(first, T0).allowed).to.equal(true);
      risk.orderSent(first, T0);
      expect(risk.check(order({ size: 400 }), T0).allowed).to.equal(true);
      expect(blocked(risk.check(order({ size: 401 }), T0)).limit).to.equal('position_contracts');
      // a NO bid adds to the other leg, which is flat: it fits up to the limit on its own
      expect(risk.check(order({ leg: 'no', size: 1000 }), T0).allowed).to.equal(true);
      expect(blocked(risk.check(order({ leg: 'no', size: 1001 }), T0)).value).to.equal('10.01 contracts');
      risk.orderClosed(first.clientOrderId);
      expect(risk.check(order({ size: 1000 }), T0).allowed).to.equal(true);
    });

    it('sells of YES acquire NO: selling YES at 60 is buying NO at 40', () => {
      const risk = engine({ positionHundredths: 1000 });
      expect(risk.check(order({ action: 'sell', price: 60, size: 1000 }), T0).allowed).to.equal(true);
      expect(blocked(risk.check(order({ action: 'sell', price: 60, size: 1001 }), T0)).reason).to.match(/position to 10\.01 contracts NO/);
    });

    it('at the limit, an order that reduces the position is always allowed; one that would flip past the limit is not', () => {
      const risk = engine({ positionHundredths: 1000 });
      hold(risk, sent({ size: 1000 }));
      expect(blocked(risk.check(order({ size: 1 }), T0)).limit).to.equal('position_contracts');
      expect(risk.check(order({ action: 'sell', size: 1000 }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ leg: 'no', size: 1000 }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ leg: 'no', size: 2000 }), T0)).to.deep.equal({ allowed: true }); // ends at 10 NO
      expect(blocked(risk.check(order({ leg: 'no', size: 2001 }), T0)).limit).to.equal('position_contracts');
      expect(risk.check(order({ action: 'sell', size: 5000, reduceOnly: true }), T0)).to.deep.equal({ allowed: true });
    });

    it('a reduce-only order is judged on what it frees: closing the other leg lets the plain orders on its leg open further', () => {
      const risk = engine({ positionHundredths: 1000 });
      risk.setPosition('A', -1000, 1000 * 50 * 100); // 10 NO
      const bids = sent({ size: 2000, price: 40 }); // YES bids: close 10 NO, open at most 10 YES
      expect(risk.check(bids, T0).allowed).to.equal(true);
      risk.orderSent(bids, T0);
      const block = blocked(risk.check(order({ size: 1, reduceOnly: true }), T0));
      expect(block.limit).to.equal('position_contracts');
      expect(block.value).to.equal('10.01 contracts');
      risk.orderClosed(bids.clientOrderId);
      expect(risk.check(order({ size: 1000, reduceOnly: true }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ leg: 'no', action: 'sell', size: 5000, reduceOnly: true }), T0)).to.deep.equal({ allowed: true });
    });

    it('blocks an order only when it makes things worse: over the limit after a reconciliation, an amend down passes', () => {
      const risk = engine({ positionHundredths: 1000 });
      risk.setPosition('A', 1500, 1500 * 50 * 100);
      expect(blocked(risk.check(order({ size: 1 }), T0)).limit).to.equal('position_contracts');
      risk.orderResting(sent({ clientOrderId: 'big', size: 500 }));
      expect(risk.check(order({ size: 200, replaces: 'big' }), T0)).to.deep.equal({ allowed: true });
      expect(blocked(risk.check(order({ size: 501, replaces: 'big' }), T0)).limit).to.equal('position_contracts');
    });
  });

  describe('position_dollars (worst-case cost of one market)', () => {
    it('passes up to exactly the limit, blocks a hundredth at one tick more', () => {
      const risk = engine({ positionCostMicros: 5_000_000 }); // $5.00
      hold(risk, sent({ size: 600, price: 50 })); // $3.00 at cost
      const bid = sent({ size: 400, price: 50 }); // $2.00 resting
      expect(risk.check(bid, T0).allowed).to.equal(true);
      risk.orderSent(bid, T0);
      const block = blocked(risk.check(order({ size: 1, price: 1 }), T0));
      expect(block.limit).to.equal('position_dollars');
      expect(block.value).to.equal('$5.0001');
      expect(block.threshold).to.equal('$5.00');
      expect(block.reason).to.equal(
        'position_dollars: buy YES 0.01 contracts @ 1¢ on A could bring the cost of the YES position to $5.0001 if every order adding to it filled (position now 6 contracts YES at $3.00), above the limit of $5.00',
      );
      // the NO leg has its own worst case: NO orders first close the 6 YES held
      expect(risk.check(order({ leg: 'no', price: 50, size: 1600 }), T0).allowed).to.equal(true); // opens 10 NO at $5.00
      expect(blocked(risk.check(order({ leg: 'no', price: 50, size: 1601 }), T0)).limit).to.equal('position_dollars');
    });

    it('at the limit, reducing orders pass', () => {
      const risk = engine({ positionCostMicros: 5_000_000 });
      hold(risk, sent({ size: 1000, price: 50 }));
      expect(blocked(risk.check(order({ size: 1, price: 1 }), T0)).limit).to.equal('position_dollars');
      expect(risk.check(order({ action: 'sell', price: 99, size: 1000 }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ leg: 'no', price: 99, size: 500 }), T0)).to.deep.equal({ allowed: true });
    });

    it('a partial close takes its share of the cost basis, as the portfolio does', () => {
      const risk = engine({ positionCostMicros: 5_000_000 });
      hold(risk, sent({ size: 1000, price: 50 })); // $5.00
      hold(risk, sent({ action: 'sell', price: 70, size: 400 })); // sells 4 of 10: $2.00 of the basis goes
      expect(risk.snapshot().markets[0]).to.include({ position: 600, costMicros: 3_000_000 });
      expect(risk.check(order({ size: 400, price: 50 }), T0).allowed).to.equal(true);
      expect(risk.check(order({ size: 401, price: 50 }), T0).allowed).to.equal(false);
    });
  });

  describe('exposure_dollars (worst-case cost summed over markets)', () => {
    it('sums the markets; passes exactly at the limit, blocks past it', () => {
      const risk = engine({ exposureMicros: 10_000_000 }); // $10
      hold(risk, sent({ ticker: 'A', size: 1000, price: 60 })); // $6.00
      const b = sent({ ticker: 'B', size: 800, price: 50 }); // $4.00 resting
      expect(risk.check(b, T0).allowed).to.equal(true);
      risk.orderSent(b, T0);
      expect(risk.exposureMicros).to.equal(10_000_000);
      const block = blocked(risk.check(order({ ticker: 'C', size: 1, price: 1 }), T0));
      expect(block.limit).to.equal('exposure_dollars');
      expect(block.reason).to.equal(
        'exposure_dollars: buy YES 0.01 contracts @ 1¢ on C could bring the worst-case cost over all markets to $10.0001 (now $10.00), above the limit of $10.00',
      );
      // a market is on one leg at a time: B's NO bid up to its YES bid's cost adds nothing
      expect(risk.check(order({ ticker: 'B', leg: 'no', size: 400, price: 99 }), T0).allowed).to.equal(true);
      expect(risk.check(order({ ticker: 'B', leg: 'no', size: 1000, price: 40 }), T0).allowed).to.equal(true);
      expect(blocked(risk.check(order({ ticker: 'B', leg: 'no', size: 1001, price: 40 }), T0)).limit).to.equal('exposure_dollars');
      // reducing A passes
      expect(risk.check(order({ ticker: 'A', action: 'sell', size: 1000 }), T0)).to.deep.equal({ allowed: true });
      // the resting order's worst case goes when it closes
      risk.orderClosed(b.clientOrderId);
      expect(risk.exposureMicros).to.equal(6_000_000);
    });
  });

  describe('open_orders (per market)', () => {
    it('passes the order that reaches the limit, blocks the next; reducing orders and amends pass at the limit', () => {
      const risk = engine({ openOrdersPerMarket: 3 });
      hold(risk, sent({ size: 500 })); // a position to reduce; the order filled out, so it is not open
      const resting = [sent(), sent(), sent()];
      for (const o of resting) {
        expect(risk.check(o, T0).allowed).to.equal(true);
        risk.orderSent(o, T0);
      }
      expect(risk.openOrders('A')).to.equal(3);
      const block = blocked(risk.check(order(), T0));
      expect(block).to.deep.include({ limit: 'open_orders', value: '4 orders', threshold: '3 orders', hard: false });
      expect(block.reason).to.equal('open_orders: buy YES 1 contract @ 50¢ on A would be order 4 open on A, above the limit of 3 orders');
      expect(risk.check(order({ ticker: 'B' }), T0).allowed).to.equal(true);
      expect(risk.check(order({ action: 'sell', size: 500 }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ price: 51, replaces: resting[0]!.clientOrderId }), T0)).to.deep.equal({ allowed: true });
      risk.orderClosed(resting[1]!.clientOrderId);
      expect(risk.check(order(), T0).allowed).to.equal(true);
    });

    it('an order counts as open from the moment it is sent, and until it is closed or filled out', () => {
      const risk = engine({ openOrdersPerMarket: 1 });
      const o = sent({ size: 300 });
      risk.orderSent(o, T0);
      expect(risk.check(order(), T0).allowed).to.equal(false);
      risk.fill(fillOf(o, 200), T0);
      expect(risk.openOrders('A')).to.equal(1);
      risk.fill(fillOf(o, 100), T0);
      expect(risk.openOrders('A')).to.equal(0);
      expect(risk.orderClosed(o.clientOrderId)).to.equal(false);
      expect(risk.check(order(), T0).allowed).to.equal(true);
    });
  });

  describe('orders_per_second (account, sliding 1 s window)', () => {
    it('allows the limit within any 1000 ms and frees each slot 1000 ms after its order', () => {
      const risk = engine({ ordersPerSecond: 3 });
      const send = (ticker: string, at: number) => {
        const o = sent({ ticker });
        expect(risk.check(o, at), `order at +${at - T0}`).to.deep.equal({ allowed: true });
        risk.orderSent(o, at);
      };
      send('A', T0);
      send('B', T0 + 400);
      send('C', T0 + 800);
      const block = blocked(risk.check(order({ ticker: 'D' }), T0 + 999));
      expect(block).to.deep.include({ limit: 'orders_per_second', value: '4 orders', threshold: '3 orders', hard: false });
      expect(block.reason).to.equal(
        'orders_per_second: buy YES 1 contract @ 50¢ on D would be order 4 sent in the last second, above the limit of 3 orders; the next slot frees in 1 ms',
      );
      send('D', T0 + 1000); // the order at T0 has left the window
      expect(risk.check(order(), T0 + 1399).allowed).to.equal(false); // 400, 800, 1000 in (399, 1399]
      send('E', T0 + 1400);
      expect(risk.snapshot().ordersInLastSecond).to.equal(3);
      expect(risk.snapshot(T0 + 5000).ordersInLastSecond).to.equal(0);
    });

    it('a reducing order passes a full window, and still counts in it', () => {
      const risk = engine({ ordersPerSecond: 2 });
      hold(risk, sent({ size: 500 }), T0);
      risk.orderSent(sent({ ticker: 'B' }), T0 + 2000);
      risk.orderSent(sent({ ticker: 'C' }), T0 + 2000);
      expect(risk.check(order({ ticker: 'D' }), T0 + 2000).allowed).to.equal(false);
      const exit = sent({ action: 'sell', size: 500 });
      expect(risk.check(exit, T0 + 2000)).to.deep.equal({ allowed: true });
      risk.orderSent(exit, T0 + 2000);
      expect(risk.snapshot().ordersInLastSecond).to.equal(3);
    });

    it('amends count as orders sent', () => {
      const risk = engine({ ordersPerSecond: 2 });
      const o = sent();
      risk.orderSent(o, T0);
      risk.orderSent(sent({ price: 49, replaces: o.clientOrderId }), T0 + 10);
      expect(risk.openOrders('A')).to.equal(1);
      expect(risk.check(order({ ticker: 'B' }), T0 + 20).allowed).to.equal(false);
    });

    it('reads a time earlier than one seen as the latest seen, so the window never frees early', () => {
      const risk = engine({ ordersPerSecond: 1 });
      risk.orderSent(sent(), T0 + 1000);
      expect(risk.check(order({ ticker: 'B' }), T0 + 1500).allowed).to.equal(false);
      expect(risk.check(order({ ticker: 'B' }), T0 + 10).allowed).to.equal(false);
      expect(risk.check(order({ ticker: 'B' }), T0 + 2000).allowed).to.equal(true);
    });
  });

  describe('max_drawdown_dollars (hard: from the peak of net PnL)', () => {
    it('counts from the peak: a fall to exactly the limit passes, a micro-dollar more trips', () => {
      const risk = engine({ maxDrawdownMicros: 10_000_000 });
      expect(risk.pnl(20_000_000, T0 + 1)).to.equal(null);
      expect(risk.pnl(15_000_000, T0 + 2)).to.equal(null);
      expect(risk.pnl(10_000_000, T0 + 3)).to.equal(null); // $10 below the $20 peak
      expect(risk.state).to.equal('active');
      const trip = risk.pnl(9_999_999, T0 + 4);
      expect(trip).to.deep.equal({
        limit: 'max_drawdown_dollars',
        value: '$10.000001',
        threshold: '$10.00',
        atMs: T0 + 4,
        reason: 'max_drawdown_dollars: net PnL $9.999999 is $10.000001 below its peak of $20.00, past the limit of $10.00',
      });
      expect(risk.state).to.equal('halted');
      expect(risk.trippedBecause).to.equal(trip);
    });

    it('the peak starts at the PnL at start, and a marked (unrealized) loss counts as any other', () => {
      const risk = engine({ maxDrawdownMicros: 10_000_000 }, 5_000_000);
      expect(risk.pnl(-5_000_000, T0 + 1)).to.equal(null);
      expect(risk.pnl(-5_000_001, T0 + 2)?.limit).to.equal('max_drawdown_dollars');
    });

    it('spans days: the daily reset does not move the peak', () => {
      const risk = engine({ maxDrawdownMicros: 10_000_000, dailyLossMicros: 8_000_000 });
      expect(risk.pnl(-6_000_000, T0 + 1)).to.equal(null);
      // $6 down on the new day (within its $8), $12 below the peak of the day before
      expect(risk.pnl(-12_000_000, MIDNIGHT + 1)?.limit).to.equal('max_drawdown_dollars');
    });
  });

  describe('daily_loss_dollars (hard: from the start of the UTC day, or from start)', () => {
    it('counts from the PnL at start on the first day; exactly the limit passes, a micro-dollar more trips', () => {
      const risk = engine({ dailyLossMicros: 10_000_000 }, 3_000_000);
      expect(risk.pnl(-7_000_000, T0 + 1)).to.equal(null);
      const trip = risk.pnl(-7_000_001, MIDNIGHT - 1);
      expect(trip?.limit).to.equal('daily_loss_dollars');
      expect(trip?.reason).to.equal(
        'daily_loss_dollars: net PnL -$7.000001 is $10.000001 below $3.00 at the start of the day (2026-01-05T12:00:00.000Z), past the limit of $10.00',
      );
    });

    it('resets at UTC midnight: the new day starts from the PnL carried across it', () => {
      const risk = engine({ dailyLossMicros: 10_000_000 });
      expect(risk.pnl(-10_000_000, MIDNIGHT - 1)).to.equal(null); // the whole allowance, on the last millisecond of the day
      expect(risk.pnl(-20_000_000, MIDNIGHT)).to.equal(null); // a new day: $10 below -$10
      const snapshot = risk.snapshot();
      expect(snapshot).to.deep.include({ dayStartMs: MIDNIGHT, dayStartNetMicros: -10_000_000, dayLossMicros: 10_000_000 });
      expect(risk.pnl(-20_000_001, MIDNIGHT + 1)?.limit).to.equal('daily_loss_dollars');
    });

    it('the day starts from the PnL at midnight even when the first update comes hours later, or days later', () => {
      const risk = engine({ dailyLossMicros: 10_000_000 });
      risk.pnl(-4_000_000, T0 + 1);
      expect(risk.snapshot(MIDNIGHT + 5 * 3_600_000)).to.deep.include({ dayStartMs: MIDNIGHT, dayStartNetMicros: -4_000_000, dayLossMicros: 0 });
      expect(risk.pnl(-14_000_000, MIDNIGHT + 5 * 3_600_000)).to.equal(null);
      expect(risk.pnl(-24_000_000, MIDNIGHT + 3 * 86_400_000)).to.equal(null);
      expect(risk.snapshot().dayStartMs).to.equal(MIDNIGHT + 3 * 86_400_000);
      expect(risk.pnl(-24_000_001, MIDNIGHT + 3 * 86_400_000 + 1)?.limit).to.equal('daily_loss_dollars');
    });

    it('with both set, the smaller daily limit trips first on a loss within the day', () => {
      const risk = engine({ dailyLossMicros: 5_000_000, maxDrawdownMicros: 50_000_000 });
      expect(risk.pnl(-5_000_001, T0 + 1)?.limit).to.equal('daily_loss_dollars');
    });
  });

  describe('the kill switch', () => {
    function tripped(): RiskEngine {
      const risk = engine({ maxDrawdownMicros: 10_000_000, positionHundredths: 1000 });
      hold(risk, sent({ size: 500 }));
      expect(risk.pnl(-10_000_001, T0 + 1)?.limit).to.equal('max_drawdown_dollars');
      return risk;
    }

    it('once tripped, nothing is sent: not even reducing or reduce-only orders, in any market', () => {
      const risk = tripped();
      for (const o of [order(), order({ action: 'sell', size: 500 }), order({ action: 'sell', size: 100, reduceOnly: true }), order({ ticker: 'Z' })]) {
        const block = blocked(risk.check(o, T0 + 2));
        expect(block.limit).to.equal('halted');
        expect(block.hard).to.equal(true);
        expect(block.reason).to.match(
          /^halted: the kill switch is tripped \(max_drawdown_dollars: net PnL -\$10\.000001 is .*\); only cancels are sent until someone resumes; .* refused$/,
        );
      }
      expect(risk.stateOf('A')).to.equal('halted');
      expect(risk.stateOf('Z')).to.equal('halted');
    });

    it('latches: recovering PnL, a new day, activate() or a second trip never clear it', () => {
      const risk = tripped();
      const first = risk.trippedBecause;
      expect(risk.pnl(50_000_000, T0 + 2)).to.equal(null);
      expect(risk.pnl(50_000_000, MIDNIGHT + 1)).to.equal(null);
      risk.activate();
      risk.activate('A');
      expect(risk.trip('again', MIDNIGHT + 2)).to.equal(null);
      expect(risk.state).to.equal('halted');
      expect(risk.trippedBecause).to.equal(first);
      expect(risk.check(order(), MIDNIGHT + 3 * 86_400_000).allowed).to.equal(false);
    });

    it('resume(who) clears it once the PnL is back within the limits, and says who', () => {
      const risk = tripped();
      const first = risk.trippedBecause!;
      expect(risk.resume('alice', T0 + 3)).to.deep.equal({
        resumed: false,
        reason:
          'max_drawdown_dollars: net PnL -$10.000001 is $10.000001 below its peak of $0.00, past the limit of $10.00; resume with rebase to count the limits from the PnL now, or raise the limit',
      });
      expect(risk.state).to.equal('halted');
      risk.pnl(-9_000_000, T0 + 4);
      const resumed = risk.resume('alice', T0 + 5);
      expect(resumed).to.deep.equal({ resumed: true, who: 'alice', atMs: T0 + 5, cleared: first, rebased: false });
      expect(risk.state).to.equal('active');
      expect(risk.trippedBecause).to.equal(null);
      expect(risk.snapshot().lastResume).to.deep.equal({ who: 'alice', atMs: T0 + 5, cleared: first, rebased: false });
      expect(risk.check(order(), T0 + 6)).to.deep.equal({ allowed: true });
      expect(risk.resume('alice', T0 + 7)).to.deep.equal({ resumed: false, reason: 'the kill switch is not tripped' });
    });

    it('resume with rebase counts the drawdown and the day afresh from the PnL at resume', () => {
      const risk = tripped();
      const resumed = risk.resume('bob', T0 + 3, { rebase: true });
      expect(resumed).to.include({ resumed: true, rebased: true });
      expect(risk.snapshot()).to.deep.include({ peakMicros: -10_000_001, drawdownMicros: 0, dayStartNetMicros: -10_000_001 });
      expect(risk.pnl(-20_000_001, T0 + 4)).to.equal(null);
      expect(risk.pnl(-20_000_002, T0 + 5)?.limit).to.equal('max_drawdown_dollars');
    });

    it('trip(reason) by hand halts with that reason; resume needs a name', () => {
      const risk = engine({});
      const trip = risk.trip('  venue looks wrong  ', T0 + 10);
      expect(trip).to.deep.equal({ limit: 'manual', reason: 'manual: venue looks wrong', atMs: T0 + 10 });
      expect(risk.state).to.equal('halted');
      expect(() => risk.resume('', T0 + 11)).to.throw(RiskInputError, /say who resumes/);
      expect(() => risk.trip(' ', T0)).to.throw(RiskInputError, /give a reason/);
      expect(risk.resume('carol', T0 + 11)).to.include({ resumed: true, who: 'carol' });
    });

    it('fills and positions are still tracked while halted', () => {
      const risk = tripped();
      const o = sent({ action: 'sell', size: 500, clientOrderId: 'exit' });
      risk.orderResting(o);
      risk.fill(fillOf(o), T0 + 2);
      expect(risk.position('A')).to.equal(0);
    });
  });

  describe('pause, flatten and activate', () => {
    it('a paused market sends nothing, not even reducing orders; other markets go on', () => {
      const risk = engine({});
      hold(risk, sent({ size: 500 }));
      risk.pause('A');
      expect(risk.stateOf('A')).to.equal('paused');
      expect(risk.state).to.equal('active');
      for (const o of [order(), order({ action: 'sell', size: 100 }), order({ action: 'sell', size: 100, reduceOnly: true })]) {
        expect(blocked(risk.check(o, T0))).to.deep.include({ limit: 'paused', hard: false });
      }
      expect(blocked(risk.check(order(), T0)).reason).to.equal('paused: A is paused; only cancels are sent; buy YES 1 contract @ 50¢ on A refused');
      expect(risk.check(order({ ticker: 'B' }), T0).allowed).to.equal(true);
      risk.activate('A');
      expect(risk.stateOf('A')).to.equal('active');
      expect(risk.check(order(), T0).allowed).to.equal(true);
    });

    it('pausing the account pauses every market; activate(ticker) does not lift it, activate() does', () => {
      const risk = engine({});
      risk.pause('B');
      risk.pause();
      expect(risk.state).to.equal('paused');
      expect(risk.stateOf('A')).to.equal('paused');
      expect(blocked(risk.check(order(), T0)).reason).to.match(/^paused: the account is paused/);
      risk.activate('A');
      expect(risk.check(order(), T0).allowed).to.equal(false);
      risk.activate();
      expect(risk.state).to.equal('active');
      expect(risk.check(order(), T0).allowed).to.equal(true);
      expect(risk.stateOf('B')).to.equal('paused'); // its own pause stays
    });

    it('a flattening market sends only reducing orders', () => {
      const risk = engine({});
      hold(risk, sent({ size: 500 }));
      risk.flatten('A');
      expect(risk.stateOf('A')).to.equal('reducing');
      const block = blocked(risk.check(order(), T0));
      expect(block.limit).to.equal('reducing');
      expect(block.reason).to.equal(
        'reducing: A is flattening; only orders that reduce the position are sent (now 5 contracts YES); buy YES 1 contract @ 50¢ on A could take it to 6 contracts YES',
      );
      expect(risk.check(order({ action: 'sell', size: 500 }), T0)).to.deep.equal({ allowed: true });
      expect(risk.check(order({ action: 'sell', size: 501 }), T0).allowed).to.equal(false); // would pass flat
      expect(risk.check(order({ action: 'sell', size: 900, reduceOnly: true }), T0)).to.deep.equal({ allowed: true });
      // reducing orders resting count: a second exit that together with the first would pass flat is not reducing
      const exit = sent({ action: 'sell', size: 300 });
      risk.orderSent(exit, T0);
      expect(risk.check(order({ leg: 'no', size: 200 }), T0).allowed).to.equal(true);
      expect(risk.check(order({ leg: 'no', size: 201 }), T0).allowed).to.equal(false);
      expect(risk.check(order({ ticker: 'B' }), T0)).to.deep.equal({ allowed: true }); // only A is flattening
      risk.activate('A');
      expect(risk.check(order(), T0).allowed).to.equal(true);
    });

    it('flatten() moves the account to reducing; the stricter of the account and the market wins', () => {
      const risk = engine({});
      risk.flatten();
      expect(risk.state).to.equal('reducing');
      expect(risk.stateOf('A')).to.equal('reducing');
      risk.pause('A');
      expect(risk.stateOf('A')).to.equal('paused');
      expect(risk.stateOf('B')).to.equal('reducing');
      risk.activate();
      expect(risk.stateOf('B')).to.equal('active');
      expect(risk.stateOf('A')).to.equal('paused');
    });
  });

  describe('inputs', () => {
    it('check refuses a malformed order as invalid_order, naming the field', () => {
      const risk = engine({});
      expect(risk.check(order({ price: 100 }), T0)).to.deep.equal({
        allowed: false,
        limit: 'invalid_order',
        hard: false,
        reason: 'invalid_order: price must be an integer number of ticks in 1..99, got number 100',
      });
      expect(blocked(risk.check(order({ size: 0 }), T0)).reason).to.match(/size must be a whole number of hundredths/);
      expect(blocked(risk.check(order({ leg: 'maybe' as 'yes' }), T0)).reason).to.match(/leg must be "yes" or "no"/);
      expect(blocked(risk.check(null as unknown as RiskOrder, T0)).reason).to.equal('invalid_order: an order must be an object, got null');
      expect(blocked(risk.check(order(), Number.NaN)).reason).to.match(/nowMs must be a non-negative integer/);
      const hostile = Object.defineProperty({ ...order() }, 'ticker', {
        get() {
          throw new Error('boom');
        },
      });
      expect(risk.check(hostile, T0)).to.deep.equal({
        allowed: false,
        limit: 'invalid_order',
        hard: false,
        reason: 'invalid_order: the order could not be judged (boom); refused',
      });
      risk.orderResting(sent({ ticker: 'B', clientOrderId: 'b1' }));
      expect(blocked(risk.check(order({ replaces: 'b1' }), T0)).reason).to.match(/replaces b1, an order on B/);
    });

    it('the other inputs throw a clear error and change nothing', () => {
      const risk = engine({});
      const o = sent({ clientOrderId: 'x' });
      risk.orderSent(o, T0);
      expect(() => risk.orderSent(o, T0)).to.throw(RiskInputError, 'risk: orderSent: client order id x already rests on A; each order needs its own');
      expect(() => risk.orderSent({ ...o, clientOrderId: '' }, T0)).to.throw(RiskInputError, /client order id must be a non-empty string/);
      expect(() => risk.orderSent(sent({ price: 0 }), T0)).to.throw(RiskInputError, /price must be/);
      expect(() => risk.orderSent(sent(), -1)).to.throw(RiskInputError, /nowMs/);
      expect(() => risk.pnl(1.5, T0)).to.throw(RiskInputError, 'risk: pnl: net PnL must be an integer of micro-dollars, got number 1.5');
      expect(() => risk.fill({ ...fillOf(o), count: 0 }, T0)).to.throw(FillError, /count/);
      expect(() => risk.setPosition('A', 0, 5)).to.throw(RiskInputError, /has a cost \(\$0\.000005\) without a position/);
      expect(() => risk.pause('')).to.throw(RiskInputError, /ticker/);
      expect(() => new RiskEngine({ ...OFF, openOrdersPerMarket: 0 }, { nowMs: T0 })).to.throw(/must be a positive integer or undefined/);
      expect(() => new RiskEngine(OFF, { nowMs: -5 })).to.throw(RiskInputError, /start nowMs/);
      expect(risk.openOrders('A')).to.equal(1);
      expect(risk.snapshot().ordersInLastSecond).to.equal(1);
    });

    it('fills find their order by client order id, or by the venue id given at acceptance', () => {
      const risk = engine({});
      const o = sent({ size: 500, clientOrderId: 'mine' });
      risk.orderSent(o, T0);
      risk.orderAccepted('mine', 'venue-1');
      const { clientOrderId: _, ...withoutClientId } = fillOf(o, 200, { orderId: 'venue-1' });
      risk.fill(withoutClientId, T0);
      expect(risk.worstCaseOf('A')).to.include({ yesReach: 500 });
      expect(risk.position('A')).to.equal(200);
      risk.fill(fillOf(o, 300, { clientOrderId: undefined, orderId: 'venue-1' }), T0);
      expect(risk.openOrders('A')).to.equal(0);
      // an amend keeps the venue id: a fill that carries only it finds the amended order
      const before = sent({ size: 400, clientOrderId: 'old' });
      risk.orderSent(before, T0);
      risk.orderAccepted('old', 'venue-2');
      risk.orderSent(sent({ size: 300, price: 48, clientOrderId: 'new', replaces: 'old' }), T0);
      risk.fill(fillOf(before, 100, { clientOrderId: undefined, orderId: 'venue-2', price: 48 }), T0);
      expect(risk.worstCaseOf('A').yesReach).to.equal(500 + 100 + 200);
      risk.orderClosed('new');
      // a fill of an order never seen moves the position only
      expect(risk.openOrders('A')).to.equal(0);
      risk.fill(fillOf(sent({ size: 100 }), 100, { clientOrderId: 'unknown', orderId: 'unknown' }), T0);
      expect(risk.position('A')).to.equal(700);
      expect(risk.openOrders('A')).to.equal(0);
    });

    it('orderResting reconciles what rests (a decrease, a missed fill); settled() clears a market', () => {
      const risk = engine({ positionHundredths: 1000 });
      risk.orderSent(sent({ size: 1000, clientOrderId: 'r' }), T0);
      expect(risk.check(order({ size: 1 }), T0).allowed).to.equal(false);
      risk.orderResting(sent({ size: 400, clientOrderId: 'r' }));
      expect(risk.check(order({ size: 600 }), T0).allowed).to.equal(true);
      risk.setPosition('A', -300, 300 * 40 * 100);
      expect(risk.worstCaseOf('A')).to.deep.equal({
        yesReach: 100,
        noReach: 300,
        yesCostMicros: 100 * 50 * 100,
        noCostMicros: 1_200_000,
        exposureMicros: 1_200_000,
      });
      risk.settled('A');
      expect(risk.openOrders('A')).to.equal(0);
      expect(risk.position('A')).to.equal(0);
      expect(risk.exposureMicros).to.equal(0);
      expect(risk.snapshot().markets).to.deep.equal([]);
    });
  });

  describe('snapshot', () => {
    it('is a plain object with the state, the reasons, the figures and readable usage', () => {
      const risk = new RiskEngine(DEFAULT_RISK_LIMITS, { nowMs: T0 });
      hold(risk, sent({ ticker: 'A', size: 1000, price: 40 }));
      risk.orderSent(sent({ ticker: 'B', leg: 'no', size: 500, price: 30 }), T0 + 1);
      risk.pnl(-2_500_000, T0 + 2);
      risk.flatten('B');
      const snapshot = risk.snapshot();
      expect(JSON.parse(JSON.stringify(snapshot))).to.deep.equal(snapshot);
      expect(snapshot).to.deep.include({
        state: 'active',
        mode: 'active',
        trippedBecause: null,
        lastResume: null,
        atMs: T0 + 2,
        netMicros: -2_500_000,
        peakMicros: 0,
        drawdownMicros: 2_500_000,
        dayStartMs: T0,
        dayStartNetMicros: 0,
        dayLossMicros: 2_500_000,
        exposureMicros: 4_000_000 + 1_500_000,
        openOrders: 1,
        ordersInLastSecond: 2,
      });
      expect(snapshot.usage).to.deep.equal({
        position_contracts: '10 contracts of 100 contracts',
        position_dollars: '$4.00 of $50.00',
        exposure_dollars: '$5.50 of $250.00',
        open_orders: '1 order of 10 orders',
        orders_per_second: '2 orders of 8 orders',
        max_drawdown_dollars: '$2.50 of $50.00',
        daily_loss_dollars: '$2.50 of $20.00',
      });
      expect(snapshot.limits.exposure_dollars).to.equal('$250.00');
      expect(snapshot.markets).to.deep.equal([
        {
          ticker: 'A',
          state: 'active',
          mode: 'active',
          position: 1000,
          costMicros: 4_000_000,
          openOrders: 0,
          yesReach: 1000,
          noReach: -1000,
          exposureMicros: 4_000_000,
        },
        { ticker: 'B', state: 'reducing', mode: 'reducing', position: 0, costMicros: 0, openOrders: 1, yesReach: 0, noReach: 500, exposureMicros: 1_500_000 },
      ]);
    });
  });
});
