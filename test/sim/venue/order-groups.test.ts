import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import { SimHarness, testKey, type TestClient } from '../sim-client.js';

const TICKER = 'GROUP-26JAN01-T50';
const ORDERS = '/portfolio/events/orders';
const GROUPS = '/portfolio/order_groups';
const [A, B] = [testKey(0), testKey(1)];

describe('sim/venue order groups', () => {
  let harness: SimHarness;
  let client: TestClient;

  beforeEach(async () => {
    harness = await SimHarness.start(
      { clock: new ManualClock(1_790_000_000_000), tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off', pingIntervalMs: 0 },
      [A, B],
    );
    client = await harness.connect(A);
    await client.command('subscribe', { channels: ['order_group_updates', 'user_orders'] }, 2);
  });

  afterEach(() => harness.close());

  const bid = (price: string, count: string, groupId?: string) =>
    harness.rest(
      'POST',
      ORDERS,
      { ticker: TICKER, side: 'bid', price, count, time_in_force: 'good_till_canceled', ...(groupId ? { order_group_id: groupId } : {}) },
      A,
    );
  const sell = (price: string, count: string) =>
    harness.rest('POST', ORDERS, { ticker: TICKER, side: 'ask', price, count, time_in_force: 'immediate_or_cancel' }, B);
  const newGroup = async (limit: Record<string, unknown>): Promise<string> => {
    const created = await harness.rest('POST', `${GROUPS}/create`, limit, A);
    expect(created.status).to.equal(201);
    return created.body.order_group_id;
  };

  it('triggers when its members match the limit within 15 s: members cancelled, new orders refused until reset', async () => {
    const groupId = await newGroup({ contracts_limit_fp: '5.00' });
    const first = await bid('0.4000', '3.00', groupId);
    const second = await bid('0.3000', '10.00', groupId);
    expect((await harness.rest('GET', `${GROUPS}/${groupId}`, undefined, A)).body).to.deep.include({
      is_auto_cancel_enabled: true,
      contracts_limit_fp: '5.00',
      orders: [first.body.order_id, second.body.order_id],
    });
    await sell('0.4000', '3.00');
    expect((await harness.rest('GET', `${GROUPS}/${groupId}`, undefined, A)).body).to.deep.include({
      matched_contracts_fp: '3.00',
      orders: [second.body.order_id],
    });
    await sell('0.3000', '2.00');
    const after = await harness.rest('GET', `/portfolio/orders/${second.body.order_id}`, undefined, A);
    expect(after.body.order).to.deep.include({ status: 'canceled', fill_count_fp: '2.00', remaining_count_fp: '0.00' });
    expect(after.body.order).to.not.have.property('last_update_reason');
    expect(harness.sim.bookSnapshot(TICKER).yes).to.deep.equal([]);
    const blocked = await bid('0.2000', '1.00', groupId);
    expect([blocked.status, blocked.body.code]).to.deep.equal([400, 'order_group_triggered']);
    expect((await bid('0.2000', '1.00')).status, 'orders outside the group are fine').to.equal(201);
    expect((await harness.rest('PUT', `${GROUPS}/${groupId}/reset`, undefined, A)).status).to.equal(200);
    expect((await bid('0.2000', '1.00', groupId)).status).to.equal(201);
    await client.sync();
    const updates = client.frames.filter((frame) => frame.type === 'order_group_updates');
    expect(updates.map((frame) => [frame.seq, frame.msg.event_type, frame.msg.contracts_limit_fp])).to.deep.equal([
      [1, 'created', '5.00'],
      [2, 'triggered', undefined],
      [3, 'reset', undefined],
    ]);
    expect(updates[1]!.msg.order_group_id).to.equal(groupId);
  });

  it('counts over a rolling 15 s window only', async () => {
    const groupId = await newGroup({ contracts_limit: 5 });
    await bid('0.4000', '20.00', groupId);
    await sell('0.4000', '4.00');
    harness.clock.advance(15_000);
    await sell('0.4000', '4.00');
    const group = (await harness.rest('GET', `${GROUPS}/${groupId}`, undefined, A)).body;
    expect(group).to.deep.include({ matched_contracts_fp: '4.00', is_auto_cancel_enabled: true });
    harness.clock.advance(14_999);
    await sell('0.4000', '1.00');
    expect((await harness.rest('GET', `${GROUPS}/${groupId}`, undefined, A)).body.is_auto_cancel_enabled).to.equal(false);
  });

  it('trigger, limit, delete and list over REST; unknown groups are 404, bad limits 400', async () => {
    const one = await newGroup({ contracts_limit_fp: '10.00' });
    const two = await newGroup({ contracts_limit: 3 });
    const listed = (await harness.rest('GET', GROUPS, undefined, A)).body.order_groups;
    expect(listed.map((group: any) => [group.order_group_id, group.contracts_limit_fp])).to.deep.equal([
      [one, '10.00'],
      [two, '3.00'],
    ]);
    expect((await harness.rest('GET', GROUPS, undefined, B)).body.order_groups).to.deep.equal([]);
    const member = await bid('0.2000', '1.00', one);
    expect((await harness.rest('PUT', `${GROUPS}/${one}/trigger`, undefined, A)).status).to.equal(200);
    expect((await harness.rest('GET', `/portfolio/orders/${member.body.order_id}`, undefined, A)).body.order.status).to.equal('canceled');
    // a limit at or below what was matched triggers at once
    await bid('0.4000', '5.00', two);
    await sell('0.4000', '2.00');
    expect((await harness.rest('PUT', `${GROUPS}/${two}/limit`, { contracts_limit_fp: '2.00' }, A)).status).to.equal(200);
    expect((await harness.rest('GET', `${GROUPS}/${two}`, undefined, A)).body).to.deep.include({ is_auto_cancel_enabled: false, contracts_limit_fp: '2.00' });
    const kept = await bid('0.1000', '1.00', one);
    expect(kept.body.code, 'one is still triggered').to.equal('order_group_triggered');
    await harness.rest('PUT', `${GROUPS}/${one}/reset`, undefined, A);
    const resting = await bid('0.1000', '1.00', one);
    expect((await harness.rest('DELETE', `${GROUPS}/${one}`, undefined, A)).status).to.equal(200);
    expect((await harness.rest('GET', `/portfolio/orders/${resting.body.order_id}`, undefined, A)).body.order.status, 'members go with it').to.equal(
      'canceled',
    );
    expect((await harness.rest('GET', `${GROUPS}/${one}`, undefined, A)).status).to.equal(404);
    expect((await bid('0.1000', '1.00', one)).status).to.equal(404);
    expect((await harness.rest('PUT', `${GROUPS}/${two}/reset`, undefined, B)).status, "another key's group").to.equal(404);
    for (const body of [{}, { contracts_limit: 0 }, { contracts_limit: 2, contracts_limit_fp: '3.00' }, { contracts_limit_fp: 'x' }]) {
      const answer = await harness.rest('POST', `${GROUPS}/create`, body, A);
      expect([answer.status, answer.body.code], JSON.stringify(body)).to.deep.equal([400, 'invalid_parameters']);
    }
    expect((await harness.rest('PUT', `${GROUPS}/${two}/limit`, { contracts_limit: -1 }, A)).status).to.equal(400);
  });
});
