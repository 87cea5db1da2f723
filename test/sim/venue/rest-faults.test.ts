import { expect } from 'chai';
import { parseFaultSpec } from '../../../src/sim/index.js';
import { SimHarness, testKey } from '../sim-client.js';

const TICKER = 'FAULT-26JAN01-T50';
const ORDERS = '/portfolio/events/orders';
const A = testKey(0);

describe('sim/venue REST faults', () => {
  let harness: SimHarness;
  afterEach(() => harness.close());

  const order = (clientOrderId: string) => ({
    ticker: TICKER,
    side: 'bid',
    price: '0.2000',
    count: '1.00',
    time_in_force: 'good_till_canceled',
    client_order_id: clientOrderId,
  });
  const resting = async (): Promise<string[]> =>
    (await harness.rest('GET', '/portfolio/orders?status=resting', undefined, A)).body.orders.map((listed: any) => listed.client_order_id);

  beforeEach(async () => {
    harness = await SimHarness.start({ tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0 }, [A]);
  });

  it('rest_error answers 503 and does nothing; the next write goes through', async () => {
    harness.sim.faults.trigger('rest_error');
    const refused = await harness.rest('POST', ORDERS, order('e-1'), A);
    expect([refused.status, refused.body.code]).to.deep.equal([503, 'service_unavailable']);
    expect(await resting()).to.deep.equal([]);
    expect((await harness.rest('POST', ORDERS, order('e-1'), A)).status).to.equal(201);
    expect(harness.sim.stats().restFaultsFired).to.deep.equal({ rest_error: 1, rest_timeout: 0, rest_lost: 0 });
  });

  it('rest_lost carries the order out and closes the connection without an answer', async () => {
    harness.sim.faults.trigger('rest_lost');
    let failure: unknown;
    await harness.rest('POST', ORDERS, order('lost-1'), A).catch((err: unknown) => (failure = err));
    expect(failure, 'no answer').to.be.instanceOf(Error);
    expect(await resting(), 'but the order rests').to.deep.equal(['lost-1']);
    const retry = await harness.rest('POST', ORDERS, order('lost-1'), A);
    expect([retry.status, retry.body.code], 'a retry with the same client order id is refused').to.deep.equal([409, 'duplicate_client_order_id']);
  });

  it('rest_timeout answers nothing for its hold, does nothing, then closes the connection', async () => {
    harness.sim.faults.trigger('rest_timeout', 5000);
    let settled = false;
    const pending = harness.rest('POST', ORDERS, order('slow-1'), A).then(
      () => 'answered',
      () => 'closed',
    );
    void pending.then(() => (settled = true));
    // the write has reached the simulator once its fault is counted
    while (harness.sim.stats().restFaultsFired.rest_timeout === 0) await new Promise((resolve) => setImmediate(resolve));
    await harness.rest('GET', '/exchange/status', undefined, null);
    expect(settled).to.equal(false);
    harness.clock.advance(4999);
    await harness.rest('GET', '/exchange/status', undefined, null);
    expect(settled).to.equal(false);
    harness.clock.advance(1);
    expect(await pending).to.equal('closed');
    expect(await resting()).to.deep.equal([]);
  });

  it('every=K faults every K-th write (reads are not counted); at=MS arms the next write after that time', async () => {
    harness.sim.faults.add(parseFaultSpec('rest_error:every=3'));
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      statuses.push((await harness.rest('POST', ORDERS, order(`k-${index}`), A)).status);
      await harness.rest('GET', '/portfolio/orders', undefined, A);
    }
    expect(statuses).to.deep.equal([201, 201, 503, 201, 201, 503]);
    harness.sim.faults.clear();
    harness.sim.faults.add(parseFaultSpec('rest_error:at=1000'));
    expect((await harness.rest('POST', ORDERS, order('t-1'), A)).status).to.equal(201);
    harness.clock.advance(1000);
    expect((await harness.rest('POST', ORDERS, order('t-2'), A)).status).to.equal(503);
    expect((await harness.rest('POST', ORDERS, order('t-2'), A)).status).to.equal(201);
    expect(() => parseFaultSpec('rest_lost')).to.throw(RangeError, /every=K or at=MS/);
  });
});
