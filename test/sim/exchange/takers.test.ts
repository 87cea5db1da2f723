import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { Market } from '../../../src/sim/exchange/market.js';
import type { SizeContext } from '../../../src/sim/exchange/order-sizes.js';
import { MAX_BURST, informedBurst, mispricedLeg, noiseBurst } from '../../../src/sim/exchange/takers.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/takers', () => {
  let market: Market;
  let context: SizeContext;
  const ladder = (side: 'yes' | 'no', prices: number[], contracts: number): void => {
    for (const price of prices) market.rest({ orderId: `${side}-${price}`, side, price, remaining: contracts * 100 });
  };

  beforeEach(() => {
    const random = new Random(23);
    context = { random, wholeContracts: false };
    market = new Market('TAKE-26JAN01-T1', 'market-id', 50, false, random, new ManualClock(1000), () => undefined);
  });

  it('finds a leg offered below its fair value, and the most worth paying for it', () => {
    ladder('yes', [45, 46, 47], 100);
    ladder('no', [48, 49, 50], 100); // YES offered at 50, 51, 52
    expect(mispricedLeg(market, 50)).to.equal(undefined);
    expect(mispricedLeg(market, 55.3)).to.deep.equal({ side: 'yes', limit: 55 });
    expect(mispricedLeg(market, 44)).to.deep.equal({ side: 'no', limit: 55 });
  });

  it('informed takers buy every level priced below fair, and stop there', () => {
    ladder('no', [40, 41, 42, 43, 44, 45, 46], 10); // YES offered at 54..60
    informedBurst(market, 57.5, context);
    expect(market.ladders.no.best(), 'YES offered at 58 or more').to.equal(42);
    expect(mispricedLeg(market, 57.5)).to.equal(undefined);
  });

  it('noise takers come in bursts on one leg, stopping once the price moved more than a tick', () => {
    const lengths: number[] = [];
    for (let burst = 0; burst < 300; burst += 1) {
      market = new Market('TAKE-26JAN01-T1', 'market-id', 50, false, context.random, new ManualClock(1000), () => undefined);
      ladder('yes', [40, 41, 42, 43, 44, 45, 46, 47, 48], 30);
      ladder('no', [44, 45, 46, 47, 48, 49, 50, 51], 30);
      const results = noiseBurst(market, context);
      lengths.push(results.length);
      const yesTaken = market.ladders.no.best() < 51;
      const noTaken = market.ladders.yes.best() < 48;
      expect(yesTaken && noTaken, 'one leg per burst').to.equal(false);
      // a burst goes on only while the best is at most a tick worse than at its start; a sweep reaches 2 ticks deeper
      expect(market.ladders.no.best()).to.be.at.least(51 - 1 - 1 - 2);
      expect(market.ladders.yes.best()).to.be.at.least(48 - 1 - 1 - 2);
    }
    expect(Math.max(...lengths)).to.be.within(2, MAX_BURST);
    expect(lengths.filter((length) => length > 1).length, 'often more than one order').to.be.greaterThan(60);
  });
});
