import { expect } from 'chai';
import { authHeaders } from '../../../src/protocol/auth.js';
import { REST_PREFIX } from '../../../src/protocol/wire.js';
import { RATE_TIERS, TokenBucket, WriteLimiter } from '../../../src/sim/venue/rate-limit.js';
import { SimHarness, testKey } from '../sim-client.js';

const TICKER = 'RATE-26JAN01-T50';
const ORDERS = '/portfolio/events/orders';
const [A, B] = [testKey(0), testKey(1)];

describe('sim/venue write budget', () => {
  describe('token bucket', () => {
    it('starts full, refills at its rate to its capacity, takes a cost only when all of it is there', () => {
      const bucket = new TokenBucket(100, 200, 0);
      expect(bucket.tokens(0)).to.equal(200);
      expect(bucket.tryTake(150, 0)).to.equal(true);
      expect(bucket.tryTake(60, 0)).to.equal(false);
      expect(bucket.tokens(0), 'a refused take costs nothing').to.equal(50);
      expect(bucket.tokens(1)).to.equal(50.1);
      expect(bucket.tryTake(60, 100)).to.equal(true);
      expect(bucket.tokens(100)).to.equal(0);
      expect(bucket.tokens(60_000)).to.equal(200);
      expect(() => new TokenBucket(0, 1, 0)).to.throw(RangeError);
    });

    it('gives each key two seconds of its tier, and batches up to a full bucket', () => {
      const limiter = new WriteLimiter('premier');
      expect([limiter.ratePerSecond, limiter.capacity, limiter.maxBatchItems(10)]).to.deep.equal([1000, 2000, 200]);
      expect(RATE_TIERS.prestige).to.equal(8000);
      expect(limiter.admit('a', 2000, 0)).to.equal(true);
      expect(limiter.admit('a', 1, 0)).to.equal(false);
      expect(limiter.admit('b', 2000, 0), 'another key has its own bucket').to.equal(true);
      expect(limiter.admit('a', 10, 10)).to.equal(true);
    });
  });

  describe('over REST', () => {
    let harness: SimHarness;
    afterEach(() => harness.close());

    const create = (price: number, key = A) =>
      harness.rest(
        'POST',
        ORDERS,
        { ticker: TICKER, side: 'bid', price: `0.${String(price).padStart(2, '0')}00`, count: '1.00', time_in_force: 'good_till_canceled' },
        key,
      );

    it('basic (the default): 20 creates at once, then exactly 429 {"error":"too many requests"} with no Retry-After; refills with time', async () => {
      harness = await SimHarness.start({ tickers: [TICKER], markets: 0, crowd: false, pingIntervalMs: 0 }, [A, B]);
      const ids: string[] = [];
      for (let index = 0; index < 19; index += 1) {
        const answer = await create(10 + index);
        expect(answer.status, `create ${index}`).to.equal(201);
        ids.push(answer.body.order_id);
      }
      // 190 of 200 tokens spent: five cancels at 2 fit, a create no more
      for (const orderId of ids.slice(0, 5)) expect((await harness.rest('DELETE', `${ORDERS}/${orderId}`, undefined, A)).status).to.equal(200);
      const path = `${ORDERS}`;
      const refused = await fetch(`${harness.sim.restUrl}/portfolio/events/orders`, {
        method: 'POST',
        headers: { ...signed(harness, path), 'Content-Type': 'application/json' },
        body: JSON.stringify({ ticker: TICKER, side: 'bid', price: '0.0500', count: '1.00', time_in_force: 'good_till_canceled' }),
      });
      expect(refused.status).to.equal(429);
      expect(await refused.text()).to.equal('{"error":"too many requests"}');
      expect(refused.headers.get('retry-after')).to.equal(null);
      expect([...refused.headers.keys()].filter((name) => name.startsWith('x-ratelimit'))).to.deep.equal([]);
      expect((await harness.rest('DELETE', `${ORDERS}/${ids[6]}`, undefined, A)).status, 'cancels too').to.equal(429);
      expect((await harness.rest('GET', '/portfolio/orders', undefined, A)).status, 'reads are not billed').to.equal(200);
      expect((await create(50, B)).status, "another key's budget").to.equal(201);
      harness.clock.advance(99);
      expect((await create(51)).status).to.equal(429);
      harness.clock.advance(1);
      expect((await create(51)).status, '100 ms refill 10 tokens').to.equal(201);
    });

    it('a batch is billed per item and admitted only whole; a batch bigger than the bucket is refused outright', async () => {
      harness = await SimHarness.start({ tickers: [TICKER], markets: 0, crowd: false, pingIntervalMs: 0 }, [A]);
      for (let index = 0; index < 18; index += 1) expect((await create(10 + index)).status).to.equal(201);
      const order = (price: number) => ({ ticker: TICKER, side: 'bid', price: `0.${price}00`, count: '1.00', time_in_force: 'good_till_canceled' });
      const three = await harness.rest('POST', `${ORDERS}/batched`, { orders: [order(60), order(61), order(62)] }, A);
      expect(three.status).to.equal(429);
      expect((await harness.rest('GET', '/portfolio/orders?limit=1000', undefined, A)).body.orders, 'nothing of it was placed').to.have.length(18);
      const two = await harness.rest('POST', `${ORDERS}/batched`, { orders: [order(60), order(61)] }, A);
      expect([two.status, two.body.orders.length]).to.deep.equal([201, 2]);
      harness.clock.advance(10_000);
      const tooBig = await harness.rest('POST', `${ORDERS}/batched`, { orders: Array.from({ length: 21 }, (_, index) => order(10 + index)) }, A);
      expect([tooBig.status, tooBig.body.code]).to.deep.equal([400, 'invalid_parameters']);
      expect(tooBig.body.message).to.match(/at most 20/);
    });

    it('a higher tier, or none when asked', async () => {
      harness = await SimHarness.start({ tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'advanced' }, [A]);
      const answers = await Promise.all(Array.from({ length: 61 }, (_, index) => create(10 + (index % 80))));
      expect(answers.filter((answer) => answer.status === 201)).to.have.length(60);
      expect(answers.filter((answer) => answer.status === 429)).to.have.length(1);
      await harness.close();
      harness = await SimHarness.start({ tickers: [TICKER], markets: 0, crowd: false, rateLimit: 'off' }, [A]);
      const unlimited = await Promise.all(Array.from({ length: 150 }, (_, index) => create(10 + (index % 80))));
      expect(unlimited.every((answer) => answer.status === 201)).to.equal(true);
      let message = '';
      try {
        await SimHarness.start({ rateLimit: 'gold' as never });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(/rateLimit must be 'off' or one of basic, advanced/);
    });
  });
});

function signed(harness: SimHarness, path: string): Record<string, string> {
  return authHeaders(A.keyId, A.privateKey, harness.clock.now(), 'POST', `${REST_PREFIX}${path}`);
}
