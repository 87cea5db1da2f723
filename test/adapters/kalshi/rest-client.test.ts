import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  InvalidResponseError,
  KalshiRestClient,
  NetworkError,
  RateLimitedError,
  RequestTimeoutError,
  RestError,
  type KalshiOrder,
} from '../../../src/adapters/kalshi/rest-client.js';
import {
  amendOrderBody,
  batchCancelBody,
  batchCreateBody,
  createOrderBody,
  decreaseOrderBody,
  type OrderIntent,
} from '../../../src/execution/order-request.js';
import { verifyMessage } from '../../../src/protocol/auth.js';
import { AUTH_HEADERS } from '../../../src/protocol/wire.js';

interface Seen {
  readonly method: string;
  /** path and query as requested */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  /** the signature verified over timestamp + method + path (no query) */
  readonly signed: boolean;
}

type Answer = { status: number; body?: unknown; raw?: string } | 'hang' | 'reset';

/** A loopback HTTP server that records every request, checks its signature and answers from a handler. */
class TestServer {
  readonly seen: Seen[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  handler: (request: Seen) => Answer = () => ({ status: 404, body: { code: 'not_found', message: 'no route', details: '' } });

  constructor(private readonly publicKey: KeyObject) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ts = String(req.headers[AUTH_HEADERS.timestamp.toLowerCase()] ?? '');
      const signature = String(req.headers[AUTH_HEADERS.signature.toLowerCase()] ?? '');
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
        signed: verifyMessage(this.publicKey, `${ts}${req.method}${url.pathname}`, signature),
      };
      this.seen.push(seen);
      const answer = this.handler(seen);
      if (answer === 'hang') return;
      if (answer === 'reset') {
        req.socket.destroy();
        return;
      }
      const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, payload === '' ? {} : { 'content-type': answer.raw !== undefined ? 'text/plain' : 'application/json' });
      res.end(payload);
    });
  }
}

const intent: OrderIntent = {
  ticker: 'KXTEST-26DEC31-T1',
  clientOrderId: 'c-1',
  leg: 'no',
  action: 'buy',
  price: 54,
  size: 1000,
  timeInForce: 'good_till_canceled',
  postOnly: true,
  reduceOnly: false,
};

