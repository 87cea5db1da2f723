import { expect } from 'chai';
import { SimHarness, testKey, type Frame, type TestClient, type TestKey } from '../sim-client.js';

const TICKER = 'VENUE-26JAN01-T50';
const OTHER = 'VENUE-26JAN01-T60';
const ORDERS = '/portfolio/events/orders';
const [A, B, C] = [testKey(0), testKey(1), testKey(2)];

describe('sim/venue order entry over REST', () => {
  let harness: SimHarness;
  let clients: Map<TestKey, TestClient>;

  beforeEach(async () => {
    harness = await SimHarness.start({ tickers: [TICKER, OTHER], markets: 0, seed: 5, crowd: false, rateLimit: 'off' }, [A, B, C]);
    clients = new Map();
    for (const key of [A, B, C]) {
      const client = await harness.connect(key);
      await client.command('subscribe', { channels: ['orderbook_delta', 'fill', 'market_positions', 'user_orders'], market_tickers: [TICKER, OTHER] }, 4);
      clients.set(key, client);
    }
  });

  afterEach(() => harness.close());

  const create = (key: TestKey, fields: Record<string, unknown>) =>
    harness.rest('POST', ORDERS, { ticker: TICKER, time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', ...fields }, key);

  async function framesOf(key: TestKey, type: string): Promise<Frame[]> {
    const client = clients.get(key)!;
    await client.sync();
    return client.frames.filter((frame) => frame.type === type);
  }

  it('a crossing bid fills at the maker price: answers, fills, positions, user orders, balances, and the reads agree', async () => {
    // B offers 10 YES at 45 (a NO bid at 55); A bids 4 YES at 46
    const resting = await create(B, { side: 'ask', price: '0.4500', count: '10.00', client_order_id: 'b-1' });
    expect(resting.status).to.equal(201);
    expect(resting.body).to.deep.include({ client_order_id: 'b-1', fill_count: '0.00', remaining_count: '10.00' });
    const taken = await create(A, { side: 'bid', price: '0.4600', count: '4.00', client_order_id: 'a-1' });
    expect(taken.status).to.equal(201);
    // taker fee 0.07 x 4 x 0.45 x 0.55 = $0.069300, $0.017325 a contract
    expect(taken.body).to.deep.include({
      client_order_id: 'a-1',
      fill_count: '4.00',
      remaining_count: '0.00',
      average_fill_price: '0.4500',
      average_fee_paid: '0.017325',
    });

    const [takerFill] = await framesOf(A, 'fill');
    expect(takerFill!.msg).to.deep.include({
      order_id: taken.body.order_id,
      client_order_id: 'a-1',
      is_taker: true,
      yes_price_dollars: '0.4500',
      count_fp: '4.00',
      fee_cost: '0.069300',
      post_position_fp: '4.00',
      outcome_side: 'yes',
      book_side: 'bid',
    });
    const [makerFill] = await framesOf(B, 'fill');
    expect(makerFill!.msg).to.deep.include({
      trade_id: takerFill!.msg.trade_id,
      is_taker: false,
      fee_cost: '0.000000',
      post_position_fp: '-4.00',
      outcome_side: 'no',
      book_side: 'ask',
    });

    const takerOrders = await framesOf(A, 'user_order');
    expect(takerOrders).to.have.length(1);
    expect(takerOrders[0]).to.not.have.property('seq');
    expect(takerOrders[0]!.msg).to.deep.include({
      order_id: taken.body.order_id,
      ticker: TICKER,
      status: 'executed',
      side: 'yes',
      is_yes: true,
      book_side: 'bid',
      yes_price_dollars: '0.4600',
      fill_count_fp: '4.00',
      remaining_count_fp: '0.00',
      initial_count_fp: '4.00',
      taker_fill_cost_dollars: '1.800000',
      taker_fees_dollars: '0.069300',
      maker_fees_dollars: '0.000000',
      client_order_id: 'a-1',
      self_trade_prevention_type: 'taker_at_cross',
      last_update_reason: 'Trade',
    });
    const makerOrders = (await framesOf(B, 'user_order')).map((frame) => frame.msg);
    expect(makerOrders.map((msg) => [msg.status, msg.fill_count_fp, msg.remaining_count_fp, msg.last_update_reason])).to.deep.equal([
      ['resting', '0.00', '10.00', undefined],
      ['resting', '4.00', '6.00', 'Trade'],
    ]);
    expect(makerOrders[1]).to.deep.include({ side: 'no', is_yes: false, outcome_side: 'no', maker_fill_cost_dollars: '2.200000' });

    const [position] = await framesOf(A, 'market_position');
    expect(position!.msg).to.deep.include({
      position_fp: '4.00',
      position_cost_dollars: '1.8000',
      fees_paid_dollars: '0.069300',
      realized_pnl_dollars: '-0.069300',
    });

    // A paid $1.80 and the fee rounded up to $0.0001; B paid $2.20 for 4 NO and holds $3.30 for the 6 still bid
    expect((await harness.rest('GET', '/portfolio/balance', undefined, A)).body).to.deep.include({ balance: 9_999_813, balance_dollars: '99998.1307' });
    expect((await harness.rest('GET', '/portfolio/balance', undefined, B)).body).to.deep.include({ balance: 9_999_450, balance_dollars: '99994.5000' });

    const listed = await harness.rest('GET', '/portfolio/orders', undefined, A);
    expect(listed.body.orders).to.have.length(1);
    expect(listed.body.orders[0]).to.deep.include({ order_id: taken.body.order_id, status: 'executed', fill_count_fp: '4.00', taker_fees_dollars: '0.069300' });
    expect(listed.body.cursor).to.equal('');
    const one = await harness.rest('GET', `/portfolio/orders/${resting.body.order_id}`, undefined, B);
    expect(one.body.order).to.deep.include({ status: 'resting', remaining_count_fp: '6.00', client_order_id: 'b-1' });
    expect((await harness.rest('GET', `/portfolio/orders/${resting.body.order_id}`, undefined, A)).status).to.equal(404);

    const fills = await harness.rest('GET', '/portfolio/fills', undefined, A);
    expect(fills.body.fills).to.have.length(1);
    expect(fills.body.fills[0]).to.deep.include({
      fill_id: takerFill!.msg.trade_id,
      order_id: taken.body.order_id,
      fee_cost: '0.069300',
      is_taker: true,
      count_fp: '4.00',
    });
    expect(fills.body.fills[0]).to.not.have.property('client_order_id');
    expect((await harness.rest('GET', `/portfolio/fills?order_id=${resting.body.order_id}`, undefined, B)).body.fills).to.have.length(1);
    expect((await harness.rest('GET', `/portfolio/fills?order_id=${taken.body.order_id}`, undefined, B)).body.fills).to.have.length(0);

    const positions = await harness.rest('GET', '/portfolio/positions', undefined, A);
    expect(positions.body.market_positions).to.deep.equal([
      {
        ticker: TICKER,
        position_fp: '4.00',
        market_exposure_dollars: '1.8000',
        realized_pnl_dollars: '-0.069300',
        fees_paid_dollars: '0.069300',
        total_traded_dollars: '1.8000',
        resting_orders_count: 0,
        last_updated_ts: new Date(harness.clock.now()).toISOString(),
      },
    ]);
    expect(positions.body.event_positions[0]).to.deep.include({ event_ticker: 'VENUE-26JAN01', event_exposure_dollars: '1.8000' });
  });

  it('amend: a smaller size keeps the queue place, a larger one loses it, a crossing price trades', async () => {
    const first = await create(B, { side: 'ask', price: '0.4500', count: '2.00' });
    const second = await create(C, { side: 'ask', price: '0.4500', count: '2.00' });
    const amend = (key: TestKey, orderId: string, fields: Record<string, unknown>) =>
      harness.rest('POST', `${ORDERS}/${orderId}/amend`, { ticker: TICKER, side: 'ask', price: '0.4500', ...fields }, key);
    const smaller = await amend(B, first.body.order_id, { count: '1.00' });
    expect(smaller.status).to.equal(200);
    expect(smaller.body).to.deep.include({ order_id: first.body.order_id, remaining_count: '1.00', fill_count: '0.00' });
    await create(A, { side: 'bid', price: '0.4500', count: '1.00', time_in_force: 'immediate_or_cancel' });
    expect((await framesOf(B, 'fill')).length, 'B was still first').to.equal(1);
    // B's order is now filled 1 of 1: nothing rests to amend
    expect((await amend(B, first.body.order_id, { count: '1.00' })).status, 'executed').to.equal(400);
    const third = await create(B, { side: 'ask', price: '0.4500', count: '1.00' });
    // the queue at 45 is C (2.00), then B (1.00); C raising its size sends it behind B
    const larger = await amend(C, second.body.order_id, { count: '3.00' });
    expect(larger.body).to.deep.include({ remaining_count: '3.00' });
    await create(A, { side: 'bid', price: '0.4500', count: '1.00', time_in_force: 'immediate_or_cancel' });
    const bFills = await framesOf(B, 'fill');
    expect(
      bFills.map((frame) => frame.msg.order_id),
      'B is ahead now',
    ).to.deep.equal([first.body.order_id, third.body.order_id]);
    expect(await framesOf(C, 'fill')).to.deep.equal([]);
    const reasons = (await framesOf(C, 'user_order')).map((frame) => frame.msg.last_update_reason);
    expect(reasons).to.deep.equal([undefined, 'Amend']);

    // A bids 1 YES at 40, then amends it up to 45 and takes C's last contract
    const bid = await create(A, { side: 'bid', price: '0.4000', count: '1.00', client_order_id: 'a-amend' });
    const crossing = await harness.rest(
      'POST',
      `${ORDERS}/${bid.body.order_id}/amend`,
      { ticker: TICKER, side: 'bid', price: '0.4500', count: '1.00', updated_client_order_id: 'a-amend-2' },
      A,
    );
    expect(crossing.body).to.deep.include({ client_order_id: 'a-amend-2', fill_count: '1.00', remaining_count: '0.00', average_fill_price: '0.4500' });
    expect((await harness.rest('GET', `/portfolio/orders/${bid.body.order_id}`, undefined, A)).body.order).to.deep.include({
      status: 'executed',
      yes_price_dollars: '0.4500',
    });
  });

  it('amend and decrease refuse what does not fit the order', async () => {
    const order = await create(A, { side: 'bid', price: '0.3000', count: '5.00', client_order_id: 'mine' });
    const path = `${ORDERS}/${order.body.order_id}/amend`;
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ticker: OTHER, side: 'bid', price: '0.3000', count: '5.00' }, 400, 'order_ticker_mismatch'],
      [{ ticker: TICKER, side: 'ask', price: '0.3000', count: '5.00' }, 400, 'order_side_mismatch'],
      [{ ticker: TICKER, side: 'bid', price: '0.3000', count: '0.00' }, 400, 'invalid_order_size'],
      [{ ticker: TICKER, side: 'bid', price: '0.3050', count: '5.00' }, 400, 'invalid_order'],
      [{ ticker: TICKER, side: 'bid', price: '0.3000', count: '5.00', client_order_id: 'not-mine' }, 400, 'invalid_order'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await harness.rest('POST', path, body, A);
      expect([answer.status, answer.body.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    await create(A, { side: 'bid', price: '0.2000', count: '1.00', client_order_id: 'taken' });
    const duplicate = await harness.rest('POST', path, { ticker: TICKER, side: 'bid', price: '0.3000', count: '5.00', updated_client_order_id: 'taken' }, A);
    expect([duplicate.status, duplicate.body.code]).to.deep.equal([409, 'duplicate_client_order_id']);
    expect((await harness.rest('POST', `${ORDERS}/nope/amend`, cases[0]![0], A)).status).to.equal(404);
    expect((await harness.rest('POST', path, { ticker: TICKER, side: 'bid', price: '0.3000', count: '5.00' }, B)).status, "another key's order").to.equal(404);

    const decrease = `${ORDERS}/${order.body.order_id}/decrease`;
    expect((await harness.rest('POST', decrease, { reduce_by: '1.00', reduce_to: '1.00' }, A)).body.code).to.equal('invalid_order');
    expect((await harness.rest('POST', decrease, { reduce_to: '9.00' }, A)).body.code).to.equal('invalid_order_size');
    expect((await harness.rest('POST', decrease, { reduce_by: '2.00' }, A)).body).to.deep.include({ remaining_count: '3.00', client_order_id: 'mine' });
    expect((await harness.rest('POST', decrease, { reduce_to: '1.00' }, A)).body.remaining_count).to.equal('1.00');
    expect(harness.sim.bookSnapshot(TICKER).yes).to.deep.equal([
      [20, 100],
      [30, 100],
    ]);
    expect((await harness.rest('POST', decrease, { reduce_to: '0' }, A)).body.remaining_count).to.equal('0.00');
    const last = (await framesOf(A, 'user_order')).filter((frame) => frame.msg.order_id === order.body.order_id).at(-1)!;
    expect(last.msg).to.deep.include({ status: 'canceled', last_update_reason: 'Decrease', remaining_count_fp: '0.00' });
    expect((await harness.rest('POST', decrease, { reduce_by: '1.00' }, A)).body.code).to.equal('invalid_order');
  });

  it('batch create answers each order (errors in place), batch cancel likewise, in both body forms', async () => {
    const batch = await harness.rest(
      'POST',
      `${ORDERS}/batched`,
      {
        orders: [
          { ticker: TICKER, side: 'bid', price: '0.3000', count: '1.00', time_in_force: 'good_till_canceled', client_order_id: 'x1' },
          { ticker: TICKER, side: 'bid', price: '1.5000', count: '1.00', time_in_force: 'good_till_canceled', client_order_id: 'x2' },
          { ticker: OTHER, side: 'ask', price: '0.7000', count: '2.50', time_in_force: 'good_till_canceled', client_order_id: 'x3' },
        ],
      },
      A,
    );
    expect(batch.status).to.equal(201);
    const [one, bad, three] = batch.body.orders;
    expect(one).to.deep.include({ client_order_id: 'x1', remaining_count: '1.00', error: null });
    expect(bad).to.deep.include({ order_id: null, client_order_id: 'x2' });
    expect(bad.error).to.deep.include({ code: 'invalid_order' });
    expect(three).to.deep.include({ client_order_id: 'x3', remaining_count: '2.50', error: null });
    const cancelled = await harness.rest('DELETE', `${ORDERS}/batched`, { orders: [{ order_id: one.order_id }, { order_id: 'unknown' }] }, A);
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.orders[0]).to.deep.include({ order_id: one.order_id, client_order_id: 'x1', reduced_by: '1.00', error: null });
    expect(cancelled.body.orders[1]).to.deep.include({ order_id: 'unknown', reduced_by: '0.00' });
    expect(cancelled.body.orders[1].error).to.deep.include({ code: 'not_found' });
    const legacy = await harness.rest('DELETE', `${ORDERS}/batched`, { ids: [three.order_id] }, A);
    expect(legacy.body.orders[0]).to.deep.include({ reduced_by: '2.50' });
    expect((await harness.rest('POST', `${ORDERS}/batched`, { orders: [] }, A)).status).to.equal(400);
    expect((await harness.rest('POST', `${ORDERS}/batched`, { order: [] }, A)).body.code).to.equal('invalid_parameters');
  });

  it('cancel-all answers 204 with no body and cancels every resting order of the key (or of one market)', async () => {
    for (const [ticker, price] of [
      [TICKER, '0.2000'],
      [TICKER, '0.2100'],
      [OTHER, '0.2200'],
    ] as const) {
      await harness.rest('POST', ORDERS, { ticker, side: 'bid', price, count: '1.00', time_in_force: 'good_till_canceled' }, A);
    }
    const others = await create(B, { side: 'bid', price: '0.2000', count: '1.00' });
    const onlyOne = await harness.rest('DELETE', `${ORDERS}?ticker=${OTHER}`, undefined, A);
    expect([onlyOne.status, onlyOne.body]).to.deep.equal([204, undefined]);
    expect((await harness.rest('GET', '/portfolio/orders?status=resting', undefined, A)).body.orders.map((order: any) => order.ticker)).to.deep.equal([
      TICKER,
      TICKER,
    ]);
    expect((await harness.rest('DELETE', ORDERS, undefined, A)).status).to.equal(204);
    expect((await harness.rest('GET', '/portfolio/orders?status=resting', undefined, A)).body.orders).to.deep.equal([]);
    expect((await harness.rest('GET', `/portfolio/orders/${others.body.order_id}`, undefined, B)).body.order.status).to.equal('resting');
    expect(harness.sim.bookSnapshot(TICKER).yes).to.deep.equal([[20, 100]]);
  });

  it('lists orders newest first with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const ticker = index % 2 === 0 ? TICKER : OTHER;
      ids.push(
        (await harness.rest('POST', ORDERS, { ticker, side: 'bid', price: `0.1${index}00`, count: '1.00', time_in_force: 'good_till_canceled' }, A)).body
          .order_id,
      );
      harness.clock.advance(2000);
    }
    await harness.rest('DELETE', `${ORDERS}/${ids[0]}`, undefined, A);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const answer = await harness.rest('GET', `/portfolio/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, A);
      seen.push(...answer.body.orders.map((order: any) => order.order_id));
      cursor = answer.body.cursor;
      pages += 1;
    } while (cursor !== '' && pages < 10);
    expect(seen).to.deep.equal([...ids].reverse());
    expect(pages).to.equal(3);
    const other = await harness.rest('GET', `/portfolio/orders?ticker=${OTHER}`, undefined, A);
    expect(other.body.orders.map((order: any) => order.order_id)).to.deep.equal([ids[3], ids[1]]);
    expect(
      (await harness.rest('GET', '/portfolio/orders?event_ticker=VENUE-26JAN01&status=canceled', undefined, A)).body.orders.map((order: any) => order.order_id),
    ).to.deep.equal([ids[0]]);
    const createdSeconds = (at: number) => Math.floor((harness.clock.now() - (5 - at) * 2000) / 1000);
    const window = await harness.rest('GET', `/portfolio/orders?min_ts=${createdSeconds(1)}&max_ts=${createdSeconds(2)}`, undefined, A);
    expect(window.body.orders.map((order: any) => order.order_id)).to.deep.equal([ids[2], ids[1]]);
    for (const bad of ['limit=0', 'limit=1001', 'cursor=zzz', 'status=open', 'min_ts=soon']) {
      const answer = await harness.rest('GET', `/portfolio/orders?${bad}`, undefined, A);
      expect([answer.status, answer.body.code], bad).to.deep.equal([400, 'invalid_parameters']);
    }
    expect((await harness.rest('GET', '/portfolio/orders', undefined, B)).body.orders).to.deep.equal([]);
  });

  it('self-trade prevention over REST: maker cancels its own resting order (SelfTradeCancel) and trades on', async () => {
    await create(A, { side: 'ask', price: '0.4500', count: '1.00', client_order_id: 'own-ask' });
    await create(B, { side: 'ask', price: '0.4600', count: '1.00' });
    const taker = await create(A, { side: 'bid', price: '0.4600', count: '1.00', self_trade_prevention_type: 'maker' });
    expect(taker.body).to.deep.include({ fill_count: '1.00', average_fill_price: '0.4600' });
    const own = (await framesOf(A, 'user_order')).find((frame) => frame.msg.client_order_id === 'own-ask' && frame.msg.status === 'canceled')!;
    expect(own.msg.last_update_reason).to.equal('SelfTradeCancel');
    const stopped = await create(A, { side: 'ask', price: '0.5000', count: '1.00' });
    const again = await create(A, { side: 'bid', price: '0.5000', count: '1.00' });
    expect(again.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    const last = (await framesOf(A, 'user_order')).filter((frame) => frame.msg.order_id === again.body.order_id).at(-1)!;
    expect(last.msg).to.deep.include({ status: 'canceled', last_update_reason: 'SelfTradeCancel' });
    expect((await harness.rest('GET', `/portfolio/orders/${stopped.body.order_id}`, undefined, A)).body.order.status).to.equal('resting');
  });

  it('IOC and FOK report their fate in user_order; post-only and reduce-only refusals create nothing', async () => {
    const ioc = await create(A, { side: 'bid', price: '0.4000', count: '1.00', time_in_force: 'immediate_or_cancel' });
    expect(ioc.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    const [update] = (await framesOf(A, 'user_order')).map((frame) => frame.msg);
    expect(update).to.deep.include({ status: 'canceled', last_update_reason: 'ExpiryCancel' });
    const crossed = await create(B, { side: 'ask', price: '0.4000', count: '1.00' });
    const postOnly = await create(A, { side: 'bid', price: '0.4000', count: '1.00', post_only: true });
    expect([postOnly.status, postOnly.body.code]).to.deep.equal([400, 'post_only_cross']);
    const reduceOnly = await create(A, { side: 'ask', price: '0.4000', count: '1.00', reduce_only: true });
    expect(reduceOnly.status).to.equal(400);
    expect(reduceOnly.body.message).to.match(/ReduceOnlyCancel/);
    expect((await framesOf(A, 'user_order')).length, 'nothing announced for refusals').to.equal(1);
    expect((await harness.rest('GET', `/portfolio/orders/${crossed.body.order_id}`, undefined, B)).body.order.remaining_count_fp).to.equal('1.00');
  });
});
