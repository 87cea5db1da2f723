import { expect } from 'chai';
import { averageCostTicks, entryPrice, fillPriceOnLeg } from '../../src/strategy/entry-price.js';
import { hundredths, TICKER } from './fixtures.js';

describe('entry price', () => {
  it('is the cost per contract in cents: $8.40 for 20 contracts is 42', () => {
    expect(averageCostTicks(84_000, hundredths(20))).to.equal(42);
    expect(averageCostTicks(84_000, -hundredths(20))).to.equal(42);
  });

  it('rounds a fraction of a cent up to the next tick', () => {
    expect(averageCostTicks(84_001, hundredths(20))).to.equal(43);
    // $1.00 for 3 contracts = 33.33c -> 34
    expect(averageCostTicks(10_000, hundredths(3))).to.equal(34);
    // $0.2150 for 0.5 contracts = 43c exactly
    expect(averageCostTicks(2_150, 50)).to.equal(43);
    // $0.2151 for 0.5 contracts = 43.02c -> 44
    expect(averageCostTicks(2_151, 50)).to.equal(44);
  });

  it('stays exact for large positions', () => {
    const contracts = 9_000_000;
    expect(averageCostTicks(contracts * 4_200 + 1, hundredths(contracts))).to.equal(43);
    expect(averageCostTicks(contracts * 4_200, hundredths(contracts))).to.equal(42);
  });

  it('uses the position cost of the held leg, else the last fill on that leg', () => {
    expect(entryPrice('yes', hundredths(20), 84_000, 40)).to.equal(42);
    expect(entryPrice('no', -hundredths(20), 84_000, 40)).to.equal(42);
    expect(entryPrice('yes', hundredths(20), undefined, 40)).to.equal(40);
    expect(entryPrice('yes', hundredths(20), 0, 40)).to.equal(40);
    expect(entryPrice('yes', hundredths(20), undefined, undefined)).to.equal(undefined);
  });

  it('has no entry on a leg that is not held', () => {
    expect(entryPrice('no', hundredths(20), 84_000, 40)).to.equal(undefined);
    expect(entryPrice('yes', 0, 84_000, 40)).to.equal(undefined);
  });

  it('reads a NO fill at 100 - the YES price', () => {
    const fill = { ticker: TICKER, tradeId: 't', orderId: 'o', yesPrice: 43, count: 500 };
    expect(fillPriceOnLeg({ ...fill, side: 'yes' })).to.deep.equal({ leg: 'yes', price: 43 });
    expect(fillPriceOnLeg({ ...fill, side: 'no' })).to.deep.equal({ leg: 'no', price: 57 });
  });
});
