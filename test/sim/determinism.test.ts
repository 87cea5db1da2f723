import { expect } from 'chai';
import { ticksToDollars } from '../../src/protocol/fixed.js';
import { SimHarness } from './sim-client.js';

/** Runs one scripted run and returns every frame text the client received, in order. */
async function recordRun(seed: number): Promise<string[]> {
  const harness = await SimHarness.start({ seed, markets: 8, ratePerMarket: 15 });
  try {
    const client = await harness.connect();
    const tickers = harness.sim.tickers;
    await client.command('subscribe', { channels: ['orderbook_delta', 'trade', 'ticker', 'fill', 'market_positions'], market_tickers: tickers.slice(0, 6) }, 5);
    for (let round = 0; round < 5; round += 1) {
      harness.sim.step(60);
      harness.clock.advance(1000);
      const book = harness.sim.bookSnapshot(tickers[round]!);
      const price = book.yes.length > 0 ? book.yes.at(-1)![0] : 30;
      const placed = await harness.order({
        ticker: tickers[round],
        side: 'bid',
        count: '3.00',
        price: ticksToDollars(price),
        time_in_force: 'good_till_canceled',
        client_order_id: `order-${round}`,
      });
      expect(placed.status).to.equal(201);
      await client.command('update_subscription', { sid: 1, action: 'get_snapshot', market_tickers: [tickers[round]] });
    }
    harness.sim.step(200);
    await client.sync();
    return client.raw;
  } finally {
    await harness.close();
  }
}

describe('sim/determinism', () => {
  it('the same seed and the same client actions give the same frames, byte for byte', async () => {
    const first = await recordRun(7);
    const second = await recordRun(7);
    expect(first.length).to.be.greaterThan(1000);
    expect(first.some((text) => text.includes('"client_order_id":"order-'))).to.equal(true);
    expect(second).to.deep.equal(first);
  });

  it('another seed gives another stream', async () => {
    const first = await recordRun(7);
    const other = await recordRun(8);
    expect(other).to.not.deep.equal(first);
  });
});
