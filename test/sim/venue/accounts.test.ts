import { expect } from 'chai';
import { type SimulatorOptions } from '../../../src/sim/index.js';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { SimHarness, testKey, type Frame, type TestClient, type TestKey } from '../sim-client.js';

const TICKER = 'VENUE-26JAN01-T50';
const OTHER = 'VENUE-26JAN01-T60';
const ORDERS = '/portfolio/events/orders';
const [A, B] = [testKey(0), testKey(1)];

describe('sim/venue balances, fees and settlement', () => {
  let harness: SimHarness;
  let clients: Map<TestKey, TestClient>;

  async function start(options: SimulatorOptions = {}): Promise<void> {
    harness = await SimHarness.start({ tickers: [TICKER, OTHER], markets: 0, seed: 5, crowd: false, rateLimit: 'off', ...options }, [A, B]);
    clients = new Map();
    for (const key of [A, B]) {
      const client = await harness.connect(key);
      await client.command('subscribe', { channels: ['fill', 'market_positions', 'user_orders', 'market_lifecycle_v2'], market_tickers: [TICKER, OTHER] }, 4);
      clients.set(key, client);
    }
  }

  afterEach(() => harness.close());

  const create = (key: TestKey, fields: Record<string, unknown>, ticker = TICKER) =>
    harness.rest('POST', ORDERS, { ticker, time_in_force: 'good_till_canceled', ...fields }, key);
  const balance = async (key: TestKey) => (await harness.rest('GET', '/portfolio/balance', undefined, key)).body;

  async function framesOf(key: TestKey, type: string): Promise<Frame[]> {
    const client = clients.get(key)!;
    await client.sync();
    return client.frames.filter((frame) => frame.type === type);
  }

  /** B offers 10 YES at 45; A buys 4 of them. */
  async function tradeFour(): Promise<{ maker: string; taker: string }> {
    const maker = await create(B, { side: 'ask', price: '0.4500', count: '10.00' });
    const taker = await create(A, { side: 'bid', price: '0.4500', count: '4.00' });
    expect(taker.body.fill_count).to.equal('4.00');
    return { maker: maker.body.order_id, taker: taker.body.order_id };
  }

  it('settles a determined market: resting orders cancelled (CloseCancel), $1 per winning contract, positions flat, settlements listed', async () => {
    await start();
    const { maker } = await tradeFour();
    harness.sim.closeMarket(TICKER, 'determined', 'yes');
    const lifecycle = (await framesOf(A, 'market_lifecycle_v2')).map((frame) => [frame.msg.event_type, frame.msg.result, frame.msg.settlement_value]);
    expect(lifecycle).to.deep.equal([
      ['determined', 'yes', '1.0000'],
      ['settled', undefined, undefined],
    ]);
    const makerUpdate = (await framesOf(B, 'user_order')).at(-1)!.msg;
    expect(makerUpdate).to.deep.include({
      order_id: maker,
      status: 'canceled',
      last_update_reason: 'CloseCancel',
      remaining_count_fp: '0.00',
      fill_count_fp: '4.00',
    });
    // A: $100,000 - $1.80 - $0.0693 fee + $4.00
    expect(await balance(A)).to.deep.include({ balance: 10_000_213, balance_dollars: '100002.1307', portfolio_value: 0 });
    // B: paid $2.20 for 4 NO that lost; nothing held any more
    expect(await balance(B)).to.deep.include({ balance: 9_999_780, balance_dollars: '99997.8000' });
    const positions = (await framesOf(A, 'market_position')).map((frame) => frame.msg);
    expect(positions.at(-1)).to.deep.include({
      position_fp: '0.00',
      position_cost_dollars: '0.0000',
      realized_pnl_dollars: '2.130700',
      fees_paid_dollars: '0.069300',
    });
    expect((await framesOf(B, 'market_position')).at(-1)!.msg).to.deep.include({ position_fp: '0.00', realized_pnl_dollars: '-2.200000' });
    const settlements = await harness.rest('GET', '/portfolio/settlements', undefined, A);
    expect(settlements.body.settlements).to.have.length(1);
    expect(settlements.body.settlements[0]).to.deep.include({
      ticker: TICKER,
      market_result: 'yes',
      yes_count_fp: '4.00',
      no_count_fp: '0.00',
      yes_total_cost_dollars: '1.8000',
      revenue: 400,
      value: 100,
    });
    expect((await harness.rest('GET', `/markets/${TICKER}`, undefined, null)).body.market).to.deep.include({
      status: 'finalized',
      result: 'yes',
      settlement_value_dollars: '1.0000',
    });
    const late = await create(A, { side: 'bid', price: '0.3000', count: '1.00' });
    expect([late.status, late.body.code]).to.deep.equal([400, 'market_closed']);
  });

  it('a void market returns every position at cost', async () => {
    await start();
    await create(B, { side: 'ask', price: '0.3000', count: '2.00' }, OTHER);
    await create(A, { side: 'bid', price: '0.3000', count: '2.00' }, OTHER);
    const before = [await balance(A), await balance(B)];
    harness.sim.closeMarket(OTHER, 'determined', 'void');
    const [determined] = (await framesOf(A, 'market_lifecycle_v2')).map((frame) => frame.msg);
    expect(determined).to.deep.include({ event_type: 'determined', result: 'void' });
    expect(determined).to.not.have.property('settlement_value');
    // A gets its $0.60 back, B its $1.40
    expect((await balance(A)).balance - before[0].balance).to.equal(60);
    expect((await balance(B)).balance - before[1].balance).to.equal(140);
    expect((await framesOf(A, 'market_position')).at(-1)!.msg).to.deep.include({ position_fp: '0.00', realized_pnl_dollars: '-0.029400' });
  });

  it('settles after the settlement delay when one is set', async () => {
    const clock = new ManualClock(1_790_000_000_000);
    await start({ clock, settlementDelayMs: 60_000, pingIntervalMs: 0 });
    await tradeFour();
    harness.sim.closeMarket(TICKER, 'determined', 'no');
    expect((await framesOf(A, 'market_lifecycle_v2')).map((frame) => frame.msg.event_type)).to.deep.equal(['determined']);
    expect((await harness.rest('GET', `/markets/${TICKER}`, undefined, null)).body.market).to.deep.include({
      status: 'determined',
      result: 'no',
      settlement_timer_seconds: 60,
    });
    expect((await balance(B)).balance, 'not paid yet').to.equal(9_999_780);
    clock.advance(60_000);
    expect((await framesOf(A, 'market_lifecycle_v2')).map((frame) => frame.msg.event_type)).to.deep.equal(['determined', 'settled']);
    // B's 4 NO won: $4.00 back
    expect((await balance(B)).balance).to.equal(9_999_780 + 400);
  });

  it('refuses an order the available balance cannot cover (insufficient_balance), not one that only closes a position', async () => {
    await start();
    harness.sim.setBalance(A.keyId, 100);
    // 3 at $0.50 needs $1.50 and up to $0.0525 of fee
    const refused = await create(A, { side: 'bid', price: '0.5000', count: '3.00' });
    expect([refused.status, refused.body.code]).to.deep.equal([400, 'insufficient_balance']);
    expect((await create(A, { side: 'bid', price: '0.5000', count: '1.00' })).status).to.equal(201);
    expect(await balance(A)).to.deep.include({ balance: 50, balance_dollars: '0.5000' });
    expect((await create(A, { side: 'bid', price: '0.5000', count: '1.00' })).body.code, 'the first one holds $0.50').to.equal('insufficient_balance');
    harness.sim.setPosition(TICKER, 500, 20_000, A.keyId);
    // selling the 5 YES held opens nothing: only its fee has to fit
    expect((await create(A, { side: 'ask', price: '0.6000', count: '5.00' })).status).to.equal(201);
    expect((await create(A, { side: 'ask', price: '0.6000', count: '5.00', reduce_only: true, time_in_force: 'immediate_or_cancel' })).status).to.equal(201);
  });

  it('charges makers on a series that says so, with its multiplier, and shows the schedule on the series and its markets', async () => {
    await start({ feeSchedules: { VENUE: { feeType: 'quadratic_with_maker_fees', multiplier: 0.5 } } });
    await tradeFour();
    // taker 0.5 x 0.07 x 4 x 0.45 x 0.55 = $0.034650; maker a quarter of it, $0.0086625, rounded up
    expect((await framesOf(A, 'fill'))[0]!.msg.fee_cost).to.equal('0.034650');
    expect((await framesOf(B, 'fill'))[0]!.msg.fee_cost).to.equal('0.008663');
    expect((await framesOf(B, 'user_order')).at(-1)!.msg.maker_fees_dollars).to.equal('0.008663');
    const series = await harness.rest('GET', '/series/VENUE', undefined, null);
    expect(series.body.series).to.deep.include({ ticker: 'VENUE', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 0.5 });
    const markets = await harness.rest('GET', '/markets?series_ticker=VENUE', undefined, null);
    expect(markets.body.markets.map((market: any) => [market.ticker, market.fee_type, market.fee_multiplier])).to.deep.equal([
      [OTHER, 'quadratic_with_maker_fees', 0.5],
      [TICKER, 'quadratic_with_maker_fees', 0.5],
    ]);
    expect((await harness.rest('GET', '/series/NOPE', undefined, null)).status).to.equal(404);
  });

  it('refuses a bad fee option with a clear error', async () => {
    for (const feeSchedules of [{ X: { feeType: 'cubic', multiplier: 1 } }, { X: { feeType: 'quadratic', multiplier: -1 } }]) {
      let message = '';
      try {
        harness = await SimHarness.start({ tickers: [TICKER], markets: 0, feeSchedules: feeSchedules as never });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(/^feeSchedules\.X: fee_(type|multiplier)/);
    }
    await start();
  });

  it('pause: orders refused with 503, cancel_order_on_pause orders cancelled (HaltCancel), the status says so; resume lifts it', async () => {
    await start();
    const kept = await create(A, { side: 'bid', price: '0.2000', count: '1.00' });
    const pulled = await create(A, { side: 'bid', price: '0.2100', count: '1.00', cancel_order_on_pause: true });
    harness.sim.pause();
    expect((await harness.rest('GET', '/exchange/status', undefined, null)).body).to.deep.equal({
      exchange_active: true,
      trading_active: false,
      exchange_estimated_resume_time: null,
    });
    const refused = await create(A, { side: 'bid', price: '0.2000', count: '1.00' });
    expect([refused.status, refused.body.code]).to.deep.equal([503, 'trading_paused']);
    expect((await harness.rest('GET', `/portfolio/orders/${pulled.body.order_id}`, undefined, A)).body.order).to.deep.include({
      status: 'canceled',
      last_update_reason: 'HaltCancel',
    });
    expect((await harness.rest('GET', `/portfolio/orders/${kept.body.order_id}`, undefined, A)).body.order.status).to.equal('resting');
    expect((await harness.rest('DELETE', `${ORDERS}/${kept.body.order_id}`, undefined, A)).status, 'cancels still work').to.equal(200);
    harness.sim.resume();
    expect((await harness.rest('GET', '/exchange/status', undefined, null)).body.trading_active).to.equal(true);
    expect((await create(A, { side: 'bid', price: '0.2000', count: '1.00' })).status).to.equal(201);
  });
});
