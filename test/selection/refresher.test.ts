import { expect } from 'chai';
import sinon from 'sinon';
import { RateLimitedError, RequestTimeoutError, RestError } from '../../src/adapters/kalshi/rest-client.js';
import { WallClock } from '../../src/clock/clock.js';
import type { GetMarketsQuery, KalshiMarket } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { SelectionRefresher, SelectionTimeoutError, refresherFor, type SelectionChange } from '../../src/selection/refresher.js';
import type { MarketDataSource, ResolvedSelection } from '../../src/selection/resolver.js';
import type { SelectedMarket } from '../../src/selection/rules.js';

const REFRESH_MS = 300_000;

function entry(ticker: string, ruleIndex = 0, overrides: SelectedMarket['overrides'] = {}): SelectedMarket {
  return { ticker, rule: ruleIndex < 0 ? 'markets' : `rules[${ruleIndex}]`, ruleIndex, overrides, market: undefined };
}

function selection(markets: SelectedMarket[], atMs = Date.now()): ResolvedSelection {
  return { markets, resolvedAtMs: atMs, listed: markets.length, queries: [], warnings: [] };
}

/** A resolve function answering from a script: a selection, an error, or 'hang' (never settles). */
function scripted(steps: Array<ResolvedSelection | Error | 'hang'>): { resolve: () => Promise<ResolvedSelection>; calls: () => number } {
  let calls = 0;
  return {
    resolve: () => {
      const step = steps[Math.min(calls, steps.length - 1)]!;
      calls += 1;
      if (step === 'hang') return new Promise<ResolvedSelection>(() => undefined);
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    },
    calls: () => calls,
  };
}

function tickers(list: readonly SelectedMarket[]): string[] {
  return list.map((item) => item.ticker);
}

