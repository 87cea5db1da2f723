import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KalshiRestClient, RateLimitedError, RestError, type GetMarketsQuery, type KalshiMarket } from '../../src/adapters/kalshi/rest-client.js';
import { wallClock } from '../../src/clock/clock.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { marketInfoFrom, planQueries, resolveSelection, selectionSettings, type MarketDataSource } from '../../src/selection/resolver.js';
import { isOpenMarket, selectMarkets, type SelectionRule } from '../../src/selection/rules.js';
import { AUTH_HEADERS } from '../../src/protocol/wire.js';

const GENERATED = 300;

/** A source that records the queries it is asked and can hide the listing's fee fields. */
function recording(client: KalshiRestClient, options: { withoutFees?: boolean } = {}): MarketDataSource & { queries: GetMarketsQuery[]; series: string[] } {
  const queries: GetMarketsQuery[] = [];
  const series: string[] = [];
  return {
    queries,
    series,
    async *markets(query) {
      queries.push(query);
      for await (const market of client.markets(query)) {
        if (!options.withoutFees) yield market;
        else {
          const { fee_type: _type, fee_multiplier: _multiplier, ...rest } = market;
          yield rest as KalshiMarket;
        }
      }
    },
    getSeries: (ticker) => {
      series.push(ticker);
      return client.getSeries(ticker);
    },
  };
}

