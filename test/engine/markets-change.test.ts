/**
 * Markets that enter and leave a running engine, against a simulator on loopback in paper
 * mode: a market added by a reload is reconciled, subscribed and quoted; a removed one stops
 * quoting, has its orders cancelled and is dropped; a leaving market that holds a position is
 * never dropped while it holds it (keep_until_flat), and flatten sells it and then drops it;
 * markets chosen by rules are traded from the start; a reload that may not apply changes
 * nothing, through the control API too.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig, MarketConfig, SelectionConfig } from '../../src/config/types.js';
import { startRuntime, type Runtime } from '../../src/engine/engine.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { countToHundredths } from '../../src/protocol/fixed.js';
import type { Simulator } from '../../src/sim/index.js';
import { PARAMS, readJsonLines, simulatorAccount, until } from './engine-harness.js';

interface Setup {
  readonly dir: string;
  readonly simulator: Simulator;
  readonly client: KalshiRestClient;
  config(markets: readonly MarketConfig[], selection?: Partial<SelectionConfig>): AppConfig;
  close(): Promise<void>;
}

async function setup(tickers: readonly string[] | number): Promise<Setup> {
  // frozen books: nothing trades unless a test crosses the book itself
  const account = await simulatorAccount('mm-markets-change-', {
    ...(typeof tickers === 'number' ? { markets: tickers } : { tickers: [...tickers] }),
    seed: 5,
    ratePerMarket: 0,
  });
  const { dir, simulator, keyId, keyPath } = account;
  return {
    ...account,
    config: (markets, selection) => ({
      exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
      credentials: { key_id: keyId, private_key_path: keyPath },
      markets: markets.map((market) => ({ ...market })),
      ...(selection ? { selection: { rules: [], refresh_s: 3600, max_markets: 100, on_remove: 'keep_until_flat', ...selection } } : {}),
      strategy: { ...PARAMS, quote_ttl_s: 3600, exit_ttl_s: 3600 },
      runtime: { workers: 2, with_private: true, status_interval_s: 1 },
      execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 0, request_timeout_ms: 5_000 },
      log: {
        level: 'info',
        intents_file: join(dir, 'intents.jsonl'),
        events_file: join(dir, 'events.jsonl'),
        fills_file: join(dir, 'fills.jsonl'),
        console: 'off',
      },
      sim: { seed: 5 },
    }),
  };
}

/** Stops the engine (a second stop in `finally` answers the same report) and checks that the venue confirms nothing rests. */
async function stopLeavingNothing(runtime: Runtime): Promise<void> {
  const report = await runtime.stop();
  expect(report.execution!.remaining).to.equal(0);
}

async function resting(client: KalshiRestClient, ticker: string): Promise<number> {
  return (await client.listAllOrders({ status: 'resting', ticker })).length;
}

async function positionOf(client: KalshiRestClient, ticker: string): Promise<number> {
  const found = (await client.getPositions({ ticker })).market_positions.find((entry) => entry.ticker === ticker);
  return found ? countToHundredths(found.position_fp) : 0;
}

/** Buys YES contracts across the frozen book with an IOC order: the account holds a position before the engine starts. */
async function buyYes(client: KalshiRestClient, ticker: string, contracts: number): Promise<void> {
  await client.createOrder({
    ticker,
    client_order_id: `setup-${ticker}-${Date.now()}`,
    side: 'bid',
    count: `${contracts}.00`,
    price: '0.9900',
    time_in_force: 'immediate_or_cancel',
    self_trade_prevention_type: 'taker_at_cross',
    post_only: false,
    reduce_only: false,
  });
}

