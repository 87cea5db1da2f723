import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { ladderPlan, provideLiquidity, seedLadder, wantedSize, type ProviderContext } from '../../../src/sim/exchange/liquidity-providers.js';
import { Market } from '../../../src/sim/exchange/market.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/liquidity-providers', () => {
  let market: Market;
  let context: ProviderContext;

  beforeEach(() => {
    const random = new Random(17);
    let orders = 0;
    context = { random, wholeContracts: false, nextOrderId: () => `lp-${++orders}` };
    market = new Market('LP-26JAN01-T1', 'market-id', 50, false, random, new ManualClock(1000), () => undefined);
  });

  it('plans the best bid half the spread below the side fair value, never at or through the other side', () => {
    expect(ladderPlan(market, 'yes', 50.4, 1, 10, 10_000)).to.deep.include({ inner: 49, depth: 10 });
    market.rest({ orderId: 'no-bid', side: 'no', price: 52, remaining: 100 });
    expect(ladderPlan(market, 'yes', 50.4, 0, 10, 10_000).inner, 'capped below the locked price 48').to.equal(47);
  });

  it('keeps a 1-tick bid near the ends while the side is worth it, and none below', () => {
    expect(ladderPlan(market, 'yes', 2.2, 3, 10, 10_000).inner).to.equal(1);
    expect(ladderPlan(market, 'yes', 1.2, 1, 10, 10_000).inner).to.equal(0);
  });

  it('wants a thin top, the heaviest levels a few ticks behind, and the rest piled up at 1 tick', () => {
    const plan = ladderPlan(market, 'yes', 60, 1, 12, 10_000);
    const sizes = Array.from({ length: 12 }, (_, behind) => wantedSize(plan, behind));
    expect(sizes[0]).to.be.below(sizes[1]!);
    expect(Math.max(...sizes)).to.equal(sizes[4]);
    expect(sizes[11]).to.be.below(sizes[4]!);
    const nearEnd = ladderPlan(market, 'yes', 4, 1, 12, 10_000); // best 3: levels 3, 2, 1
    expect(wantedSize(nearEnd, 2)).to.equal(sizes.slice(2).reduce((sum, size) => sum + size, 0));
  });

  it('seeds a ladder of `depth` levels from the plan best down', () => {
    const plan = ladderPlan(market, 'yes', 60, 1, 8, 20_000);
    seedLadder(market, plan, context);
    expect(market.ladders.yes.activePrices()).to.deep.equal([52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it('refills a level traded through and pulls bids the fair price moved past, one order per action', () => {
    const plan = ladderPlan(market, 'yes', 60, 1, 8, 20_000);
    seedLadder(market, plan, context);
    while (market.ladders.yes.sizeAt(59) > 0) market.reduce(market.ladders.yes.queueAt(59)[0]!, Infinity);
    for (let action = 0; action < 50 && market.ladders.yes.best() < 59; action += 1) provideLiquidity(market, [plan], context);
    expect(market.ladders.yes.best(), 'refilled').to.equal(59);
    const lower = ladderPlan(market, 'yes', 56, 1, 8, 20_000); // the fair price fell 4 ticks: 56..59 are stale
    for (let action = 0; action < 200 && market.ladders.yes.best() > 56; action += 1) provideLiquidity(market, [lower], context);
    expect(market.ladders.yes.best(), 'stale bids pulled').to.be.at.most(56);
  });

  it('leaves paper orders of accounts alone', () => {
    market.rest({ orderId: 'mine', side: 'yes', price: 70, remaining: 500, owner: 'account' });
    const plan = ladderPlan(market, 'yes', 50, 1, 5, 10_000);
    for (let action = 0; action < 200; action += 1) provideLiquidity(market, [plan], context);
    expect(market.ladders.yes.sizeAt(70)).to.equal(500);
  });
});
