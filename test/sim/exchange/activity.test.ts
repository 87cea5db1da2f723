import { expect } from 'chai';
import { ACTIVITY_SHARES, MARKET_ACTIVITIES, activityCounts, dealActivities } from '../../../src/sim/exchange/activity.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/activity', () => {
  it('gives each activity its fixed share of the markets, rounded by largest remainder', () => {
    expect(activityCounts(12)).to.deep.equal({ quiet: 3, normal: 7, busy: 2 });
    expect(activityCounts(20)).to.deep.equal({ quiet: 5, normal: 11, busy: 4 });
    expect(activityCounts(1)).to.deep.equal({ quiet: 0, normal: 1, busy: 0 });
    expect(activityCounts(0)).to.deep.equal({ quiet: 0, normal: 0, busy: 0 });
    for (let count = 0; count <= 200; count += 1) {
      const counts = activityCounts(count);
      expect(counts.quiet + counts.normal + counts.busy).to.equal(count);
      for (const activity of MARKET_ACTIVITIES) expect(Math.abs(counts[activity] - count * ACTIVITY_SHARES[activity])).to.be.below(1);
    }
  });

  it('deals the activities in an order drawn from the seed: same seed, same order', () => {
    const deal = (seed: number): string[] => dealActivities(12, new Random(seed));
    expect(deal(4)).to.deep.equal(deal(4));
    expect(deal(4)).to.not.deep.equal(deal(5));
    const dealt = deal(4);
    for (const activity of MARKET_ACTIVITIES) expect(dealt.filter((each) => each === activity)).to.have.length(activityCounts(12)[activity]);
  });
});