describe('engine: markets enter and leave while it runs (paper, simulator)', function () {
  this.timeout(90_000);

  it('a market added by a reload is subscribed and quoted; a removed one has its orders cancelled and is dropped', async () => {
    const [A, B, C] = ['KXCHG-26DEC31-T1', 'KXCHG-26DEC31-T2', 'KXCHG-26DEC31-T3'];
    const s = await setup([A!, B!, C!]);
    let runtime: Runtime | undefined;
    try {
      runtime = await startRuntime(s.config([{ ticker: A! }, { ticker: B! }]), { sweepIntervalMs: 100 });
      await until(async () => (await resting(s.client, A!)) > 0 && (await resting(s.client, B!)) > 0, 20_000, 'A and B quoting');
      expect(await resting(s.client, C!)).to.equal(0);

      const result = await runtime.reload(s.config([{ ticker: A! }, { ticker: C! }]));
      expect(result.ok, result.message).to.equal(true);
      expect(result.lines).to.deep.equal([`1 markets enter: ${C}`, `1 markets leave (no more bids; dropped once flat): ${B}`]);
      await until(async () => (await resting(s.client, C!)) > 0, 20_000, 'C quoting');
      await until(() => !runtime!.roster.tickers().includes(B!), 20_000, 'B dropped');
      expect(await resting(s.client, B!)).to.equal(0);
      expect(runtime.gateway.tickers().sort()).to.deep.equal([A, C]);
      expect(runtime.supervisor.shardOf(B!)).to.equal(undefined);
      // B's last intents cancel its bids; nothing after them
      const intentsOfB = readJsonLines<IntentRecord>(join(s.dir, 'intents.jsonl')).filter((intent) => intent.ticker === B);
      const lastQuote = intentsOfB.map((intent) => intent.kind).lastIndexOf('quote');
      expect(intentsOfB.slice(lastQuote + 1).map((intent) => intent.kind)).to.include('cancel');
      await stopLeavingNothing(runtime);
      expect(await resting(s.client, A!)).to.equal(0);
      expect(await resting(s.client, C!)).to.equal(0);
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });

  it('a leaving market with a position is never dropped while it holds it; flatten sells it, then it is dropped', async () => {
    const [KEEP, FLAT, OTHER] = ['KXPOS-26DEC31-T1', 'KXPOS-26DEC31-T2', 'KXPOS-26DEC31-T3'];
    const s = await setup([KEEP!, FLAT!, OTHER!]);
    let runtime: Runtime | undefined;
    try {
      await buyYes(s.client, KEEP!, 3);
      await buyYes(s.client, FLAT!, 3);
      expect(await positionOf(s.client, KEEP!)).to.equal(300);
      expect(await positionOf(s.client, FLAT!)).to.equal(300);
      const all = [{ ticker: KEEP! }, { ticker: FLAT! }, { ticker: OTHER! }];
      runtime = await startRuntime(s.config(all), { sweepIntervalMs: 100 });
      await until(async () => (await resting(s.client, OTHER!)) > 0, 20_000, 'quoting');

      // keep_until_flat: no more bids, the exits stay; the position keeps it
      const intentsFile = join(s.dir, 'intents.jsonl');
      const before = readJsonLines<IntentRecord>(intentsFile).length;
      const kept = await runtime.reload(s.config([{ ticker: FLAT! }, { ticker: OTHER! }], { on_remove: 'keep_until_flat' }));
      expect(kept.ok, kept.message).to.equal(true);
      // flatten: its exits are cancelled and the position is sold into the bid
      const flattened = await runtime.reload(s.config([{ ticker: OTHER! }], { on_remove: 'flatten' }));
      expect(flattened.ok, flattened.message).to.equal(true);
      await until(async () => (await positionOf(s.client, FLAT!)) === 0, 20_000, 'the flattened market sold');
      await until(() => !runtime!.roster.tickers().includes(FLAT!), 20_000, 'the flattened market dropped');
      expect(await resting(s.client, FLAT!)).to.equal(0);

      // many sweeps later the market that holds contracts is still hosted, subscribed and leaving
      const sweepsBefore = Date.now();
      await until(() => Date.now() - sweepsBefore > 2_000, 5_000, 'twenty sweeps');
      expect(await positionOf(s.client, KEEP!)).to.equal(300);
      expect(runtime.roster.tickers()).to.include(KEEP);
      expect(runtime.gateway.tickers()).to.include(KEEP);
      expect(runtime.roster.leaving()).to.deep.equal([{ ticker: KEEP, policy: 'keep_until_flat', waitingFor: 'its position (3 contracts)' }]);
      // it no longer bids: after the reload no entry quote of it, and its exit still rests
      const afterwards = readJsonLines<IntentRecord>(intentsFile)
        .slice(before)
        .filter((intent) => intent.ticker === KEEP);
      expect(afterwards.filter((intent) => intent.kind === 'quote' || intent.kind === 'reprice')).to.deep.equal([]);
      expect(await resting(s.client, KEEP!)).to.be.greaterThan(0);
      await stopLeavingNothing(runtime);
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });

  it('markets chosen by the rules are traded from the start, beside the explicit ones', async () => {
    const s = await setup(12);
    let runtime: Runtime | undefined;
    try {
      const explicit = s.simulator.tickers[0]!;
      const config = s.config([{ ticker: explicit }], { rules: [{ series: ['*'], max_markets: 3 }], max_markets: 4 });
      runtime = await startRuntime(config, { sweepIntervalMs: 100 });
      const hosted = runtime.roster.tickers();
      expect(hosted).to.have.length(4);
      expect(hosted[0]).to.equal(explicit);
      await until(async () => (await Promise.all(hosted.map((ticker) => resting(s.client, ticker)))).every((count) => count > 0), 20_000, 'all four quoting');
      // the rules resolve again: the same markets, nothing changes
      await runtime.refreshSelection();
      expect(runtime.roster.tickers()).to.deep.equal(hosted);
      expect(runtime.roster.leaving()).to.deep.equal([]);
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });

  it('when the rules select other markets on a refresh, the new one enters and the one that closed leaves and is dropped', async () => {
    const s = await setup(8);
    let runtime: Runtime | undefined;
    try {
      runtime = await startRuntime(s.config([], { rules: [{ series: ['*'], max_markets: 2 }], max_markets: 2 }), { sweepIntervalMs: 100 });
      const first = runtime.roster.tickers();
      expect(first).to.have.length(2);
      await until(async () => (await Promise.all(first.map((ticker) => resting(s.client, ticker)))).every((count) => count > 0), 20_000, 'both quoting');
      // one selected market closes: the venue no longer lists it as open, and the next market by score takes its place
      const closing = first[0]!;
      s.simulator.closeMarket(closing, 'determined', 'no');
      await runtime.refreshSelection();
      const entered = runtime.roster.tickers().filter((ticker) => !first.includes(ticker));
      expect(entered).to.have.length(1);
      await until(async () => (await resting(s.client, entered[0]!)) > 0, 20_000, 'the new market quoting');
      await until(() => !runtime!.roster.tickers().includes(closing), 20_000, 'the closed market dropped');
      expect(runtime.gateway.tickers().sort()).to.deep.equal([first[1]!, entered[0]!].sort());
      expect(await resting(s.client, closing)).to.equal(0);
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });

  it('with exchange.markets_per_connection the markets are spread over connections, and a market added past the limit opens one more', async () => {
    const tickers = Array.from({ length: 7 }, (_, index) => `KXCONN-26DEC31-T${index + 1}`);
    const s = await setup(tickers);
    let runtime: Runtime | undefined;
    try {
      const config = (markets: readonly string[]): AppConfig => {
        const base = s.config(markets.map((ticker) => ({ ticker })));
        return { ...base, exchange: { ...base.exchange, markets_per_connection: 2 } };
      };
      runtime = await startRuntime(config(tickers.slice(0, 5)), { sweepIntervalMs: 100 });
      await until(() => runtime!.gateway.statistics().tickersLive === 5, 20_000, 'five books live');
      expect(runtime.gateway.statistics()).to.include({ connectionsOpen: 3, connectionSlots: 3 });
      await until(
        async () => (await Promise.all(tickers.slice(0, 5).map((ticker) => resting(s.client, ticker)))).every((count) => count > 0),
        20_000,
        'five quoting',
      );
      const result = await runtime.reload(config(tickers));
      expect(result.ok, result.message).to.equal(true);
      await until(() => runtime!.gateway.statistics().tickersLive === 7, 20_000, 'seven books live');
      expect(runtime.gateway.statistics()).to.include({ connectionsOpen: 4, connectionSlots: 4 });
      await until(
        async () => (await Promise.all(tickers.slice(5).map((ticker) => resting(s.client, ticker)))).every((count) => count > 0),
        20_000,
        'the added two quoting',
      );
      await stopLeavingNothing(runtime);
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });

  it('a reload that may not apply, or a file that does not load, changes nothing (POST /api/reload says why)', async () => {
    const [A, B] = ['KXBAD-26DEC31-T1', 'KXBAD-26DEC31-T2'];
    const s = await setup([A!, B!]);
    let runtime: Runtime | undefined;
    let next: AppConfig | Error = new Error('not yet');
    try {
      const base = s.config([{ ticker: A! }]);
      const config: AppConfig = { ...base, control: { enabled: true, host: '127.0.0.1', port: 0, token: 'secret-token-0123456789', token_file: '' } };
      runtime = await startRuntime(config, {
        sweepIntervalMs: 100,
        readConfig: () => {
          if (next instanceof Error) throw next;
          return next;
        },
      });
      await until(async () => (await resting(s.client, A!)) > 0, 20_000, 'A quoting');
      const post = async (): Promise<{ status: number; body: { ok: boolean; message?: string; error?: string } }> => {
        const response = await fetch(`${runtime!.control!.url}api/reload`, { method: 'POST', headers: { authorization: 'Bearer secret-token-0123456789' } });
        return { status: response.status, body: (await response.json()) as { ok: boolean; message?: string } };
      };
      next = new Error('markets[0].min_spread: must be an integer from 1 to 99');
      const invalid = await post();
      expect(invalid.status).to.equal(409);
      expect(invalid.body.message).to.match(/the config is refused, the running one stays:\nmarkets\[0\]\.min_spread/);
      // a fixed key changed (and a market added beside it): refused whole, B does not enter
      next = { ...config, markets: [{ ticker: A! }, { ticker: B! }], runtime: { ...config.runtime, workers: 3 } };
      const fixed = await post();
      expect(fixed.status).to.equal(409);
      expect(fixed.body.message).to.match(/^runtime cannot change while running/);
      expect(runtime.roster.tickers()).to.deep.equal([A]);
      expect(await resting(s.client, B!)).to.equal(0);
      // a reload with a ticker is a bad request
      const withTicker = await fetch(`${runtime.control!.url}api/reload?ticker=${A}`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret-token-0123456789' },
      });
      expect(withTicker.status).to.equal(400);
      // a valid one applies
      next = { ...config, markets: [{ ticker: A! }, { ticker: B! }] };
      const valid = await post();
      expect(valid.status, JSON.stringify(valid.body)).to.equal(200);
      expect(valid.body.message).to.equal(`1 markets enter: ${B}`);
      await until(async () => (await resting(s.client, B!)) > 0, 20_000, 'B quoting');
    } finally {
      await runtime?.stop();
      await s.close();
    }
  });
});
