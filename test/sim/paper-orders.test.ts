import { expect } from 'chai';
import { authHeaders } from '../../src/protocol/auth.js';
import { hundredthsToCount, ticksToDollars } from '../../src/protocol/fixed.js';
import { REST_PREFIX } from '../../src/protocol/wire.js';
import { SimHarness, testKey, type TestClient, type TestKey } from './sim-client.js';

const TICKER = 'PAPER-26JAN01-T50';
const ORDERS = `${REST_PREFIX}/portfolio/events/orders`;

describe('sim/paper orders', () => {
  let harness: SimHarness;
  let own: TestClient;
  let other: TestClient;

  beforeEach(async () => {
    harness = await SimHarness.start({ tickers: [TICKER], markets: 0, seed: 3 }, [testKey(0), testKey(1)]);
    own = await harness.connect(testKey(0));
    other = await harness.connect(testKey(1));
    for (const client of [own, other]) {
      await client.command('subscribe', { channels: ['orderbook_delta', 'trade', 'fill', 'market_positions'], market_ticker: TICKER }, 4);
    }
  });

  afterEach(() => harness.close());

  async function call(method: string, path: string, body?: unknown, key: TestKey = testKey(0)): Promise<{ status: number; body: any }> {
    const headers = authHeaders(key.keyId, key.privateKey, harness.clock.now(), method, path);
    const response = await fetch(`http://127.0.0.1:${harness.sim.port}${path}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  function order(fields: Record<string, unknown>): Promise<{ status: number; body: any }> {
    return call('POST', ORDERS, { ticker: TICKER, time_in_force: 'good_till_canceled', ...fields });
  }

  const best = (side: 'yes' | 'no') => harness.sim.bookSnapshot(TICKER)[side].at(-1) ?? [0, 0];

  /** A YES price that rests without crossing, at or above the best YES bid when possible. */
  function restingPrice(): number {
    const [yesBid] = best('yes');
    const [noBid] = best('no');
    const ceiling = noBid > 0 ? 99 - noBid : 99;
    return Math.max(1, Math.min(ceiling, yesBid > 0 ? yesBid : 50));
  }

  it('a crossing bid takes liquidity: deltas (annotated only for its owner), trade, fill and market_position', async () => {
    const [noBid, noSize] = best('no');
    expect(noSize).to.be.at.least(100);
    const answer = await order({ side: 'bid', count: '1.00', price: ticksToDollars(100 - noBid), client_order_id: 'take-1' });
    expect(answer.status).to.equal(201);
    expect(answer.body).to.deep.include({
      client_order_id: 'take-1',
      fill_count: '1.00',
      remaining_count: '0.00',
      average_fill_price: ticksToDollars(100 - noBid),
    });
    expect(answer.body.order_id).to.match(/^[0-9a-f-]{36}$/);
    expect(answer.body.ts_ms).to.equal(harness.clock.now());
    expect(best('no')).to.deep.equal(noSize === 100 ? best('no') : [noBid, noSize - 100]);
    await own.sync();
    await other.sync();
    const ownDelta = own.frames.find((frame) => frame.type === 'orderbook_delta')!;
    expect(ownDelta.msg).to.deep.include({ side: 'no', price_dollars: ticksToDollars(noBid), delta_fp: '-1.00', client_order_id: 'take-1' });
    const otherDelta = other.frames.find((frame) => frame.type === 'orderbook_delta')!;
    expect(otherDelta.msg).to.not.have.property('client_order_id');
    expect(otherDelta.msg.delta_fp).to.equal('-1.00');
    const fill = own.frames.find((frame) => frame.type === 'fill')!;
    expect(fill).to.not.have.property('seq');
    expect(fill.msg).to.deep.include({
      order_id: answer.body.order_id,
      client_order_id: 'take-1',
      market_ticker: TICKER,
      is_taker: true,
      yes_price_dollars: ticksToDollars(100 - noBid),
      count_fp: '1.00',
      post_position_fp: '1.00',
      outcome_side: 'yes',
      book_side: 'bid',
    });
    expect(fill.msg.fee_cost).to.match(/^\d\.\d{6}$/);
    const position = own.frames.find((frame) => frame.type === 'market_position')!;
    expect(position.msg).to.deep.include({ position_fp: '1.00', position_cost_dollars: ticksToDollars(100 - noBid), volume_fp: '1.00' });
    expect(other.frames.filter((frame) => frame.type === 'fill' || frame.type === 'market_position')).to.deep.equal([]);
    const trade = own.frames.find((frame) => frame.type === 'trade')!;
    expect(trade.msg).to.deep.include({ count_fp: '1.00', taker_side: 'yes', yes_price_dollars: ticksToDollars(100 - noBid) });
  });

  it('an ask sells YES against the best YES bid and leaves a NO position', async () => {
    const [yesBid] = best('yes');
    const answer = await order({ side: 'ask', count: '1.00', price: ticksToDollars(yesBid), time_in_force: 'immediate_or_cancel' });
    expect(answer.body).to.deep.include({ fill_count: '1.00', remaining_count: '0.00' });
    await own.sync();
    const position = own.frames.find((frame) => frame.type === 'market_position')!;
    expect(position.msg).to.deep.include({ position_fp: '-1.00', position_cost_dollars: ticksToDollars(100 - yesBid) });
    const fill = own.frames.find((frame) => frame.type === 'fill')!;
    expect(fill.msg).to.deep.include({ outcome_side: 'no', book_side: 'ask', yes_price_dollars: ticksToDollars(yesBid) });
  });

  it('rejects a crossing post_only order with PostOnlyCrossCancel and leaves the book alone', async () => {
    const before = harness.sim.bookSnapshot(TICKER);
    const [noBid] = best('no');
    const answer = await order({ side: 'bid', count: '1.00', price: ticksToDollars(100 - noBid), post_only: true });
    expect(answer.status).to.equal(400);
    expect(answer.body).to.deep.include({ code: 'post_only_cross' });
    expect(answer.body.message).to.match(/PostOnlyCrossCancel/);
    expect(harness.sim.bookSnapshot(TICKER)).to.deep.equal(before);
  });

  it('a resting order joins its level, is annotated for its owner, and fills when simulated takers trade through it', async () => {
    const price = restingPrice();
    const ahead = harness.sim.bookSnapshot(TICKER).yes.find(([level]) => level === price)?.[1] ?? 0;
    const answer = await order({ side: 'bid', count: '2.00', price: ticksToDollars(price), post_only: true, client_order_id: 'rest-1' });
    expect(answer.body).to.deep.include({ fill_count: '0.00', remaining_count: '2.00' });
    expect(harness.sim.bookSnapshot(TICKER).yes.find(([level]) => level === price)![1]).to.equal(ahead + 200);
    await own.sync();
    expect(own.frames.find((frame) => frame.type === 'orderbook_delta')!.msg).to.deep.include({
      side: 'yes',
      price_dollars: ticksToDollars(price),
      delta_fp: '2.00',
      client_order_id: 'rest-1',
    });
    let rounds = 0;
    while (!own.frames.some((frame) => frame.type === 'fill') && rounds < 200) {
      harness.sim.step(50);
      await own.sync();
      rounds += 1;
    }
    const fill = own.frames.find((frame) => frame.type === 'fill')!;
    expect(fill.msg).to.deep.include({
      order_id: answer.body.order_id,
      client_order_id: 'rest-1',
      is_taker: false,
      yes_price_dollars: ticksToDollars(price),
      fee_cost: '0.000000',
    });
    const trades = own.frames.filter((frame) => frame.type === 'trade' && frame.msg.trade_id === fill.msg.trade_id);
    expect(trades).to.have.length(1);
    expect(trades[0]!.msg.taker_side).to.equal('no');
  });

  it('cancel removes the rest of an order (reduced_by), once; other accounts and unknown ids get 404', async () => {
    const placed = await order({ side: 'bid', count: '2.50', price: '0.0100', client_order_id: 'far-1' });
    expect(placed.body.remaining_count).to.equal('2.50');
    const path = `${ORDERS}/${placed.body.order_id}`;
    expect((await call('DELETE', path, undefined, testKey(1))).status).to.equal(404);
    const cancelled = await call('DELETE', path);
    expect(cancelled).to.deep.include({ status: 200 });
    expect(cancelled.body).to.deep.include({ order_id: placed.body.order_id, client_order_id: 'far-1', reduced_by: '2.50' });
    await own.sync();
    const deltas = own.frames.filter((frame) => frame.type === 'orderbook_delta' && frame.msg.client_order_id === 'far-1');
    expect(deltas.map((frame) => frame.msg.delta_fp)).to.deep.equal(['2.50', '-2.50']);
    expect((await call('DELETE', path)).body.reduced_by).to.equal('0.00');
    expect((await call('DELETE', `${ORDERS}/no-such-order`)).status).to.equal(404);
  });

  it('immediate_or_cancel never rests; fill_or_kill fills entirely or not at all', async () => {
    const before = harness.sim.bookSnapshot(TICKER);
    const ioc = await order({ side: 'bid', count: '1.00', price: '0.0100', time_in_force: 'immediate_or_cancel' });
    expect(ioc.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    const [noBid] = best('no');
    const total = before.no.reduce((sum, [, size]) => sum + size, 0);
    const kill = await order({ side: 'bid', count: hundredthsToCount(total + 100), price: '0.9900', time_in_force: 'fill_or_kill' });
    expect(kill.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    expect(harness.sim.bookSnapshot(TICKER)).to.deep.equal(before);
    const fill = await order({ side: 'bid', count: '1.00', price: ticksToDollars(100 - noBid), time_in_force: 'fill_or_kill' });
    expect(fill.body.fill_count).to.equal('1.00');
  });

  it('reduce_only caps the size at the position it reduces, and is refused without one', async () => {
    const [yesBid] = best('yes');
    const refused = await order({ side: 'ask', count: '1.00', price: ticksToDollars(yesBid), reduce_only: true });
    expect(refused).to.deep.include({ status: 400 });
    expect(refused.body.message).to.match(/ReduceOnlyCancel/);
    harness.sim.setPosition(TICKER, 50, 2500, testKey(0).keyId);
    const capped = await order({ side: 'ask', count: '5.00', price: ticksToDollars(yesBid), reduce_only: true, time_in_force: 'immediate_or_cancel' });
    expect(capped.body.fill_count).to.equal('0.50');
    await own.sync();
    expect(own.frames.filter((frame) => frame.type === 'market_position').at(-1)!.msg.position_fp).to.equal('0.00');
  });

  it('self-trade prevention: taker_at_cross stops the taker, maker cancels the resting order', async () => {
    for (let steps = 0; 100 - best('yes')[0] - best('no')[0] < 2 && steps < 1000; steps += 1) harness.sim.step(1);
    const price = best('yes')[0] + 1;
    expect(price + best('no')[0]).to.be.below(100);
    await order({ side: 'bid', count: '1.00', price: ticksToDollars(price), client_order_id: 'mine' });
    expect(best('yes')).to.deep.equal([price, 100]);
    const stopped = await order({ side: 'ask', count: '1.00', price: ticksToDollars(price), self_trade_prevention_type: 'taker_at_cross' });
    expect(stopped.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    expect(best('yes')).to.deep.equal([price, 100]);
    const cancelling = await order({
      side: 'ask',
      count: '1.00',
      price: ticksToDollars(price),
      self_trade_prevention_type: 'maker',
      time_in_force: 'immediate_or_cancel',
    });
    expect(cancelling.body).to.deep.include({ fill_count: '0.00', remaining_count: '0.00' });
    expect(best('yes')[0]).to.be.below(price);
  });

  it('answers bad orders with 400/404/409 and a code', async () => {
    const cases: Array<[Record<string, unknown> | string, number, string]> = [
      [{ side: 'buy', count: '1.00', price: '0.5000' }, 400, 'invalid_order'],
      [{ side: 'bid', count: 'ten', price: '0.5000' }, 400, 'invalid_order_size'],
      [{ side: 'bid', count: '0.00', price: '0.5000' }, 400, 'invalid_order_size'],
      [{ side: 'bid', count: '1.00', price: '0.4250' }, 400, 'invalid_order'],
      [{ side: 'bid', count: '1.00', price: '1.0000' }, 400, 'invalid_order'],
      [{ side: 'bid', count: '1.00', price: '0.5000', time_in_force: 'GTT' }, 400, 'invalid_order'],
      [{ side: 'bid', count: '1.00', price: '0.5000', ticker: 'NOPE-1' }, 404, 'market_not_found'],
    ];
    for (const [fields, status, code] of cases) {
      const answer = await order(fields as Record<string, unknown>);
      expect([answer.status, answer.body.code], JSON.stringify(fields)).to.deep.equal([status, code]);
    }
    const notJson = await call('POST', ORDERS, '{"ticker":');
    expect([notJson.status, notJson.body.code]).to.deep.equal([400, 'invalid_json']);
    await order({ side: 'bid', count: '1.00', price: '0.0100', client_order_id: 'dup' });
    const duplicate = await order({ side: 'bid', count: '1.00', price: '0.0100', client_order_id: 'dup' });
    expect([duplicate.status, duplicate.body.code]).to.deep.equal([409, 'duplicate_client_order_id']);
    harness.sim.closeMarket(TICKER);
    const closed = await order({ side: 'bid', count: '1.00', price: '0.0100' });
    expect([closed.status, closed.body.code]).to.deep.equal([400, 'market_closed']);
  });

  it('refuses a REST signature made over another path', async () => {
    const key = testKey(0);
    const headers = authHeaders(key.keyId, key.privateKey, harness.clock.now(), 'POST', `${REST_PREFIX}/portfolio/orders`);
    const response = await fetch(`http://127.0.0.1:${harness.sim.port}${ORDERS}`, { method: 'POST', headers, body: '{}' });
    expect(response.status).to.equal(401);
    expect(((await response.json()) as { message: string }).message).to.equal('bad signature');
  });
});