describe('selection/refresher', () => {
  let clock: sinon.SinonFakeTimers;
  let changes: SelectionChange[];
  let errors: Error[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    changes = [];
    errors = [];
  });

  afterEach(() => clock.restore());

  function refresher(
    script: ReturnType<typeof scripted>,
    extra: { timeoutMs?: number; initial?: ResolvedSelection; onChange?: (change: SelectionChange) => void } = {},
  ): SelectionRefresher {
    return new SelectionRefresher({
      resolve: script.resolve,
      clock: new WallClock(),
      refreshMs: REFRESH_MS,
      onChange: extra.onChange ?? ((change) => changes.push(change)),
      onError: (error) => errors.push(error),
      ...(extra.timeoutMs !== undefined ? { timeoutMs: extra.timeoutMs } : {}),
      ...(extra.initial !== undefined ? { initial: extra.initial } : {}),
    });
  }

  it('resolves at start, then every refresh_s, reporting what entered, left and changed', async () => {
    const first = selection([entry('A'), entry('B'), entry('C', 1)]);
    const second = selection([entry('A'), entry('C', 1, { bid_size: 2 }), entry('D', 1)]);
    const script = scripted([first, second]);
    const subject = refresher(script);
    expect(await subject.start()).to.equal(first);
    expect(subject.current).to.equal(first);
    expect(changes).to.have.length(1);
    expect(tickers(changes[0]!.entered)).to.deep.equal(['A', 'B', 'C']);
    expect(changes[0]!.previous).to.equal(undefined);

    await clock.tickAsync(REFRESH_MS - 1);
    expect(script.calls()).to.equal(1);
    await clock.tickAsync(1);
    expect(script.calls()).to.equal(2);
    expect(subject.current).to.equal(second);
    expect(changes).to.have.length(2);
    const change = changes[1]!;
    expect([tickers(change.entered), tickers(change.left), tickers(change.changed)]).to.deep.equal([['D'], ['B'], ['C']]);
    expect(change.previous).to.equal(first);
    expect(change.selection).to.equal(second);

    // the same markets again: nothing to report, the selection is still refreshed
    await clock.tickAsync(REFRESH_MS);
    expect(script.calls()).to.equal(3);
    expect(changes).to.have.length(2);
    subject.stop();
  });

  it('a REST error, a timeout answer and a 429 are reported and the previous selection is kept; the next success resumes', async () => {
    const good = selection([entry('A')]);
    const better = selection([entry('A'), entry('B')]);
    const failures = [
      new RestError('GET', '/trade-api/v2/markets', 500, 'internal', 'boom', '', {}),
      new RequestTimeoutError('GET', '/trade-api/v2/markets', 5000),
      new RateLimitedError('GET', '/trade-api/v2/markets', { error: 'too many requests' }),
    ];
    const script = scripted([good, ...failures, better]);
    const subject = refresher(script);
    await subject.start();
    for (const [index, failure] of failures.entries()) {
      await clock.tickAsync(REFRESH_MS);
      expect(errors[index]).to.equal(failure);
      expect(subject.current).to.equal(good);
      expect(subject.failures).to.equal(index + 1);
    }
    expect(changes).to.have.length(1);
    await clock.tickAsync(REFRESH_MS);
    expect(subject.current).to.equal(better);
    expect(subject.failures).to.equal(0);
    expect(tickers(changes[1]!.entered)).to.deep.equal(['B']);
    subject.stop();
  });

  it('a resolution that hangs times out, keeps the previous selection, and its late answer is dropped', async () => {
    const good = selection([entry('A')]);
    let release: (value: ResolvedSelection) => void = () => undefined;
    const late = new Promise<ResolvedSelection>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const subject = new SelectionRefresher({
      resolve: () => {
        calls += 1;
        return calls === 1 ? Promise.resolve(good) : calls === 2 ? late : Promise.resolve(selection([entry('A'), entry('C')]));
      },
      clock: new WallClock(),
      refreshMs: REFRESH_MS,
      timeoutMs: 10_000,
      onChange: (change) => changes.push(change),
      onError: (error) => errors.push(error),
    });
    await subject.start();
    await clock.tickAsync(REFRESH_MS + 9_999);
    expect(errors).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(SelectionTimeoutError);
    expect(errors[0]!.message).to.equal('market selection: no answer within 10000 ms; the previous selection is kept');
    release(selection([entry('Z')]));
    await clock.tickAsync(0);
    expect(subject.current).to.equal(good);
    expect(changes).to.have.length(1);
    // the next attempt comes refresh_s after the timed-out one ended
    await clock.tickAsync(REFRESH_MS);
    expect(calls).to.equal(3);
    expect(tickers(subject.current!.markets)).to.deep.equal(['A', 'C']);
    subject.stop();
  });

  it('a first resolution that fails leaves the initial selection (the explicit markets) current', async () => {
    const initial = selection([entry('X', -1)]);
    const subject = refresher(scripted([new RateLimitedError('GET', '/trade-api/v2/markets', {}), selection([entry('X', -1), entry('A')])]), { initial });
    expect(await subject.start()).to.equal(initial);
    expect(errors[0]).to.be.instanceOf(RateLimitedError);
    await clock.tickAsync(REFRESH_MS);
    expect(tickers(changes[0]!.entered)).to.deep.equal(['A']);
    expect(changes[0]!.previous).to.equal(initial);
    subject.stop();
  });

  it('stop ends the refreshes; a resolution in flight at stop is dropped', async () => {
    let calls = 0;
    let release: (value: ResolvedSelection) => void = () => undefined;
    const subject = new SelectionRefresher({
      resolve: () => {
        calls += 1;
        if (calls === 1) return Promise.resolve(selection([entry('A')]));
        return new Promise((resolve) => {
          release = resolve;
        });
      },
      clock: new WallClock(),
      refreshMs: REFRESH_MS,
      onChange: (change) => changes.push(change),
      onError: (error) => errors.push(error),
    });
    await subject.start();
    await clock.tickAsync(REFRESH_MS);
    expect(calls).to.equal(2);
    subject.stop();
    release(selection([entry('B')]));
    await clock.tickAsync(REFRESH_MS * 5);
    expect(calls).to.equal(2);
    expect(tickers(subject.current!.markets)).to.deep.equal(['A']);
    expect(changes).to.have.length(1);
    expect(clock.countTimers()).to.equal(0);
  });

  it('refresh() while one is in flight joins it (no overlapping resolutions)', async () => {
    let calls = 0;
    let release: (value: ResolvedSelection) => void = () => undefined;
    const subject = new SelectionRefresher({
      resolve: () => {
        calls += 1;
        return new Promise((resolve) => {
          release = resolve;
        });
      },
      clock: new WallClock(),
      refreshMs: REFRESH_MS,
      onChange: (change) => changes.push(change),
      onError: (error) => errors.push(error),
    });
    const first = subject.refresh();
    const second = subject.refresh();
    expect(second).to.equal(first);
    release(selection([entry('A')]));
    expect(tickers((await first)!.markets)).to.deep.equal(['A']);
    expect(calls).to.equal(1);
    subject.stop();
  });

  it('an onChange that throws is reported and the refreshes go on', async () => {
    const script = scripted([selection([entry('A')]), selection([entry('B')])]);
    let seen = 0;
    const subject = refresher(script, {
      onChange: () => {
        seen += 1;
        throw new Error('engine busy');
      },
    });
    await subject.start();
    await clock.tickAsync(REFRESH_MS);
    expect(seen).to.equal(2);
    expect(errors.map((error) => error.message)).to.deep.equal(['engine busy', 'engine busy']);
    expect(tickers(subject.current!.markets)).to.deep.equal(['B']);
    subject.stop();
  });

  it('refresherFor: the rules of the config every selection.refresh_s, starting from the explicit markets alone', async () => {
    const volumes = new Map([
      ['KXA-1-T1', '50.00'],
      ['KXA-1-T2', '70.00'],
      ['KXB-1-T1', '90.00'],
    ]);
    const queries: GetMarketsQuery[] = [];
    const source: MarketDataSource = {
      async *markets(query) {
        queries.push(query);
        for (const [ticker, volume] of volumes) {
          if (query.tickers !== undefined && !(query.tickers as string[]).includes(ticker)) continue;
          const market: KalshiMarket = {
            ticker,
            event_ticker: ticker.slice(0, -3),
            status: 'active',
            yes_bid_dollars: '0.4000',
            yes_ask_dollars: '0.4400',
            volume_24h_fp: volume,
            fee_type: 'quadratic',
            fee_multiplier: 1,
          };
          yield market;
        }
      },
      getSeries: () => Promise.reject(new Error('not needed: the listing carries fees')),
    };
    const config = {
      markets: [{ ticker: 'KXB-1-T1', bid_size: 1 }],
      selection: { rules: [{ series: ['KXA'], max_markets: 1, strategy: { min_spread: 4 } }], refresh_s: 60, max_markets: 10, on_remove: 'flatten' },
    } as unknown as AppConfig;
    const subject = refresherFor(config, source, new WallClock(), { onChange: (change) => changes.push(change), onError: (error) => errors.push(error) });
    expect(subject.current!.markets.map((item) => [item.ticker, item.rule, item.overrides])).to.deep.equal([['KXB-1-T1', 'markets', { bid_size: 1 }]]);
    await subject.start();
    expect(changes.map((change) => tickers(change.entered))).to.deep.equal([['KXA-1-T2']]);
    expect(changes[0]!.entered[0]!.overrides).to.deep.equal({ min_spread: 4 });
    expect(queries).to.deep.equal([
      { series_ticker: 'KXA', status: 'open', limit: 1000 },
      { tickers: ['KXB-1-T1'], limit: 1000 },
    ]);
    volumes.set('KXA-1-T1', '80.00');
    await clock.tickAsync(60_000);
    expect(changes.map((change) => [tickers(change.entered), tickers(change.left)])).to.deep.equal([
      [['KXA-1-T2'], []],
      [['KXA-1-T1'], ['KXA-1-T2']],
    ]);
    expect(errors).to.deep.equal([]);
    subject.stop();
  });

  it('refuses a refresh period or a timeout that is not positive', () => {
    const script = scripted([selection([])]);
    expect(
      () => new SelectionRefresher({ resolve: script.resolve, clock: new WallClock(), refreshMs: 0, onChange: () => undefined, onError: () => undefined }),
    ).to.throw(RangeError, /refreshMs/);
    expect(
      () =>
        new SelectionRefresher({
          resolve: script.resolve,
          clock: new WallClock(),
          refreshMs: 1,
          timeoutMs: -1,
          onChange: () => undefined,
          onError: () => undefined,
        }),
    ).to.throw(RangeError, /timeoutMs/);
  });
});
