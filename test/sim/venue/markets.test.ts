import { expect } from 'chai';
import { authHeaders } from '../../../src/protocol/auth.js';
import { REST_PREFIX } from '../../../src/protocol/wire.js';
import { SimHarness, testKey } from '../sim-client.js';

const A = testKey(0);
const B = testKey(1);

describe('sim/venue market reads', () => {
  let harness: SimHarness;

  afterEach(() => harness.close());

  it('lists markets with living top of book, volume (24 h rolling), open interest, close time and fees; filters and pages', async () => {
    const tickers = ['MKT-26JAN01-T1', 'MKT-26JAN01-T2', 'MKT-26FEB01-T1'];
    harness = await SimHarness.start({ tickers, markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0 }, [A, B]);
    const startMs = harness.clock.now();
    await harness.rest(
      'POST',
      '/portfolio/events/orders',
      { ticker: tickers[0], side: 'ask', price: '0.6200', count: '5.00', time_in_force: 'good_till_canceled' },
      B,
    );
    await harness.rest(
      'POST',
      '/portfolio/events/orders',
      { ticker: tickers[0], side: 'bid', price: '0.5800', count: '2.00', time_in_force: 'good_till_canceled' },
      B,
    );
    await harness.rest(
      'POST',
      '/portfolio/events/orders',
      { ticker: tickers[0], side: 'bid', price: '0.6200', count: '3.00', time_in_force: 'immediate_or_cancel' },
      A,
    );
    const one = (await harness.rest('GET', `/markets/${tickers[0]}`, undefined, null)).body.market;
    expect(one).to.deep.include({
      ticker: tickers[0],
      event_ticker: 'MKT-26JAN01',
      status: 'active',
      yes_bid_dollars: '0.5800',
      yes_ask_dollars: '0.6200',
      no_bid_dollars: '0.3800',
      no_ask_dollars: '0.4200',
      yes_ask_size_fp: '2.00',
      last_price_dollars: '0.6200',
      volume_fp: '3.00',
      volume_24h_fp: '3.00',
      open_interest_fp: '3.00',
      close_time: new Date(startMs + 24 * 3_600_000).toISOString(),
      fee_type: 'quadratic',
      fee_multiplier: 1,
      price_level_structure: 'linear_cent',
      fractional_trading_enabled: true,
    });
    harness.clock.advance(24 * 3_600_000 + 5 * 60_000);
    const dayLater = (await harness.rest('GET', `/markets/${tickers[0]}`, undefined, null)).body.market;
    expect(dayLater).to.deep.include({ volume_fp: '3.00', volume_24h_fp: '0.00' });

    const byEvent = await harness.rest('GET', '/markets?event_ticker=MKT-26JAN01', undefined, null);
    expect(byEvent.body.markets.map((market: any) => market.ticker)).to.deep.equal([tickers[1], tickers[0]]);
    const picked = await harness.rest('GET', `/markets?tickers=${tickers[2]},${tickers[0]}`, undefined, null);
    expect(picked.body.markets.map((market: any) => market.ticker)).to.deep.equal([tickers[2], tickers[0]]);
    harness.sim.closeMarket(tickers[1]!, 'determined', 'no');
    const open = await harness.rest('GET', '/markets?status=open&limit=1', undefined, null);
    expect(open.body.markets.map((market: any) => market.ticker)).to.deep.equal([tickers[2]]);
    const next = await harness.rest('GET', `/markets?status=open&limit=1&cursor=${open.body.cursor}`, undefined, null);
    expect(next.body.markets.map((market: any) => market.ticker)).to.deep.equal([tickers[0]]);
    expect(next.body.cursor).to.equal('');
    expect(
      (await harness.rest('GET', '/markets?status=settled', undefined, null)).body.markets.map((market: any) => [market.ticker, market.result]),
    ).to.deep.equal([[tickers[1], 'no']]);
    expect((await harness.rest('GET', '/markets?series_ticker=MKT', undefined, null)).body.markets).to.have.length(3);
    expect((await harness.rest('GET', '/markets?status=halted', undefined, null)).status).to.equal(400);
    expect((await harness.rest('GET', '/markets/NOPE-1', undefined, null)).status).to.equal(404);
  });

  it('market data is public; portfolio reads need a signature; a bad signature is refused either way', async () => {
    harness = await SimHarness.start({ tickers: ['MKT-26JAN01-T1'], markets: 0 }, [A]);
    expect((await harness.rest('GET', '/exchange/status', undefined, null)).body).to.deep.equal({
      exchange_active: true,
      trading_active: true,
      exchange_estimated_resume_time: null,
    });
    expect((await harness.rest('GET', '/markets', undefined, null)).status).to.equal(200);
    expect((await harness.rest('GET', '/markets', undefined, A)).status).to.equal(200);
    const unsigned = await harness.rest('GET', '/portfolio/balance', undefined, null);
    expect([unsigned.status, unsigned.body.code]).to.deep.equal([401, 'unauthorized']);
    const wrongPath = authHeaders(A.keyId, A.privateKey, harness.clock.now(), 'GET', `${REST_PREFIX}/exchange/status`);
    const response = await fetch(`http://127.0.0.1:${harness.sim.port}${REST_PREFIX}/markets`, { headers: wrongPath });
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { message: string }).message).to.equal('bad signature');
  });

  it('generated series: quadratic takers-only for most, maker fees for every fourth from KXSIMB; the crowd keeps the books alive', async () => {
    harness = await SimHarness.start({ markets: 20, seed: 9 }, [A]);
    expect((await harness.rest('GET', '/series/KXSIMA', undefined, null)).body.series).to.deep.include({ fee_type: 'quadratic', fee_multiplier: 1 });
    expect((await harness.rest('GET', '/series/KXSIMB', undefined, null)).body.series).to.deep.include({
      fee_type: 'quadratic_with_maker_fees',
      fee_multiplier: 1,
    });
    harness.sim.step(600);
    const markets = (await harness.rest('GET', '/markets?limit=1000', undefined, null)).body.markets;
    expect(markets).to.have.length(20);
    expect(markets.filter((market: any) => market.fee_type === 'quadratic_with_maker_fees').length).to.equal(8);
    expect(
      markets.some((market: any) => market.volume_24h_fp !== '0.00'),
      'the crowd traded',
    ).to.equal(true);
    for (const market of markets) {
      const book = harness.sim.bookSnapshot(market.ticker);
      const bestYes = book.yes.at(-1)?.[0] ?? 0;
      expect(market.yes_bid_dollars).to.equal(`0.${String(bestYes).padStart(2, '0')}00`);
    }
  });
});