function built<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const order = (fields: Partial<KalshiOrder>): KalshiOrder => ({
  order_id: 'o-1',
  client_order_id: 'c-1',
  ticker: 'T',
  outcome_side: 'yes',
  book_side: 'bid',
  status: 'resting',
  yes_price_dollars: '0.4000',
  no_price_dollars: '0.6000',
  fill_count_fp: '0.00',
  remaining_count_fp: '10.00',
  initial_count_fp: '10.00',
  ...fields,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('adapters/kalshi/rest-client', function () {
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  let server: TestServer;
  let client: KalshiRestClient;
  let nowMs: number;
  let baseUrl: string;

  before(() => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    publicKey = pair.publicKey;
  });

  beforeEach(async () => {
    server = new TestServer(publicKey);
    const port = await server.listen();
    nowMs = 1_767_000_000_000;
    baseUrl = `http://127.0.0.1:${port}/trade-api/v2/`;
    client = new KalshiRestClient({ baseUrl, keyId: 'key-1', privateKey, clock: { now: () => nowMs } });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  describe('order writes', () => {
    it('create: POST /trade-api/v2/portfolio/events/orders, signed, the body as built', async () => {
      const body = built(createOrderBody(intent));
      server.handler = () => ({ status: 201, body: { order_id: 'o-1', client_order_id: 'c-1', fill_count: '0.00', remaining_count: '10.00', ts_ms: 5 } });
      const answer = await client.createOrder(body);
      expect(answer).to.deep.equal({ order_id: 'o-1', client_order_id: 'c-1', fill_count: '0.00', remaining_count: '10.00', ts_ms: 5 });
      const [seen] = server.seen;
      expect(seen).to.deep.include({ method: 'POST', url: '/trade-api/v2/portfolio/events/orders', signed: true });
      expect(seen!.body).to.deep.equal({
        ticker: 'KXTEST-26DEC31-T1',
        client_order_id: 'c-1',
        side: 'ask',
        count: '10.00',
        price: '0.4600',
        time_in_force: 'good_till_canceled',
        self_trade_prevention_type: 'taker_at_cross',
        post_only: true,
        reduce_only: false,
      });
      expect(seen!.headers).to.include({ 'kalshi-access-key': 'key-1', 'kalshi-access-timestamp': String(nowMs), 'content-type': 'application/json' });
    });

    it('cancel: DELETE .../orders/{id} with the ticker in the query, and the query left out of the signature', async () => {
      server.handler = () => ({ status: 200, body: { order_id: 'o-1', client_order_id: 'c-1', reduced_by: '10.00', ts_ms: 6 } });
      const answer = await client.cancelOrder('o-1', { ticker: 'KXTEST-26DEC31-T1' });
      expect(answer.reduced_by).to.equal('10.00');
      expect(server.seen[0]).to.deep.include({
        method: 'DELETE',
        url: '/trade-api/v2/portfolio/events/orders/o-1?market_ticker=KXTEST-26DEC31-T1',
        signed: true,
      });
      expect(server.seen[0]!.body).to.equal(undefined);
    });

    it('amend and decrease: POST .../{id}/amend and .../{id}/decrease', async () => {
      server.handler = (seen) =>
        seen.path.endsWith('/amend')
          ? { status: 200, body: { order_id: 'o-1', remaining_count: '5.00', fill_count: '3.00', ts_ms: 7 } }
          : { status: 200, body: { order_id: 'o-1', remaining_count: '2.00', ts_ms: 8 } };
      const amend = built(
        amendOrderBody({ ticker: 'T', clientOrderId: 'c-1', updatedClientOrderId: 'c-2', leg: 'yes', action: 'buy', price: 57, filled: 300, resting: 500 }),
      );
      expect((await client.amendOrder('o-1', amend)).remaining_count).to.equal('5.00');
      expect((await client.decreaseOrder('o-1', built(decreaseOrderBody({ reduceTo: 200 })))).remaining_count).to.equal('2.00');
      expect(server.seen.map((s) => [s.method, s.url, s.signed])).to.deep.equal([
        ['POST', '/trade-api/v2/portfolio/events/orders/o-1/amend', true],
        ['POST', '/trade-api/v2/portfolio/events/orders/o-1/decrease', true],
      ]);
      expect(server.seen[0]!.body).to.deep.equal({
        ticker: 'T',
        side: 'bid',
        price: '0.5700',
        count: '8.00',
        client_order_id: 'c-1',
        updated_client_order_id: 'c-2',
      });
      expect(server.seen[1]!.body).to.deep.equal({ reduce_to: '2.00' });
    });

    it('batch create (POST) and batch cancel (DELETE with a body) on .../orders/batched', async () => {
      server.handler = (seen) =>
        seen.method === 'POST'
          ? {
              status: 201,
              body: {
                orders: [
                  { order_id: 'o-a', client_order_id: 'a', fill_count: '0.00', remaining_count: '10.00', error: null },
                  { client_order_id: 'b', error: { code: 'invalid_order', message: 'bad' } },
                ],
              },
            }
          : { status: 200, body: { orders: [{ order_id: 'o-a', reduced_by: '10.00', error: null }] } };
      const created = await client.batchCreateOrders(
        built(
          batchCreateBody([
            { ...intent, clientOrderId: 'a' },
            { ...intent, clientOrderId: 'b' },
          ]),
        ),
      );
      expect(created.orders.map((o) => o.error?.code ?? 'ok')).to.deep.equal(['ok', 'invalid_order']);
      const canceled = await client.batchCancelOrders(built(batchCancelBody([{ orderId: 'o-a', ticker: 'T' }])));
      expect(canceled.orders[0]!.reduced_by).to.equal('10.00');
      expect(server.seen.map((s) => [s.method, s.url, s.signed])).to.deep.equal([
        ['POST', '/trade-api/v2/portfolio/events/orders/batched', true],
        ['DELETE', '/trade-api/v2/portfolio/events/orders/batched', true],
      ]);
      expect((server.seen[0]!.body as { orders: unknown[] }).orders).to.have.length(2);
      expect(server.seen[1]!.body).to.deep.equal({ orders: [{ order_id: 'o-a', market_ticker: 'T' }] });
    });

    it('cancel all: DELETE .../events/orders, 204 without a body', async () => {
      server.handler = () => ({ status: 204 });
      await client.cancelAllOrders();
      expect(server.seen[0]).to.deep.include({ method: 'DELETE', url: '/trade-api/v2/portfolio/events/orders', signed: true });
    });

    it('signs each request with the clock at the time it is sent', async () => {
      server.handler = () => ({ status: 200, body: { exchange_active: true, trading_active: true } });
      await client.getExchangeStatus();
      nowMs += 1234;
      await client.getExchangeStatus();
      expect(server.seen.map((s) => s.headers['kalshi-access-timestamp'])).to.deep.equal([String(nowMs - 1234), String(nowMs)]);
      expect(server.seen.every((s) => s.signed)).to.equal(true);
    });
  });

  describe('reads', () => {
    it('get orders: the filters as query parameters, signed without them', async () => {
      server.handler = () => ({ status: 200, body: { orders: [order({})], cursor: '' } });
      const page = await client.getOrders({ ticker: 'T', event_ticker: 'E', status: 'resting', min_ts: 100, max_ts: 200, limit: 50 });
      expect(page.orders[0]!.order_id).to.equal('o-1');
      const [seen] = server.seen;
      expect(seen).to.deep.include({ method: 'GET', path: '/trade-api/v2/portfolio/orders', signed: true });
      expect(Object.fromEntries(seen!.query)).to.deep.equal({ ticker: 'T', event_ticker: 'E', status: 'resting', min_ts: '100', max_ts: '200', limit: '50' });
    });

    it('follows the cursor across pages and stops on an empty one', async () => {
      const pages: Record<string, { orders: KalshiOrder[]; cursor: string }> = {
        '': { orders: [order({ order_id: 'o-1' }), order({ order_id: 'o-2' })], cursor: 'p2' },
        p2: { orders: [order({ order_id: 'o-3' })], cursor: 'p3' },
        p3: { orders: [order({ order_id: 'o-4' })], cursor: '' },
      };
      server.handler = (seen) => ({ status: 200, body: pages[seen.query.get('cursor') ?? ''] });
      const all = await client.listAllOrders({ ticker: 'T', limit: 2 });
      expect(all.map((o) => o.order_id)).to.deep.equal(['o-1', 'o-2', 'o-3', 'o-4']);
      expect(server.seen.map((s) => s.query.get('cursor'))).to.deep.equal([null, 'p2', 'p3']);
      expect(server.seen.every((s) => s.query.get('ticker') === 'T' && s.query.get('limit') === '2' && s.signed)).to.equal(true);
    });

    it('refuses a cursor that comes back again instead of paging forever', async () => {
      server.handler = () => ({ status: 200, body: { orders: [order({})], cursor: 'same' } });
      const error = await rejection(client.listAllOrders());
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(/repeated/);
      expect(server.seen).to.have.length(2);
    });

    it('finds an order by client order id by listing, and stops at the first match', async () => {
      const pages: Record<string, { orders: KalshiOrder[]; cursor: string }> = {
        '': { orders: [order({ order_id: 'o-1', client_order_id: 'x' })], cursor: 'p2' },
        p2: { orders: [order({ order_id: 'o-2', client_order_id: 'c-2' })], cursor: 'p3' },
        p3: { orders: [order({ order_id: 'o-3', client_order_id: 'y' })], cursor: '' },
      };
      server.handler = (seen) => ({ status: 200, body: pages[seen.query.get('cursor') ?? ''] });
      const found = await client.findOrderByClientOrderId(['c-1', 'c-2'], { ticker: 'T' });
      expect(found?.order_id).to.equal('o-2');
      expect(server.seen).to.have.length(2);
      server.seen.length = 0;
      expect(await client.findOrderByClientOrderId('nobody')).to.equal(undefined);
      expect(server.seen).to.have.length(3);
      expect(await rejection(client.findOrderByClientOrderId(''))).to.be.instanceOf(RangeError);
    });

    it('one order, positions (cursor), balance, fills (order_id filter), markets (tickers), one market, exchange status', async () => {
      server.handler = (seen) => {
        switch (seen.path) {
          case '/trade-api/v2/portfolio/orders/o-9':
            return { status: 200, body: { order: order({ order_id: 'o-9' }) } };
          case '/trade-api/v2/portfolio/positions':
            return seen.query.get('cursor') === 'n'
              ? { status: 200, body: { market_positions: [{ ticker: 'B', position_fp: '-3.00' }], event_positions: [], cursor: '' } }
              : { status: 200, body: { market_positions: [{ ticker: 'A', position_fp: '5.00' }], event_positions: [], cursor: 'n' } };
          case '/trade-api/v2/portfolio/balance':
            return { status: 200, body: { balance: 12345, balance_dollars: '123.4500', portfolio_value: 500, updated_ts: 1 } };
          case '/trade-api/v2/portfolio/fills':
            return { status: 200, body: { fills: [{ trade_id: 't-1', order_id: seen.query.get('order_id'), count_fp: '1.00' }], cursor: '' } };
          case '/trade-api/v2/markets':
            return { status: 200, body: { markets: [{ ticker: 'A', status: 'active' }], cursor: '' } };
          case '/trade-api/v2/markets/A':
            return { status: 200, body: { market: { ticker: 'A', status: 'active', tick_size: 1 } } };
          case '/trade-api/v2/exchange/status':
            return { status: 200, body: { exchange_active: true, trading_active: false, exchange_estimated_resume_time: null } };
          default:
            return { status: 404, body: { code: 'not_found', message: seen.path, details: '' } };
        }
      };
      expect((await client.getOrder('o-9')).order.order_id).to.equal('o-9');
      expect((await client.listAllPositions({ count_filter: 'position' })).map((p) => [p.ticker, p.position_fp])).to.deep.equal([
        ['A', '5.00'],
        ['B', '-3.00'],
      ]);
      expect(await client.getBalance()).to.deep.include({ balance: 12345, portfolio_value: 500 });
      expect((await client.listAllFills({ order_id: 'o-9' }))[0]).to.deep.include({ trade_id: 't-1', order_id: 'o-9' });
      expect((await client.getMarkets({ tickers: ['A', 'B'], status: 'open' })).markets[0]!.ticker).to.equal('A');
      expect((await client.getMarket('A')).market).to.deep.include({ ticker: 'A', tick_size: 1 });
      expect(await client.getExchangeStatus()).to.deep.include({ exchange_active: true, trading_active: false });
      const markets = server.seen.find((s) => s.path === '/trade-api/v2/markets')!;
      expect(Object.fromEntries(markets.query)).to.deep.equal({ tickers: 'A,B', status: 'open' });
      expect(server.seen.find((s) => s.path === '/trade-api/v2/portfolio/positions')!.query.get('count_filter')).to.equal('position');
      expect(server.seen.every((s) => s.signed && s.method === 'GET')).to.equal(true);
    });
  });

  describe('errors', () => {
    it("an error body becomes a RestError with Kalshi's status, code, message and details", async () => {
      server.handler = () => ({ status: 400, body: { code: 'post_only_cross', message: 'PostOnlyCrossCancel', details: 'would cross' } });
      const error = await rejection(client.createOrder(built(createOrderBody(intent))));
      expect(error).to.be.instanceOf(RestError);
      expect(error).to.not.be.instanceOf(RateLimitedError);
      expect(error).to.deep.include({
        status: 400,
        code: 'post_only_cross',
        message: 'PostOnlyCrossCancel',
        details: 'would cross',
        outcomeUnknown: false,
        method: 'POST',
      });
      expect((error as RestError).path).to.equal('/trade-api/v2/portfolio/events/orders');
      expect((error as RestError).describe()).to.equal(
        'POST /trade-api/v2/portfolio/events/orders: HTTP 400 post_only_cross: PostOnlyCrossCancel (would cross)',
      );
    });

    it('a 5xx leaves the outcome unknown; a body that is not JSON still gives a RestError', async () => {
      server.handler = () => ({ status: 503, raw: 'upstream unavailable' });
      const error = await rejection(client.createOrder(built(createOrderBody(intent))));
      expect(error).to.be.instanceOf(RestError);
      expect(error).to.deep.include({ status: 503, code: 'http_503', message: 'upstream unavailable', outcomeUnknown: true });
    });

    it('HTTP 429 is a RateLimitedError (a refusal: outcome known)', async () => {
      server.handler = () => ({ status: 429, body: { error: 'too many requests' } });
      const error = await rejection(client.cancelOrder('o-1'));
      expect(error).to.be.instanceOf(RateLimitedError);
      expect(error).to.be.instanceOf(RestError);
      expect(error).to.deep.include({ status: 429, code: 'too_many_requests', outcomeUnknown: false });
    });

    it('a success without what the call needs is an InvalidResponseError (outcome unknown)', async () => {
      server.handler = () => ({ status: 201, body: { remaining_count: '10.00' } });
      const error = await rejection(client.createOrder(built(createOrderBody(intent))));
      expect(error).to.be.instanceOf(InvalidResponseError);
      expect(error).to.deep.include({ status: 201, outcomeUnknown: true });
      server.handler = () => ({ status: 200, raw: 'not json' });
      expect(await rejection(client.getOrders())).to.be.instanceOf(InvalidResponseError);
    });

    it('a server that never answers: RequestTimeoutError after the deadline, outcome unknown', async () => {
      server.handler = () => 'hang';
      // long enough for the request to reach the server on a loaded 2-core machine
      const quick = new KalshiRestClient({ baseUrl, keyId: 'key-1', privateKey, clock: { now: () => nowMs }, timeoutMs: 400 });
      try {
        const started = performance.now();
        const error = await rejection(quick.createOrder(built(createOrderBody(intent))));
        const waited = performance.now() - started;
        expect(error).to.be.instanceOf(RequestTimeoutError);
        expect(error).to.deep.include({ timeoutMs: 400, outcomeUnknown: true, method: 'POST' });
        expect(waited).to.be.within(390, 3_000);
        expect(server.seen).to.have.length(1); // it did reach the server
      } finally {
        await quick.close();
      }
    });

    it('connection refused: NetworkError, and the request was never sent', async () => {
      const closed = new TestServer(publicKey);
      const port = await closed.listen();
      await closed.close();
      const refused = new KalshiRestClient({ baseUrl: `http://127.0.0.1:${port}/trade-api/v2`, keyId: 'key-1', privateKey, clock: { now: () => nowMs } });
      try {
        const error = await rejection(refused.createOrder(built(createOrderBody(intent))));
        expect(error).to.be.instanceOf(NetworkError);
        expect(error).to.deep.include({ code: 'ECONNREFUSED', outcomeUnknown: false });
      } finally {
        await refused.close();
      }
    });

    it('connection reset after the request went out: NetworkError, outcome unknown', async () => {
      server.handler = () => 'reset';
      const error = await rejection(client.createOrder(built(createOrderBody(intent))));
      expect(error).to.be.instanceOf(NetworkError);
      expect((error as NetworkError).outcomeUnknown).to.equal(true);
      expect(server.seen).to.have.length(1);
    });

    it('bad arguments reject with a clear error before anything is sent', async () => {
      expect(await rejection(client.cancelOrder(''))).to.be.instanceOf(RangeError);
      expect(await rejection(client.getMarket(''))).to.be.instanceOf(RangeError);
      expect(server.seen).to.have.length(0);
      expect(() => new KalshiRestClient({ baseUrl: 'not a url', keyId: 'k', privateKey, clock: { now: () => 0 } })).to.throw(RangeError);
      expect(() => new KalshiRestClient({ baseUrl: 'ftp://h/x', keyId: 'k', privateKey, clock: { now: () => 0 } })).to.throw(RangeError);
      expect(() => new KalshiRestClient({ baseUrl: 'http://h/x', keyId: 'k', privateKey, clock: { now: () => 0 }, timeoutMs: 0 })).to.throw(RangeError);
    });
  });

  describe('connections', () => {
    it('keeps the connection alive: requests one after another share one socket', async () => {
      server.handler = (seen) =>
        seen.path.endsWith('/batched') ? { status: 200, body: { orders: [] } } : { status: 200, body: { exchange_active: true, trading_active: true } };
      // a socket goes back to the pool once the response is done, a turn of the event loop
      // after its body has been read
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      await client.getExchangeStatus();
      await turn();
      await client.getExchangeStatus();
      await turn();
      await client.batchCancelOrders(built(batchCancelBody([{ orderId: 'o-1' }]))); // DELETE with a body
      await turn();
      await client.getExchangeStatus();
      expect(server.seen).to.have.length(4);
      expect(server.connections).to.equal(1);
    });

    it('opens at most `connections` sockets, however many requests are in flight', async () => {
      server.handler = () => ({ status: 200, body: { exchange_active: true, trading_active: true } });
      const two = new KalshiRestClient({ baseUrl, keyId: 'key-1', privateKey, clock: { now: () => nowMs }, connections: 2 });
      try {
        const answers = await Promise.all(Array.from({ length: 8 }, () => two.getExchangeStatus()));
        expect(answers).to.have.length(8);
        expect(server.connections).to.equal(2);
      } finally {
        await two.close();
      }
    });

    it('after close(), requests fail without being sent', async () => {
      server.handler = () => ({ status: 200, body: { exchange_active: true, trading_active: true } });
      await client.getExchangeStatus();
      await client.close();
      const error = await rejection(client.getExchangeStatus());
      expect(error).to.be.instanceOf(NetworkError);
      expect((error as NetworkError).outcomeUnknown).to.equal(false);
      expect(server.seen).to.have.length(1);
    });
  });
});