describe('selection/resolver', () => {
  describe('against the simulator over loopback', () => {
    let sim: Simulator;
    let client: KalshiRestClient;
    let closed: string[];

    before(async () => {
      sim = await startSimulator({ markets: GENERATED, autoRun: false, seed: 11, closeChancePerStep: 0 });
      sim.step(150); // the crowd trades: volumes, open interest and spreads differ from market to market
      closed = [sim.tickers[0]!, sim.tickers[5]!, sim.tickers[13]!];
      sim.closeMarket(closed[0]!, 'deactivated');
      sim.closeMarket(closed[1]!, 'determined');
      sim.closeMarket(closed[2]!, 'settled');
      client = new KalshiRestClient({ baseUrl: sim.restUrl, clock: wallClock });
    });

    after(async () => {
      await client.close();
      await sim.close();
    });

    /** Every market as the venue lists it now, without any filter (the reference for the rules). */
    async function everything() {
      return (await client.listAllMarkets({ limit: 1000 })).map((market) => marketInfoFrom(market));
    }

    it('a wildcard rule scans the open markets page by page and selects what the pure rules select over everything', async () => {
      const rules: SelectionRule[] = [
        { name: 'busy', series: ['KXSIM*'], min_volume_24h: 1, max_spread: 4, max_markets: 15, strategy: { bid_size: 2 } },
        { events: ['KXSIMB-*', 'KXSIMC-*'], max_markets: 5 },
      ];
      const source = recording(client);
      const resolved = await resolveSelection(source, { rules, maxMarkets: 30, explicit: [] }, wallClock, { pageLimit: 40 });
      expect(source.queries).to.deep.equal([{ status: 'open', limit: 40 }]);
      expect(resolved.listed).to.equal(GENERATED - closed.length);
      const all = await everything();
      expect(all).to.have.length(GENERATED);
      const expected = selectMarkets(rules, all, resolved.resolvedAtMs, { maxMarkets: 30 });
      expect(resolved.markets.map((entry) => [entry.ticker, entry.ruleIndex])).to.deep.equal(expected.map((entry) => [entry.ticker, entry.ruleIndex]));
      expect(resolved.markets.length).to.be.greaterThan(5);
      expect(resolved.markets.filter((entry) => entry.ruleIndex === 0)).to.have.length.at.most(15);
      for (const entry of resolved.markets) {
        expect(closed).to.not.include(entry.ticker);
        expect(isOpenMarket(entry.market!, resolved.resolvedAtMs)).to.equal(true);
        expect(entry.market!.fees, 'the simulator lists fees with each market').to.not.equal(undefined);
      }
      // the score order holds within a rule
      const busy = resolved.markets.filter((entry) => entry.ruleIndex === 0).map((entry) => entry.market!.volume24h);
      expect(busy).to.deep.equal([...busy].sort((a, b) => b - a));
      expect(busy[0]).to.be.greaterThan(0);
      expect(resolved.warnings).to.deep.equal([]);
    });

    it('exact series are asked of the venue one by one; exact events likewise; the selection is the same as over everything', async () => {
      const rules: SelectionRule[] = [
        { series: ['KXSIMA', 'KXSIMD'], max_markets: 4 },
        { events: [eventOf(sim.tickers[100]!), eventOf(sim.tickers[101]!)] },
        { series: ['KXSIMA'], min_open_interest: 1 },
      ];
      const source = recording(client);
      const resolved = await resolveSelection(source, { rules, maxMarkets: 100, explicit: [] }, wallClock, { pageLimit: 5 });
      expect(source.queries).to.deep.equal([
        { series_ticker: 'KXSIMA', status: 'open', limit: 5 },
        { series_ticker: 'KXSIMD', status: 'open', limit: 5 },
        { event_ticker: eventOf(sim.tickers[100]!), status: 'open', limit: 5 },
        { event_ticker: eventOf(sim.tickers[101]!), status: 'open', limit: 5 },
      ]);
      const expected = selectMarkets(rules, await everything(), resolved.resolvedAtMs, { maxMarkets: 100 });
      expect(resolved.markets.map((entry) => [entry.ticker, entry.ruleIndex])).to.deep.equal(expected.map((entry) => [entry.ticker, entry.ruleIndex]));
      expect(resolved.markets.filter((entry) => entry.ruleIndex === 0).map((entry) => entry.market!.seriesTicker)).to.have.length(4);
      // KXSIMA: 12 markets, two of them closed; KXSIMD: 12; two events of KXSIMI with one market each
      expect(resolved.listed).to.equal(10 + 12 + 2);
    });

    it('explicit markets are looked up by ticker whatever their status, come first, and an unlisted one is a warning', async () => {
      const settings = selectionSettings({
        markets: [{ ticker: closed[0]!, min_spread: 5 }, { ticker: 'KXNOPE-26JAN01-T1' }],
        selection: { rules: [{ series: ['KXSIMB'], max_markets: 2 }], refresh_s: 300, max_markets: 3, on_remove: 'keep_until_flat' },
      } as Parameters<typeof selectionSettings>[0]);
      const source = recording(client);
      const resolved = await resolveSelection(source, settings, wallClock);
      expect(source.queries).to.deep.equal([
        { series_ticker: 'KXSIMB', status: 'open', limit: 1000 },
        { tickers: [closed[0]!, 'KXNOPE-26JAN01-T1'], limit: 1000 },
      ]);
      expect(resolved.markets.map((entry) => [entry.ticker, entry.rule, entry.overrides])).to.deep.equal([
        [closed[0]!, 'markets', { min_spread: 5 }],
        ['KXNOPE-26JAN01-T1', 'markets', {}],
        [resolved.markets[2]!.ticker, 'rules[0]', {}],
      ]);
      expect(resolved.markets[0]!.market!.status).to.equal('inactive');
      expect(resolved.markets[1]!.market).to.equal(undefined);
      expect(resolved.markets[2]!.ticker).to.match(/^KXSIMB-/);
      expect(resolved.warnings).to.deep.equal(['KXNOPE-26JAN01-T1 (in markets) is not listed by the venue']);
    });

    it('fees missing from the listing are fetched once per series of the selected markets (GET /series)', async () => {
      const source = recording(client, { withoutFees: true });
      const resolved = await resolveSelection(source, { rules: [{ series: ['KXSIMA', 'KXSIMB'], max_markets: 6 }], maxMarkets: 100, explicit: [] }, wallClock);
      expect([...source.series].sort()).to.deep.equal(['KXSIMA', 'KXSIMB']);
      const fees = new Map(resolved.markets.map((entry) => [entry.market!.seriesTicker, entry.market!.fees]));
      // the simulator's default: KXSIMB charges makers, KXSIMA does not
      expect(fees.get('KXSIMA')).to.deep.equal({ feeType: 'quadratic', multiplierMilli: 1000 });
      expect(fees.get('KXSIMB')).to.deep.equal({ feeType: 'quadratic_with_maker_fees', multiplierMilli: 1000 });
      expect(resolved.markets.every((entry) => entry.market!.fees !== undefined)).to.equal(true);
      const none = await resolveSelection(recording(client), { rules: [{ series: ['KXSIMA'] }], maxMarkets: 100, explicit: [] }, wallClock, {
        fetchFees: false,
      });
      expect(none.markets.length).to.be.greaterThan(0);
    });

    it('the series lookup: GET /series/{ticker} answers fee_type and fee_multiplier; an unknown series is a 404', async () => {
      const { series } = await client.getSeries('KXSIMB');
      expect(series).to.deep.include({ ticker: 'KXSIMB', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1 });
      const error = await client.getSeries('KXNOSUCH').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(RestError);
      expect((error as RestError).status).to.equal(404);
    });

    it('the volumes live: more steps of the crowd, more 24 h volume', async () => {
      const rules: SelectionRule[] = [{ series: ['KXSIMC'] }];
      const before = await resolveSelection(client, { rules, maxMarkets: 100, explicit: [] }, wallClock);
      sim.step(100);
      const after = await resolveSelection(client, { rules, maxMarkets: 100, explicit: [] }, wallClock);
      const total = (markets: typeof before.markets): number => markets.reduce((sum, entry) => sum + entry.market!.volume24h, 0);
      expect(total(after.markets)).to.be.greaterThan(total(before.markets));
    });
  });

  describe('venue errors', () => {
    let server: Server;
    let base: string;
    const seen: IncomingMessage[] = [];
    let answer: (url: URL) => { status: number; body: unknown };

    before(async () => {
      server = createServer((req, res) => {
        seen.push(req);
        const { status, body } = answer(new URL(req.url ?? '/', 'http://127.0.0.1'));
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trade-api/v2`;
    });

    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const page1 = {
      markets: [{ ticker: 'KXA-1-T1', event_ticker: 'KXA-1', status: 'active', yes_bid_dollars: '0.4000', yes_ask_dollars: '0.4500', volume_24h_fp: '10.00' }],
      cursor: 'next',
    };

    async function failure(status: number, body: unknown): Promise<unknown> {
      answer = (url) => (url.searchParams.get('cursor') === 'next' ? { status, body } : { status: 200, body: page1 });
      const client = new KalshiRestClient({ baseUrl: base, clock: wallClock });
      try {
        await resolveSelection(client, { rules: [{}], maxMarkets: 10, explicit: [] }, wallClock);
        return undefined;
      } catch (error) {
        return error;
      } finally {
        await client.close();
      }
    }

    it('a 429 on the second page fails the resolution with RateLimitedError', async () => {
      const error = await failure(429, { error: 'too many requests' });
      expect(error).to.be.instanceOf(RateLimitedError);
      expect(seen.at(-1)!.url).to.equal('/trade-api/v2/markets?status=open&limit=1000&cursor=next');
    });

    it('a 500 fails it with a RestError naming the status', async () => {
      const error = await failure(500, { code: 'internal', message: 'boom', details: '' });
      expect(error).to.be.instanceOf(RestError);
      expect((error as RestError).describe()).to.equal('GET /trade-api/v2/markets: HTTP 500 internal: boom');
    });

    it('without a key the requests go unsigned; with one they are signed', async () => {
      answer = () => ({ status: 200, body: { markets: [], cursor: '' } });
      const unsigned = new KalshiRestClient({ baseUrl: base, clock: wallClock });
      await unsigned.getMarkets();
      await unsigned.close();
      expect(seen.at(-1)!.headers[AUTH_HEADERS.key.toLowerCase()]).to.equal(undefined);
      expect(seen.at(-1)!.headers[AUTH_HEADERS.signature.toLowerCase()]).to.equal(undefined);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const signed = new KalshiRestClient({ baseUrl: base, clock: wallClock, keyId: 'key-1', privateKey });
      await signed.getMarkets();
      await signed.close();
      expect(seen.at(-1)!.headers[AUTH_HEADERS.key.toLowerCase()]).to.equal('key-1');
      expect(() => new KalshiRestClient({ baseUrl: base, clock: wallClock, keyId: 'key-1' })).to.throw(RangeError, /privateKey is required/);
    });

    it('a market whose fields cannot be read is left out with a warning; the rest is selected', async () => {
      answer = () => ({
        status: 200,
        body: {
          markets: [
            { ticker: 'KXA-1-T1', status: 'active', yes_bid_dollars: '0.405', yes_ask_dollars: '0.4500' },
            { ticker: 'KXA-1-T2', status: 'active', yes_bid: 40, yes_ask: 44, volume_24h: 7, open_interest: 3, close_time: 'soon' },
            null,
          ],
          cursor: '',
        },
      });
      const client = new KalshiRestClient({ baseUrl: base, clock: wallClock });
      const resolved = await resolveSelection(client, { rules: [{}], maxMarkets: 10, explicit: [] }, wallClock);
      await client.close();
      expect(resolved.markets.map((entry) => entry.ticker)).to.deep.equal(['KXA-1-T2']);
      expect(resolved.markets[0]!.market).to.deep.include({
        yesBid: 40,
        yesAsk: 44,
        volume24h: 700,
        openInterest: 300,
        closeTimeMs: undefined,
        seriesTicker: 'KXA',
        eventTicker: 'KXA-1',
      });
      expect(resolved.warnings[0]).to.match(/^KXA-1-T1 left out: yes_bid_dollars: sub-cent price 0.405/);
      expect(resolved.warnings[1]).to.match(/^a listed market is not an object/);
      // its series had no fee fields, and this server has no /series route: fees unknown, with a warning
      expect(resolved.warnings[2]).to.match(/^series KXA: fees unknown: GET \/trade-api\/v2\/series\/KXA/);
    });
  });

  describe('planQueries and marketInfoFrom', () => {
    it('one scan as soon as a rule has a wildcard or no ticker filter; explicit tickers in groups of 100', () => {
      expect(planQueries([{ series: ['KXA'] }, { series: ['KXB*'] }])).to.deep.equal([{ status: 'open', limit: 1000 }]);
      expect(planQueries([{ min_volume_24h: 5 }])).to.deep.equal([{ status: 'open', limit: 1000 }]);
      expect(planQueries([{ series: ['KX*'], events: ['KXA-1', 'KXA-2'] }, { series: ['KXA', 'KXB'] }, { series: ['KXA'] }])).to.deep.equal([
        { event_ticker: 'KXA-1', status: 'open', limit: 1000 },
        { event_ticker: 'KXA-2', status: 'open', limit: 1000 },
        { series_ticker: 'KXA', status: 'open', limit: 1000 },
        { series_ticker: 'KXB', status: 'open', limit: 1000 },
      ]);
      expect(planQueries([])).to.deep.equal([]);
      const explicit = Array.from({ length: 150 }, (_, index) => `KXA-1-T${index}`);
      const queries = planQueries([], explicit, 500);
      expect(queries.map((query) => (query.tickers as string[]).length)).to.deep.equal([100, 50]);
      expect(queries[0]!.limit).to.equal(500);
    });

    it('wire fields to exact units; a missing bid is 0, a missing (or zero) ask 100; the series comes from the query, the wire or the event', () => {
      const info = marketInfoFrom({
        ticker: 'KXHIGHNY-26JAN01-T40',
        event_ticker: 'KXHIGHNY-26JAN01',
        status: 'active',
        yes_bid_dollars: '0.0000',
        yes_ask_dollars: '0.0000',
        volume_24h_fp: '12.34',
        open_interest_fp: '5.00',
        close_time: '2026-01-01T12:00:00Z',
        fee_type: 'quadratic_with_maker_fees',
        fee_multiplier: 0.5,
      });
      expect(info).to.deep.equal({
        ticker: 'KXHIGHNY-26JAN01-T40',
        eventTicker: 'KXHIGHNY-26JAN01',
        seriesTicker: 'KXHIGHNY',
        status: 'active',
        yesBid: 0,
        yesAsk: 100,
        volume24h: 1234,
        openInterest: 500,
        closeTimeMs: Date.UTC(2026, 0, 1, 12),
        fees: { feeType: 'quadratic_with_maker_fees', multiplierMilli: 500 },
      });
      expect(marketInfoFrom({ ticker: 'X-1', status: 'active' }, 'XS').seriesTicker).to.equal('XS');
      expect(marketInfoFrom({ ticker: 'X-1', status: 'active', series_ticker: 'XW' }).seriesTicker).to.equal('XW');
      expect(() => marketInfoFrom({ ticker: 'X-1', status: 'active', yes_bid_dollars: '0.5000', yes_ask_dollars: '0.5000' })).to.throw(/is not below the ask/);
      expect(() => marketInfoFrom({ ticker: 'X-1', status: 'active', fee_type: 'cubic', fee_multiplier: 1 })).to.throw(/fee_type/);
    });
  });
});

function eventOf(ticker: string): string {
  return ticker.slice(0, ticker.lastIndexOf('-'));
}
