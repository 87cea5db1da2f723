import { expect } from 'chai';
import fc from 'fast-check';
import { FillError, Portfolio, acquisition } from '../../src/portfolio/portfolio.js';
import type { Fill } from '../../src/portfolio/portfolio.js';

const T = 'KXTEST-26MAY15-T1';
const U = 'KXTEST-26MAY15-T2';

let seq = 0;
function fill(side: 'yes' | 'no', action: 'buy' | 'sell', price: number, count: number, feeMicros = 0, ticker = T): Fill {
  seq += 1;
  return { tsMs: 1_715_793_600_000 + seq, ticker, orderId: `o-${seq}`, side, action, price, count, feeMicros, isTaker: feeMicros > 0 };
}

describe('portfolio/Portfolio', () => {
  describe('netting', () => {
    it('maps each order leg and action to the leg acquired and its price', () => {
      expect(acquisition('yes', 'buy', 40)).to.deep.equal({ leg: 'yes', price: 40 });
      expect(acquisition('yes', 'sell', 40)).to.deep.equal({ leg: 'no', price: 60 });
      expect(acquisition('no', 'buy', 55)).to.deep.equal({ leg: 'no', price: 55 });
      expect(acquisition('no', 'sell', 55)).to.deep.equal({ leg: 'yes', price: 45 });
    });

    it('opens YES by buying YES or selling NO, and NO by buying NO or selling YES', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 100));
      p.applyFill(fill('no', 'sell', 60, 100)); // +YES at 40
      expect(p.market(T).position).to.equal(200);
      expect(p.market(T).costMicros).to.equal(800_000); // 2 x $0.40
      const q = new Portfolio();
      q.applyFill(fill('no', 'buy', 55, 100));
      q.applyFill(fill('yes', 'sell', 45, 50)); // +NO 0.5 at 55
      expect(q.market(T).position).to.equal(-150);
      expect(q.market(T).costMicros).to.equal(825_000); // 1.5 x $0.55
    });
  });

  describe('hand-worked cases', () => {
    it('a round trip with fees: buy 10 YES at 40 (taker), sell them at 45 (maker)', () => {
      const p = new Portfolio();
      // taker fee 0.07 x 10 x 0.4 x 0.6 = $0.168; maker fee 0.0175 x 10 x 0.45 x 0.55 = $0.0433125 -> $0.043313
      p.applyFill(fill('yes', 'buy', 40, 1000, 168_000));
      expect(p.market(T)).to.include({ position: 1000, costMicros: 4_000_000, realizedMicros: 0, feesMicros: 168_000 });
      p.applyFill(fill('yes', 'sell', 45, 1000, 43_313));
      const m = p.market(T);
      expect(m).to.include({
        position: 0,
        costMicros: 0,
        realizedMicros: 500_000, // 10 x 5 cents
        feesMicros: 211_313,
        netMicros: 288_687,
        unrealizedMidMicros: 0,
        unrealizedBidMicros: 0,
        volume: 2000,
        fills: 2,
        maxAbsPosition: 1000,
      });
    });

    it('closing YES by buying NO at 55 realizes the same as selling YES at 45', () => {
      const a = new Portfolio();
      a.applyFill(fill('yes', 'buy', 40, 1000));
      a.applyFill(fill('yes', 'sell', 45, 1000));
      const b = new Portfolio();
      b.applyFill(fill('yes', 'buy', 40, 1000));
      b.applyFill(fill('no', 'buy', 55, 1000));
      expect(b.market(T).realizedMicros).to.equal(500_000);
      expect(b.market(T).realizedMicros).to.equal(a.market(T).realizedMicros);
      expect(b.market(T).position).to.equal(0);
    });

    it('partial closes take floor(cost x k / N) and the last close takes the rest', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 100));
      p.applyFill(fill('yes', 'buy', 40, 100));
      p.applyFill(fill('yes', 'buy', 41, 100));
      expect(p.market(T).costMicros).to.equal(1_210_000);
      p.applyFill(fill('yes', 'sell', 50, 100));
      // basis floor(1210000 / 3) = 403333; proceeds $0.50
      expect(p.market(T)).to.include({ position: 200, costMicros: 806_667, realizedMicros: 96_667 });
      p.applyFill(fill('yes', 'sell', 50, 100));
      // basis floor(806667 / 2) = 403333
      expect(p.market(T)).to.include({ position: 100, costMicros: 403_334, realizedMicros: 193_334 });
      p.applyFill(fill('yes', 'sell', 50, 100));
      // the last close takes the remaining 403334: in all 3 x 50 - (40 + 40 + 41) = 29 cents
      expect(p.market(T)).to.include({ position: 0, costMicros: 0, realizedMicros: 290_000 });
    });

    it('a partial close in fractional contracts', () => {
      const p = new Portfolio();
      p.applyFill(fill('no', 'buy', 33, 250)); // 2.5 NO at 33: $0.825
      p.applyFill(fill('no', 'sell', 36, 75)); // close 0.75: basis floor(825000 x 75 / 250) = 247500, proceeds 0.75 x 0.36 = 270000
      expect(p.market(T)).to.include({ position: -175, costMicros: 577_500, realizedMicros: 22_500 });
    });

    it('flips through zero: the closing part realizes, the excess opens the other leg at the fill price', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      p.applyFill(fill('no', 'buy', 55, 500));
      // closes 3 YES at 45 each: 1.35 - 1.20 = 0.15; opens 2 NO at 55: $1.10
      expect(p.market(T)).to.include({ position: -200, costMicros: 1_100_000, realizedMicros: 150_000, maxAbsPosition: 300 });
      p.applyFill(fill('no', 'sell', 60, 700));
      // closes 2 NO at 60: 1.20 - 1.10 = 0.10; opens 5 YES at 40: $2.00
      expect(p.market(T)).to.include({ position: 500, costMicros: 2_000_000, realizedMicros: 250_000, maxAbsPosition: 500 });
      expect(p.market(T).volume).to.equal(1500);
    });

    it('settles yes: YES pays $1, NO pays nothing; fees stay', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300, 5040));
      p.applyFill(fill('no', 'buy', 55, 200, 0, U));
      p.settle(T, 'yes');
      p.settle(U, 'yes');
      expect(p.market(T)).to.include({ position: 0, costMicros: 0, realizedMicros: 1_800_000, feesMicros: 5040, netMicros: 1_794_960, settlement: 'yes' });
      expect(p.market(U)).to.include({ position: 0, costMicros: 0, realizedMicros: -1_100_000, settlement: 'yes' });
      expect(p.total().realizedMicros).to.equal(700_000);
    });

    it('settles no: NO pays $1, YES pays nothing', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      p.applyFill(fill('no', 'buy', 55, 200, 0, U));
      p.settle(T, 'no');
      p.settle(U, 'no');
      expect(p.market(T)).to.include({ position: 0, realizedMicros: -1_200_000, settlement: 'no' });
      expect(p.market(U)).to.include({ position: 0, realizedMicros: 900_000, settlement: 'no' });
    });

    it('settles void: the position goes back at cost, realized unchanged', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      p.applyFill(fill('yes', 'sell', 50, 100)); // realizes 0.10
      p.settle(T, 'void');
      expect(p.market(T)).to.include({ position: 0, costMicros: 0, realizedMicros: 100_000, unrealizedMidMicros: 0, settlement: 'void' });
    });

    it('refuses fills, seeds and a second settlement on a settled market', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      p.settle(T, 'yes');
      expect(() => p.applyFill(fill('yes', 'buy', 40, 100))).to.throw(FillError, /settled \(yes\)/);
      expect(() => p.seedPosition(T, 100, 40_000)).to.throw(FillError, /settled/);
      expect(() => p.settle(T, 'no')).to.throw(FillError, /already settled/);
      expect(() => p.settle(U, 'maybe' as 'yes')).to.throw(RangeError, /"yes", "no" or "void"/);
      expect(p.market(T).realizedMicros).to.equal(1_800_000);
    });

    it('marks YES to the mid and to the YES bid', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      p.mark(T, { yesBid: 42, noBid: 55 });
      // mid (42 + 100 - 55) / 2 = 43.5: 3 x 0.435 = 1.305; bid 3 x 0.42 = 1.26
      expect(p.market(T)).to.include({ unrealizedMidMicros: 105_000, unrealizedBidMicros: 60_000, netMicros: 105_000, yesBid: 42, noBid: 55 });
    });

    it('marks NO to the mid and to the NO bid', () => {
      const p = new Portfolio();
      p.applyFill(fill('no', 'buy', 55, 200, 1000));
      p.mark(T, { yesBid: 42, noBid: 55 });
      // NO mid (55 + 100 - 42) / 2 = 56.5: 2 x 0.565 = 1.13; bid 2 x 0.55 = 1.10
      expect(p.market(T)).to.include({ unrealizedMidMicros: 30_000, unrealizedBidMicros: 0, netMicros: 29_000 });
    });

    it('values a one-sided or unmarked book at the bid, and no bid at nothing', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300));
      expect(p.market(T)).to.include({ unrealizedMidMicros: -1_200_000, unrealizedBidMicros: -1_200_000 });
      p.mark(T, { noBid: 55 });
      expect(p.market(T)).to.include({ unrealizedMidMicros: -1_200_000, unrealizedBidMicros: -1_200_000, yesBid: null });
      p.mark(T, { yesBid: 41 });
      expect(p.market(T)).to.include({ unrealizedMidMicros: 30_000, unrealizedBidMicros: 30_000, noBid: null });
      p.mark(T, { yesBid: 41, noBid: 58 });
      // mid (41 + 42) / 2 = 41.5
      expect(p.market(T)).to.include({ unrealizedMidMicros: 45_000, unrealizedBidMicros: 30_000 });
    });

    it('seeds from the venue inventory and closes against it', () => {
      const p = new Portfolio();
      p.seedPosition(T, -500, 2_750_000); // 5 NO at 55
      expect(p.market(T)).to.include({ position: -500, costMicros: 2_750_000, realizedMicros: 0, fills: 0, maxAbsPosition: 500 });
      p.applyFill(fill('yes', 'buy', 40, 200));
      // closes 2 NO at 60: 1.20 - floor(2750000 x 200 / 500) = 1.20 - 1.10
      expect(p.market(T)).to.include({ position: -300, costMicros: 1_650_000, realizedMicros: 100_000 });
      expect(() => p.seedPosition(T, 100, 40_000)).to.throw(FillError, /already holds -300/);
      expect(() => p.seedPosition(U, 0, 5)).to.throw(RangeError, /without a position/);
      expect(() => p.seedPosition(U, 100, -1)).to.throw(RangeError, /non-negative/);
      expect(() => p.seedPosition(U, 1.5, 0)).to.throw(RangeError, /safe integer/);
      expect(() => p.seedPosition('', 100, 0)).to.throw(FillError, /ticker/);
    });

    it('counts orders by kind, tokens and rate limits, per market and in total', () => {
      const p = new Portfolio();
      p.orderSent(T, 'create');
      p.orderSent(T, 'create');
      p.orderSent(T, 'cancel');
      p.orderSent(U, 'amend');
      p.orderSent(U, '__proto__');
      p.tokensSpent(T, 22);
      p.tokensSpent(U, 10);
      p.rateLimited(T);
      p.rateLimited();
      p.rateLimited();
      expect(p.market(T).ordersSent).to.deep.equal({ total: 3, byKind: { cancel: 1, create: 2 } });
      expect(p.market(T)).to.include({ tokensSpent: 22, rateLimited: 1 });
      const total = p.total();
      expect(total.ordersSent.total).to.equal(5);
      expect(Object.keys(total.ordersSent.byKind)).to.deep.equal(['__proto__', 'amend', 'cancel', 'create']);
      expect(total.ordersSent.byKind['create']).to.equal(2);
      expect(total).to.include({ tokensSpent: 32, rateLimited: 3, markets: 2, openMarkets: 0 });
      expect(() => p.orderSent(T, '')).to.throw(RangeError, /kind/);
      expect(() => p.tokensSpent(T, -1)).to.throw(RangeError, /tokens/);
      expect(() => p.tokensSpent(T, 0.5)).to.throw(RangeError, /tokens/);
    });

    it('sums the markets in the total', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 40, 300, 5040));
      p.applyFill(fill('no', 'buy', 55, 200, 3465, U));
      p.applyFill(fill('no', 'sell', 57, 100, 0, U)); // closes 1 NO at 57: +0.02
      p.mark(T, { yesBid: 42, noBid: 55 });
      p.mark(U, { yesBid: 42, noBid: 55 });
      const t = p.total();
      // T: mid +0.105, bid +0.06; U: 1 NO left at cost 0.55, mid 0.565 (+0.015), bid 0.55 (0)
      expect(t).to.include({
        markets: 2,
        openMarkets: 2,
        absPosition: 400,
        maxAbsPosition: 300,
        costMicros: 1_750_000,
        realizedMicros: 20_000,
        unrealizedMidMicros: 120_000,
        unrealizedBidMicros: 60_000,
        feesMicros: 8505,
        netMicros: 131_495,
        volume: 600,
        fills: 3,
      });
      expect(p.markets().map((m) => m.ticker)).to.deep.equal([T, U]);
    });

    it('reads an unknown market as flat and empty without creating it', () => {
      const p = new Portfolio();
      expect(p.market('NOPE')).to.include({ position: 0, costMicros: 0, fills: 0, settlement: null, yesBid: null });
      expect(p.markets()).to.deep.equal([]);
      expect(p.total()).to.include({ markets: 0, netMicros: 0 });
    });
  });

  describe('bad input', () => {
    it('refuses malformed fills with the field named, and books nothing', () => {
      const p = new Portfolio();
      const good = fill('yes', 'buy', 40, 100);
      const cases: [Partial<Record<keyof Fill, unknown>>, RegExp][] = [
        [{ price: 0 }, /price/],
        [{ price: 100 }, /price/],
        [{ price: 40.5 }, /price/],
        [{ count: 0 }, /count/],
        [{ count: -100 }, /count/],
        [{ count: 2 ** 53 }, /count/],
        [{ feeMicros: -1 }, /feeMicros/],
        [{ feeMicros: 1.5 }, /feeMicros/],
        [{ side: 'up' }, /side/],
        [{ action: 'sell_to_close' }, /action/],
        [{ ticker: '' }, /ticker/],
        [{ orderId: 7 }, /orderId/],
        [{ clientOrderId: 7 }, /clientOrderId/],
        [{ isTaker: 'true' }, /isTaker/],
        [{ tsMs: -1 }, /tsMs/],
        [{ tsMs: 1.5 }, /tsMs/],
      ];
      for (const [change, pattern] of cases) {
        expect(() => p.applyFill({ ...good, ...change } as Fill), JSON.stringify(change)).to.throw(FillError, pattern);
      }
      expect(() => p.applyFill(null as unknown as Fill)).to.throw(FillError, /object/);
      expect(p.markets()).to.deep.equal([]);
    });

    it('refuses bad marks', () => {
      const p = new Portfolio();
      expect(() => p.mark(T, { yesBid: 0 })).to.throw(RangeError, /YES bid/);
      expect(() => p.mark(T, { noBid: 100 })).to.throw(RangeError, /NO bid/);
      expect(() => p.mark(T, { yesBid: 42.5 })).to.throw(RangeError, /YES bid/);
      expect(() => p.mark(T, { yesBid: null as unknown as number })).to.throw(RangeError, /YES bid/);
      expect(() => p.mark(T, null as unknown as { yesBid?: number })).to.throw(RangeError, /top of book/);
    });

    it('refuses an amount past the safe integer range instead of rounding, and books nothing of it', () => {
      const p = new Portfolio();
      p.applyFill(fill('yes', 'buy', 99, 900_000_000_000)); // cost 8.91e15 µ$, just under 2^53
      expect(() => p.applyFill(fill('yes', 'buy', 99, 900_000_000_000, 7))).to.throw(RangeError, /cost basis left the safe integer range/);
      expect(p.market(T)).to.include({ position: 900_000_000_000, costMicros: 8_910_000_000_000_000, fills: 1, feesMicros: 0 });
    });
  });

  describe('properties', () => {
    const anyFill = fc.record({
      side: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
      action: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      price: fc.integer({ min: 1, max: 99 }),
      count: fc.integer({ min: 1, max: 5000 }),
      fee: fc.integer({ min: 0, max: 20_000 }),
    });

    it('keeps the cost basis between 1 and 99 ticks a contract, and zero exactly when flat', () => {
      fc.assert(
        fc.property(fc.array(anyFill, { maxLength: 40 }), (fills) => {
          const p = new Portfolio();
          for (const f of fills) {
            p.applyFill(fill(f.side, f.action, f.price, f.count, f.fee));
            const m = p.market(T);
            const held = Math.abs(m.position);
            expect(m.costMicros >= held * 100 && m.costMicros <= held * 9900, `cost ${m.costMicros} for ${held}`).to.equal(true);
            expect(m.maxAbsPosition >= held).to.equal(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('closes every round trip exactly: buy then sell the same amount at the same price realizes 0', () => {
      fc.assert(
        fc.property(fc.array(anyFill, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 99 }), (fills, exitPrice) => {
          const p = new Portfolio();
          let spent = 0;
          for (const f of fills) {
            p.applyFill(fill('yes', 'buy', f.price, f.count));
            spent += f.count * f.price * 100;
          }
          const held = p.market(T).position;
          expect(p.market(T).costMicros).to.equal(spent);
          // sell in uneven pieces; the rounding of the pieces must not leak
          let left = held;
          let proceeds = 0;
          for (const f of fills) {
            const piece = Math.min(left, Math.max(1, Math.floor(f.count / 3)));
            if (piece === 0) break;
            p.applyFill(fill('yes', 'sell', exitPrice, piece));
            proceeds += piece * exitPrice * 100;
            left -= piece;
          }
          if (left > 0) {
            p.applyFill(fill('no', 'buy', 100 - exitPrice, left));
            proceeds += left * exitPrice * 100;
          }
          expect(p.market(T)).to.include({ position: 0, costMicros: 0, realizedMicros: proceeds - spent });
        }),
        { numRuns: 300 },
      );
    });
  });
});
