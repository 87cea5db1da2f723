import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { SimHarness, testKey } from '../sim-client.js';

const TICKER = 'KEEP-26JAN01-T50';
const ORDERS = '/portfolio/events/orders';
const [A, B] = [testKey(0), testKey(1)];
const MINUTE = 60_000;

describe('sim/venue memory over time', () => {
  let harness: SimHarness;
  afterEach(() => harness.close());

  const order = (price: string, clientOrderId: string, side = 'bid') => ({
    ticker: TICKER,
    side,
    price,
    count: '1.00',
    time_in_force: 'good_till_canceled',
    client_order_id: clientOrderId,
  });

  it('drops finished orders and their client order ids after the retention window, keeps resting ones', async () => {
    const clock = new ManualClock(1_790_000_000_000);
    harness = await SimHarness.start(
      { clock, tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0, orderRetentionMs: MINUTE, fillRetentionMs: 2 * MINUTE },
      [A, B],
    );
    const resting = await harness.rest('POST', ORDERS, order('0.1000', 'stays'), A);
    const done = await harness.rest('POST', ORDERS, order('0.2000', 'goes'), A);
    await harness.rest('DELETE', `${ORDERS}/${done.body.order_id}`, undefined, A);
    // a fill for A (taker) and B (maker)
    await harness.rest('POST', ORDERS, order('0.3000', 'maker', 'ask'), B);
    await harness.rest('POST', ORDERS, { ...order('0.3000', 'taker'), time_in_force: 'immediate_or_cancel' }, A);
    expect(harness.sim.stats()).to.deep.include({ ordersHeld: 4, clientOrderIdsHeld: 4, fillsHeld: 2 });
    expect((await harness.rest('POST', ORDERS, order('0.2000', 'goes'), A)).status, 'still in use').to.equal(409);

    clock.advance(MINUTE - 1);
    harness.sim.step(1);
    expect(harness.sim.stats().ordersHeld).to.equal(4);
    clock.advance(1);
    harness.sim.step(1);
    // canceled 'goes', executed 'maker' and 'taker' are gone; 'stays' rests
    expect(harness.sim.stats()).to.deep.include({ ordersHeld: 1, clientOrderIdsHeld: 1, fillsHeld: 2 });
    expect((await harness.rest('GET', `/portfolio/orders/${done.body.order_id}`, undefined, A)).status).to.equal(404);
    expect((await harness.rest('GET', `/portfolio/orders/${resting.body.order_id}`, undefined, A)).body.order.status).to.equal('resting');
    expect((await harness.rest('POST', ORDERS, order('0.2000', 'goes'), A)).status, 'the id is free again').to.equal(201);
    clock.advance(MINUTE);
    expect((await harness.rest('GET', '/portfolio/fills', undefined, A)).body.fills, 'fills kept two minutes').to.deep.equal([]);
    expect(harness.sim.stats().fillsHeld).to.equal(0);
  });

  it('keeps at most maxFillsPerAccount fills per account, the newest, whatever the fill rate', async () => {
    const clock = new ManualClock(1_790_000_000_000);
    harness = await SimHarness.start({ clock, tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0, maxFillsPerAccount: 3 }, [
      A,
      B,
    ]);
    const taken: string[] = [];
    for (let serial = 0; serial < 5; serial += 1) {
      await harness.rest('POST', ORDERS, order('0.3000', `m-${serial}`, 'ask'), B);
      const take = await harness.rest('POST', ORDERS, { ...order('0.3000', `t-${serial}`), time_in_force: 'immediate_or_cancel' }, A);
      expect(take.body.fill_count).to.equal('1.00');
      taken.push(take.body.order_id as string);
    }
    // five fills each for A and B, three each kept: the newest, newest first
    expect(harness.sim.stats().fillsHeld).to.equal(6);
    const fills = (await harness.rest('GET', '/portfolio/fills', undefined, A)).body.fills as Array<{ order_id: string }>;
    expect(fills.map((fill) => fill.order_id)).to.deep.equal(taken.slice(2).reverse());
  });

  it('stays flat over three hours of steady order traffic', async () => {
    const clock = new ManualClock(1_790_000_000_000);
    harness = await SimHarness.start({ clock, tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0 }, [A, B]);
    const held: number[] = [];
    let serial = 0;
    for (let minute = 0; minute < 180; minute += 1) {
      // each minute: B posts 10 asks, A takes 5 of them, the rest is cancelled in one batch
      const asks = await harness.rest('POST', `${ORDERS}/batched`, { orders: Array.from({ length: 10 }, () => order('0.4000', `b-${serial++}`, 'ask')) }, B);
      expect(asks.status).to.equal(201);
      const take = await harness.rest('POST', ORDERS, { ...order('0.4000', `a-${serial++}`), count: '5.00', time_in_force: 'immediate_or_cancel' }, A);
      expect(take.body.fill_count).to.equal('5.00');
      await harness.rest('DELETE', ORDERS, undefined, B);
      clock.advance(MINUTE);
      harness.sim.step(1);
      held.push(harness.sim.stats().ordersHeld);
    }
    const stats = harness.sim.stats();
    expect(stats.ordersPlaced).to.equal(180 * 11);
    // five minutes of orders (11 a minute), fills of the last hour (10 a minute)
    expect(Math.max(...held.slice(10))).to.be.at.most(5 * 11);
    expect(held.at(-1)).to.equal(held[90]);
    expect(stats.clientOrderIdsHeld).to.equal(stats.ordersHeld);
    expect(stats.fillsHeld).to.be.at.most(61 * 10);
  });
});
