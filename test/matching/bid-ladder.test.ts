import { expect } from 'chai';
import fc from 'fast-check';
import { BidLadder, type BookOrder } from '../../src/matching/index.js';

describe('matching/bid-ladder', () => {
  it('queues first in, first out per price and keeps level totals', () => {
    const ladder = new BidLadder();
    const first: BookOrder = { orderId: 'a', side: 'yes', price: 40, remaining: 300 };
    const second: BookOrder = { orderId: 'b', side: 'yes', price: 40, remaining: 200 };
    ladder.add(first);
    ladder.add(second);
    ladder.add({ orderId: 'c', side: 'yes', price: 42, remaining: 50 });
    expect(ladder.queueAt(40).map((order) => order.orderId)).to.deep.equal(['a', 'b']);
    expect(ladder.levels()).to.deep.equal([
      [40, 500],
      [42, 50],
    ]);
    expect(ladder.reduce(first, 1000)).to.equal(300);
    expect(ladder.queueAt(40).map((order) => order.orderId)).to.deep.equal(['b']);
    expect(ladder.remove(second)).to.equal(200);
    expect(ladder.remove(second), 'already gone').to.equal(0);
    expect([ladder.best(), ladder.orderCount]).to.deep.equal([42, 1]);
  });

  it('property: best() is always the highest price holding size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ add: fc.boolean(), price: fc.integer({ min: 1, max: 99 }), size: fc.integer({ min: 1, max: 300 }), pick: fc.nat() }), {
          maxLength: 200,
        }),
        (steps) => {
          const ladder = new BidLadder();
          const live: BookOrder[] = [];
          steps.forEach((step, index) => {
            if (step.add || live.length === 0) {
              const order: BookOrder = { orderId: `o${index}`, side: 'no', price: step.price, remaining: step.size };
              ladder.add(order);
              live.push(order);
            } else {
              const order = live[step.pick % live.length]!;
              ladder.reduce(order, step.size);
              if (order.remaining === 0) live.splice(live.indexOf(order), 1);
            }
            const prices = ladder.activePrices();
            expect(ladder.best()).to.equal(prices.at(-1) ?? 0);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
