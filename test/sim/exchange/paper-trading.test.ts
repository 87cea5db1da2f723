import { expect } from 'chai';
import { ticksToDollars } from '../../../src/protocol/fixed.js';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { Exchange } from '../../../src/sim/exchange/exchange.js';
import type { Market } from '../../../src/sim/exchange/market.js';
import { Random } from '../../../src/sim/random.js';

const KEY = 'paper-key';

describe('sim/exchange/paper-trading against the simulated crowd', () => {
  it("fills a maker's 1-tick improvement inside a 3-4 tick spread now and then", () => {
    const tickers = Array.from({ length: 6 }, (_, index) => `KXMAKER${index}-26DEC31-T1`);
    const clock = new ManualClock(1_790_000_000_000);
    const exchange = new Exchange({
      tickers,
      permanent: new Set(tickers),
      random: new Random(21),
      clock,
      legacyCents: false,
      ratePerMarket: 5,
      maxRateTotal: 1_000_000,
      tickMs: 100,
      closeChancePerStep: 0,
    });
    const step = (): void => {
      clock.advance(100);
      exchange.step(1);
    };
    const spread = (market: Market): number => 100 - market.ladders.yes.best() - market.ladders.no.best();
    const quotable = (market: Market): boolean => market.ladders.yes.best() > 0 && market.ladders.no.best() > 0 && spread(market) >= 3 && spread(market) <= 4;
    let attempts = 0;
    let filled = 0;
    for (const ticker of tickers.filter((each) => exchange.activity(each) === 'normal')) {
      const market = exchange.markets.get(ticker)!;
      for (let round = 0; round < 10; round += 1) {
        for (let wait = 0; wait < 3000 && !quotable(market); wait += 1) step();
        if (!quotable(market)) break;
        const before = exchange.paper.portfolio.position(KEY, ticker);
        // 5 contracts one tick above the best YES bid, as the maker improves on a thin queue
        const placed = exchange.paper.place(KEY, {
          ticker,
          side: 'bid',
          count: '5.00',
          price: ticksToDollars(market.ladders.yes.best() + 1),
          time_in_force: 'good_till_canceled',
          post_only: true,
        });
        expect(placed.status).to.equal(201);
        for (let second = 0; second < 100; second += 1) step(); // ten seconds of market time
        attempts += 1;
        if (exchange.paper.portfolio.position(KEY, ticker) > before) filled += 1;
        exchange.paper.cancel(KEY, (placed.body as { order_id: string }).order_id);
      }
    }
    expect(attempts).to.be.at.least(20);
    expect(filled / attempts, 'filled now and then, not always').to.be.within(0.25, 0.9);
  });
});
