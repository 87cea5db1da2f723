import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWsUrl, loadConfig, marketParams, redactedConfig } from '../../src/config/load.js';
import { STRATEGY_SCHEMA } from '../../src/config/schema.js';
import { configErrorFrom, configFixture, problemFor, repositoryFile } from './fixture.js';

const NO_ENV = {};

let directory: string;
let written = 0;

/** Writes `content` as a JSON config file in a temporary directory and returns its path. */
function temporaryConfig(content: unknown): string {
  written += 1;
  const file = join(directory, `config-${written}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('config/load', () => {
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-config-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  describe('valid configurations', () => {
    it('fills every key with the seed defaults when the file leaves them out', () => {
      const config = loadConfig({ file: configFixture('sim-overrides.json'), env: NO_ENV });
      expect(config.strategy).to.deep.equal({
        min_spread: 4, // from the file
        bid_size: 5,
        exit_size: 5,
        sum_cushion: 3,
        take_profit: 2,
        quote_ttl_s: 6,
        exit_ttl_s: 20,
        max_inventory: 100,
        reduce_step: 10,
        improve: true,
        thin_queue: 50,
      });
      expect(config.runtime).to.deep.equal({ workers: 2, with_private: true, status_interval_s: 5, max_actor_crashes: 5, crash_window_s: 600, clock: 'wall' });
      expect(config.execution).to.deep.equal({
        mode: 'paper',
        write_tier: 'basic',
        write_tokens_per_s: 0,
        min_order_life_ms: 1000,
        on_start: 'cancel',
        request_timeout_ms: 5000,
      });
      expect(config.log).to.deep.equal({
        level: 'info',
        intents_file: 'logs/intents.jsonl',
        events_file: 'logs/events.jsonl',
        fills_file: 'logs/fills.jsonl',
        summary_file: 'logs/summary.json',
        console: 'pretty',
        rotate_max_bytes: 0,
        rotate_daily: true,
        rotate_keep: 0,
      });
      expect(config.sim.seed).to.equal(1);
      expect(config.exchange).to.deep.equal({ env: 'sim', ws_url: '', rest_url: '', markets_per_connection: 0 });
    });

    it('merges each market overrides over the strategy defaults', () => {
      const config = loadConfig({ file: configFixture('sim-overrides.json'), env: NO_ENV });
      const [first, second] = marketParams(config);
      expect(first).to.deep.equal({ ticker: 'KXSIMA-26DEC31-T1', params: config.strategy });
      expect(second!.ticker).to.equal('KXSIMB-26DEC31-T2');
      expect(second!.params).to.deep.equal({ ...config.strategy, min_spread: 5, bid_size: 2 });
    });

    it('accepts the shipped config files (demo and prod with credentials from the environment)', () => {
      const env = { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY_PATH: '/keys/kalshi.pem' };
      const simulated = loadConfig({ file: repositoryFile('config/default.json'), env: NO_ENV });
      expect(simulated.exchange.env).to.equal('sim');
      expect(simulated.markets).to.have.length(12);
      const demo = loadConfig({ file: repositoryFile('config/demo.json'), env });
      expect(demo.exchange.env).to.equal('demo');
      const production = loadConfig({ file: repositoryFile('config/prod.json'), env });
      expect(production.exchange.env).to.equal('prod');
      expect(production.markets.length).to.be.at.least(90);
      expect(production.execution.mode).to.equal('announce');
      expect(demo.execution.mode).to.equal('announce');
      expect(simulated.execution.mode).to.equal('paper');
    });

    it('fills the credentials from KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH', () => {
      const config = loadConfig({
        file: configFixture('prod-minimal.json'),
        env: { KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: '/secure/kalshi.pem' },
      });
      expect(config.credentials).to.deep.equal({ key_id: 'key-123', private_key_path: '/secure/kalshi.pem' });
    });

    it('accepts real ticker shapes with dots and dashes', () => {
      const config = loadConfig({ env: NO_ENV, overrides: { tickers: ['KXGOLDH-26AUG2711-T4615.99', 'CPI-22DEC-TN0.1'] } });
      expect(config.markets.map((market) => market.ticker)).to.deep.equal(['KXGOLDH-26AUG2711-T4615.99', 'CPI-22DEC-TN0.1']);
    });
  });

  describe('command-line overrides', () => {
    it('replace the markets list and win over the file, per-market overrides included', () => {
      const file = configFixture('sim-overrides.json');
      const config = loadConfig({
        file,
        env: NO_ENV,
        overrides: { strategy: { min_spread: 7, improve: false, quote_ttl_s: 2.5 }, with_private: false },
      });
      expect(config.strategy.min_spread).to.equal(7);
      expect(config.strategy.improve).to.equal(false);
      expect(config.strategy.quote_ttl_s).to.equal(2.5);
      expect(config.runtime.with_private).to.equal(false);
      for (const { params } of marketParams(config)) expect(params.min_spread).to.equal(7);
      expect(marketParams(config)[1]!.params.bid_size).to.equal(2); // not overridden: the file's value stays

      const replaced = loadConfig({ file, env: NO_ENV, overrides: { tickers: ['KXNEW-26DEC31-T9'] } });
      expect(replaced.markets).to.deep.equal([{ ticker: 'KXNEW-26DEC31-T9' }]);
    });

    it('are validated like the file, naming the key and the flag', () => {
      const error = configErrorFrom(() =>
        loadConfig({
          file: configFixture('sim-overrides.json'),
          env: NO_ENV,
          overrides: { strategy: { sum_cushion: 120 }, tickers: ['KXOK-26', 'not a ticker'] },
        }),
      );
      expect(problemFor(error, 'strategy.sum_cushion')).to.match(/integer from 0 to 98: value was 120 \(from --sum-cushion\)/);
      expect(problemFor(error, 'markets[1].ticker')).to.match(/Kalshi ticker.*"not a ticker" \(from --ticker\)/);
    });
  });

  describe('each failure names the key and the file, exit code 2', () => {
    it('an unknown key, at the top or inside a section', () => {
      const file = configFixture('unknown-key.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(error.exitCode).to.equal(2);
      expect(error.file).to.equal(file);
      expect(error.message).to.contain(file);
      expect(problemFor(error, 'exchange.region')).to.match(/unknown key; exchange takes: env, ws_url, rest_url/);
      expect(problemFor(error, 'strategy.min_sprd')).to.match(/unknown key; strategy takes: min_spread/);
      expect(error.message).to.contain('exchange.region').and.to.contain('strategy.min_sprd');
    });

    it('a wrong type, without coercing strings from the file', () => {
      const error = configErrorFrom(() => loadConfig({ file: configFixture('wrong-type.json'), env: NO_ENV }));
      expect(problemFor(error, 'strategy.bid_size')).to.equal('must be an integer from 1 to 1000000: value was "5"');
      expect(problemFor(error, 'strategy.improve')).to.equal('must be true or false: value was "yes"');
      expect(problemFor(error, 'runtime.workers')).to.equal('must be an integer from 1 to 64: value was 1.5');
      expect(error.problems).to.have.length(3);
    });

    it('a value out of range: a cushion of 120 is an error, not a clamp', () => {
      const file = configFixture('cushion-out-of-range.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(error.key).to.equal('strategy.sum_cushion');
      expect(error.message).to.equal(`config file ${file}: strategy.sum_cushion: must be an integer from 0 to 98: value was 120`);
    });

    it('a value out of range even when it is falsy (0, false)', () => {
      const error = configErrorFrom(() => loadConfig({ env: NO_ENV, overrides: { tickers: ['KXA-1'], strategy: { min_spread: 0, quote_ttl_s: 0 } } }));
      expect(problemFor(error, 'strategy.min_spread')).to.match(/from 1 to 98: value was 0/);
      expect(problemFor(error, 'strategy.quote_ttl_s')).to.match(/above 0 and at most 86400: value was 0/);
    });

    it('a ticker listed twice', () => {
      const file = configFixture('duplicate-ticker.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(problemFor(error, 'markets[2].ticker')).to.equal('KXSIMA-26DEC31-T1 is listed twice (also markets[0])');
      expect(error.message).to.contain(file);
    });

    it('a ticker that is not Kalshi-shaped, empty or missing', () => {
      const error = configErrorFrom(() => loadConfig({ file: configFixture('bad-ticker.json'), env: NO_ENV }));
      expect(problemFor(error, 'markets[1].ticker')).to.match(/must be a Kalshi ticker.*"kxsimb-26dec31-t2"/);
      expect(problemFor(error, 'markets[2].ticker')).to.match(/must be a Kalshi ticker.*value was ""/);
      expect(problemFor(error, 'markets[3].ticker')).to.equal('is required');
    });

    it('a bad per-market override, checked with the rules of the strategy key', () => {
      const error = configErrorFrom(() => loadConfig({ file: configFixture('bad-market-override.json'), env: NO_ENV }));
      expect(problemFor(error, 'markets[3].min_spread')).to.equal('must be an integer from 1 to 98: value was 0 (market KXSIMD-26DEC31-T4)');
      expect(problemFor(error, 'markets[3].quote_ttl_s')).to.match(/above 0.*value was -1 \(market KXSIMD-26DEC31-T4\)/);
      expect(problemFor(error, 'markets[3].spread')).to.match(/unknown key \(market KXSIMD-26DEC31-T4\)/);
      for (const key of Object.keys(STRATEGY_SCHEMA)) expect(problemFor(error, 'markets[3].spread')).to.contain(key);
    });

    it('an empty markets list, no list at all, or a market that is not an object', () => {
      const empty = configErrorFrom(() => loadConfig({ env: NO_ENV, overrides: { tickers: [] } }));
      expect(problemFor(empty, 'markets')).to.match(/lists no market; at least one is required/);
      const absent = configErrorFrom(() => loadConfig({ env: NO_ENV }));
      expect(absent.key).to.equal('markets');
      const notObject = configErrorFrom(() => loadConfig({ file: temporaryConfig({ markets: ['KXA-1'] }), env: NO_ENV }));
      expect(problemFor(notObject, 'markets[0]')).to.match(/must be an object like \{"ticker": "KXFOO-26"\}: value was "KXA-1"/);
      const notArray = configErrorFrom(() => loadConfig({ file: temporaryConfig({ markets: 'KXA-1' }), env: NO_ENV }));
      expect(problemFor(notArray, 'markets')).to.match(/must be an array/);
    });

    it('a missing file', () => {
      const file = configFixture('no-such-file.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(error.message).to.equal(`config file ${file}: file not found`);
      expect(error.exitCode).to.equal(2);
    });

    it('a directory given as the file', () => {
      const file = configFixture('');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(error.message).to.match(/is a directory$/);
    });

    it('invalid JSON, on one line, with the line and column when the parser gives a position', () => {
      const file = configFixture('invalid-json.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(error.message).to.match(new RegExp(`^config file ${file}: invalid JSON: Unexpected token '\\]'[^\\n]*$`));
      expect(error.file).to.equal(file);
      const missingComma = join(directory, 'missing-comma.json');
      writeFileSync(missingComma, '{\n  "exchange": {"env": "sim"}\n  "markets": []\n}\n');
      const positioned = configErrorFrom(() => loadConfig({ file: missingComma, env: NO_ENV }));
      expect(positioned.message).to.match(/invalid JSON: .* \(line 3, column 3\)$/);
    });

    it('a section given as a plain value, or a plain value given as an object', () => {
      const error = configErrorFrom(() => loadConfig({ file: configFixture('section-not-object.json'), env: NO_ENV }));
      expect(problemFor(error, 'strategy')).to.match(/must be an object with the keys min_spread, .*: value was 4/);
      expect(problemFor(error, 'log.level')).to.match(/must be a single value, not an object/);
    });

    it('runtime.paper_orders, a retired key: the error names execution.mode', () => {
      const env = { KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: '/secure/kalshi.pem' };
      const file = configFixture('retired-paper-orders.json');
      const error = configErrorFrom(() => loadConfig({ file, env }));
      expect(error.key).to.equal('runtime.paper_orders');
      expect(error.message)
        .to.contain(file)
        .and.to.match(/replaced by execution\.mode/);
    });

    it('execution.mode defaults: paper with sim, announce with demo and prod (a minimal demo config sends nothing)', () => {
      const env = { KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: '/secure/kalshi.pem' };
      const dir = mkdtempSync(join(tmpdir(), 'mode-'));
      try {
        const demoFile = join(dir, 'demo.json');
        writeFileSync(demoFile, JSON.stringify({ exchange: { env: 'demo' }, markets: [{ ticker: 'KXFOO-26' }] }));
        expect(loadConfig({ file: demoFile, env }).execution.mode).to.equal('announce');
        const simFile = join(dir, 'sim.json');
        writeFileSync(simFile, JSON.stringify({ markets: [{ ticker: 'KXFOO-26' }] }));
        expect(loadConfig({ file: simFile, env: NO_ENV }).execution.mode).to.equal('paper');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('execution.mode sandbox and live are modes; paper with prod needs a simulator URL', () => {
      const env = { KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: '/secure/kalshi.pem' };
      const dir = mkdtempSync(join(tmpdir(), 'mode-'));
      try {
        const sandbox = join(dir, 'sandbox.json');
        writeFileSync(sandbox, JSON.stringify({ exchange: { env: 'prod' }, markets: [{ ticker: 'KXFOO-26' }], execution: { mode: 'sandbox' } }));
        expect(loadConfig({ file: sandbox, env }).execution.mode).to.equal('sandbox');
        const live = join(dir, 'live.json');
        writeFileSync(live, JSON.stringify({ markets: [{ ticker: 'KXFOO-26' }], execution: { mode: 'live' } }));
        expect(loadConfig({ file: live, env: NO_ENV }).execution.mode).to.equal('live');
        const paperProd = join(dir, 'paper-prod.json');
        writeFileSync(paperProd, JSON.stringify({ exchange: { env: 'prod' }, markets: [{ ticker: 'KXFOO-26' }], execution: { mode: 'paper' } }));
        expect(
          problemFor(
            configErrorFrom(() => loadConfig({ file: paperProd, env })),
            'execution.mode',
          ),
        ).to.match(/exchange\.rest_url/);
        const paperUrl = join(dir, 'paper-url.json');
        writeFileSync(
          paperUrl,
          JSON.stringify({
            exchange: { env: 'prod', rest_url: 'http://127.0.0.1:9/trade-api/v2' },
            markets: [{ ticker: 'KXFOO-26' }],
            execution: { mode: 'paper' },
          }),
        );
        expect(loadConfig({ file: paperUrl, env }).execution.mode).to.equal('paper');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('missing credentials for prod, naming the environment variables', () => {
      const file = configFixture('prod-minimal.json');
      const error = configErrorFrom(() => loadConfig({ file, env: NO_ENV }));
      expect(problemFor(error, 'credentials.key_id')).to.equal('is required with exchange.env prod (set KALSHI_API_KEY_ID)');
      expect(problemFor(error, 'credentials.private_key_path')).to.equal('is required with exchange.env prod (set KALSHI_PRIVATE_KEY_PATH)');
      expect(error.message).to.contain(file);
    });

    it('only one of the two credentials in sim', () => {
      const error = configErrorFrom(() => loadConfig({ env: { KALSHI_API_KEY_ID: 'key-123' }, overrides: { tickers: ['KXA-1'] } }));
      expect(problemFor(error, 'credentials.private_key_path')).to.match(/set both, or neither/);
    });

    it('every problem at once, in one error', () => {
      const error = configErrorFrom(() =>
        loadConfig({
          file: configFixture('duplicate-ticker.json'),
          env: NO_ENV,
          overrides: { strategy: { take_profit: 99, exit_size: 0 } },
        }),
      );
      expect(error.problems.map((problem) => problem.key)).to.have.members(['strategy.exit_size', 'strategy.take_profit', 'markets[2].ticker']);
      expect(error.message).to.match(/3 problems:\n {2}strategy\./);
    });
  });

  describe('printing and endpoints', () => {
    it('redacts the key id but shows the key path', () => {
      const config = loadConfig({
        file: configFixture('prod-minimal.json'),
        env: { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY_PATH: '/secure/kalshi.pem' },
      });
      const printed = JSON.stringify(redactedConfig(config));
      expect(printed).to.not.contain('a952bcbe');
      expect(printed).to.contain('"key_id":"[redacted]"').and.to.contain('/secure/kalshi.pem');
      expect(config.credentials.key_id).to.equal('a952bcbe-ec3b-4b5b-b8f9-11dae589608c'); // the config itself is untouched
    });

    it("knows Kalshi's dedicated WebSocket hosts and has none for sim", () => {
      expect(defaultWsUrl('prod')).to.equal('wss://external-api-ws.kalshi.com/trade-api/ws/v2');
      expect(defaultWsUrl('demo')).to.equal('wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2');
      expect(defaultWsUrl('sim')).to.equal(undefined);
    });

    it('accepts a loopback ws_url override and refuses other schemes', () => {
      const loopback = 'ws://127.0.0.1:9001/trade-api/ws/v2';
      const config = loadConfig({ file: temporaryConfig({ exchange: { ws_url: loopback }, markets: [{ ticker: 'KXA-1' }] }), env: NO_ENV });
      expect(config.exchange.ws_url).to.equal(loopback);
      const error = configErrorFrom(() =>
        loadConfig({ file: temporaryConfig({ exchange: { ws_url: 'http://127.0.0.1:9001' }, markets: [{ ticker: 'KXA-1' }] }), env: NO_ENV }),
      );
      expect(problemFor(error, 'exchange.ws_url')).to.match(/ws:\/\/ or wss:\/\/ URL.*"http:\/\/127.0.0.1:9001"/);
    });
  });
});

describe('config/schema: the sim.* defaults', () => {
  it('are the embedded simulator defaults', async () => {
    const { EMBEDDED_SIMULATOR_DEFAULTS } = await import('../../src/config/schema.js');
    const { SIMULATOR_DEFAULTS } = await import('../../src/sim/defaults.js');
    const { seed, ratePerMarket, maxRateTotal } = SIMULATOR_DEFAULTS;
    expect(EMBEDDED_SIMULATOR_DEFAULTS).to.deep.equal({ seed, ratePerMarket, maxRateTotal });
  });
});
