import { expect } from 'chai';
import fc from 'fast-check';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { Leg } from '../../src/portfolio/fill.js';
import { worstCase } from '../../src/risk/worst-case.js';
import type { RestingLeg } from '../../src/risk/worst-case.js';

function plain(leg: Leg, price: number, size: number): RestingLeg {
  return { leg, price, size, reduceOnly: false };
}

describe('risk/worst-case', () => {
  it('flat with nothing resting: nothing can be held', () => {
    expect(worstCase(0, 0, [])).to.deep.equal({ yesReach: 0, noReach: 0, yesCostMicros: 0, noCostMicros: 0, exposureMicros: 0 });
  });

  it('holding YES: orders acquiring YES add to it at their prices; NO orders first close it', () => {
    // 10 YES held at $4.00; bids for 5 YES @ 45 and 3 YES @ 50; NO orders for 12 @ 60 and 4 @ 30
    const orders = [plain('yes', 45, 500), plain('yes', 50, 300), plain('no', 60, 1200), plain('no', 30, 400)];
    const worst = worstCase(1000, 4_000_000, orders);
    expect(worst.yesReach).to.equal(1800);
    expect(worst.yesCostMicros).to.equal(4_000_000 + 500 * 45 * 100 + 300 * 50 * 100);
    // NO: 16 contracts acquired, 10 of them close YES; at most 6 open, counted at the dearest prices (60)
    expect(worst.noReach).to.equal(600);
    expect(worst.noCostMicros).to.equal(600 * 60 * 100);
    expect(worst.exposureMicros).to.equal(worst.yesCostMicros);
  });

  it('orders on the opposite leg that cannot pass flat cost nothing', () => {
    const worst = worstCase(-1000, 3_000_000, [plain('yes', 70, 1000)]);
    expect(worst).to.deep.equal({ yesReach: 0, noReach: 1000, yesCostMicros: 0, noCostMicros: 3_000_000, exposureMicros: 3_000_000 });
  });

  it('the dearest opening hundredths are counted across orders', () => {
    // 2 NO held; YES orders 3 @ 20, 1 @ 90, 2 @ 50: 6 acquired, 2 close, 4 open at 90, 50, 50, 20
    const worst = worstCase(-200, 100_000, [plain('yes', 20, 300), plain('yes', 90, 100), plain('yes', 50, 200)]);
    expect(worst.yesReach).to.equal(400);
    expect(worst.yesCostMicros).to.equal((100 * 90 + 200 * 50 + 100 * 20) * 100);
  });

  it('reduce-only orders never open, but closing the other leg makes room for the plain orders on theirs', () => {
    const reduceOnly: RestingLeg = { leg: 'yes', price: 60, size: 800, reduceOnly: true };
    // 10 NO held: a reduce-only YES order alone can at most bring it to flat
    expect(worstCase(-1000, 4_000_000, [reduceOnly])).to.include({ yesReach: -200, yesCostMicros: 0 });
    // with 5 plain YES bids @ 30: the reduce-only closes 8, the bids close 2 and open 3
    expect(worstCase(-1000, 4_000_000, [reduceOnly, plain('yes', 30, 500)])).to.include({ yesReach: 300, yesCostMicros: 300 * 30 * 100 });
    // holding YES already, a reduce-only YES order cannot fill at all
    expect(worstCase(1000, 4_000_000, [reduceOnly])).to.include({ yesReach: 1000, yesCostMicros: 4_000_000 });
  });

  it('bounds every fill sequence: the position never passes the reach, the cost basis never the cost (property)', () => {
    const orderArb = fc.record({
      leg: fc.constantFrom<Leg>('yes', 'no'),
      price: fc.integer({ min: 1, max: 99 }),
      size: fc.integer({ min: 1, max: 3000 }),
      reduceOnly: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: -3000, max: 3000 }),
        fc.integer({ min: 1, max: 99 }),
        fc.array(orderArb, { maxLength: 7 }),
        // a fill schedule: which order, how much of what is left (per mille), price improvement
        fc.array(fc.record({ pick: fc.nat(), part: fc.integer({ min: 1, max: 1000 }), better: fc.integer({ min: 0, max: 5 }) }), { maxLength: 40 }),
        (position, avgPrice, orders, schedule) => {
          const cost = Math.abs(position) * avgPrice * 100;
          const worst = worstCase(position, cost, orders);
          const portfolio = new Portfolio();
          if (position !== 0) portfolio.seedPosition('T', position, cost);
          const left = orders.map((order) => order.size);
          const observe = () => {
            const { position: held, costMicros } = portfolio.market('T');
            if (held > 0) {
              expect(held).to.be.at.most(worst.yesReach);
              expect(costMicros).to.be.at.most(worst.yesCostMicros);
            } else if (held < 0) {
              expect(-held).to.be.at.most(worst.noReach);
              expect(costMicros).to.be.at.most(worst.noCostMicros);
            }
            expect(costMicros).to.be.at.most(worst.exposureMicros);
          };
          observe();
          let tsMs = 1;
          for (const step of schedule) {
            if (orders.length === 0) break;
            const index = step.pick % orders.length;
            const order = orders[index]!;
            let room = left[index]!;
            if (order.reduceOnly) {
              // the venue fills a reduce-only order only against the other leg, and never past flat
              const held = portfolio.market('T').position;
              const against = order.leg === 'yes' ? -held : held;
              room = Math.min(room, Math.max(0, against));
            }
            if (room === 0) continue;
            const count = Math.max(1, Math.floor((room * step.part) / 1000));
            left[index] = left[index]! - count;
            const price = Math.max(1, order.price - step.better); // a buy fills at its price or better
            portfolio.applyFill({
              tsMs: tsMs++,
              ticker: 'T',
              orderId: `o${index}`,
              side: order.leg,
              action: 'buy',
              price,
              count,
              feeMicros: 0,
              isTaker: false,
            });
            observe();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the reach of plain orders is reached: filling every order of a leg first takes the position there (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3000, max: 3000 }),
        fc.array(fc.record({ leg: fc.constantFrom<Leg>('yes', 'no'), price: fc.integer({ min: 1, max: 99 }), size: fc.integer({ min: 1, max: 3000 }) }), {
          maxLength: 6,
        }),
        (position, orders) => {
          const worst = worstCase(
            position,
            Math.abs(position) * 50 * 100,
            orders.map((o) => ({ ...o, reduceOnly: false })),
          );
          const sum = (leg: Leg) => orders.filter((order) => order.leg === leg).reduce((total, order) => total + order.size, 0);
          expect(worst.yesReach).to.equal(position + sum('yes'));
          expect(worst.noReach).to.equal(-position + sum('no'));
        },
      ),
    );
  });
});
