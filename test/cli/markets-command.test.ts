import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { KalshiRequestError, KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import { buildProgram, main } from '../../src/cli/main.js';
import { wallClock } from '../../src/clock/clock.js';
import { ConfigError } from '../../src/config/load.js';
import { marketInfoFrom } from '../../src/selection/resolver.js';
import { selectMarkets, type SelectionRule } from '../../src/selection/rules.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { captureOutput, run, type Captured } from './capture.js';

function runProgram(args: readonly string[]): Promise<Captured> {
  const { output, captured } = captureOutput();
  return run(buildProgram(output), captured, args);
}

interface JsonMarket {
  ticker: string;
  rule: string;
  rule_index: number;
  strategy: Record<string, unknown>;
  listed: boolean;
  yes_bid?: number;
  yes_ask?: number;
  spread?: number;
  volume_24h_fp?: string;
  status?: string;
  fee_type?: string | null;
}

describe('cli/markets', () => {
  let directory: string;
  let sim: Simulator;
  let files = 0;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'mm-markets-'));
    sim = await startSimulator({ markets: 250, autoRun: false, seed: 21, closeChancePerStep: 0 });
    sim.step(120);
    sim.closeMarket(sim.tickers[1]!, 'deactivated');
  });

  after(async () => {
    await sim.close();
    rmSync(directory, { recursive: true, force: true });
  });

  afterEach(() => sinon.restore());

  function configFile(content: unknown): string {
    files += 1;
    const path = join(directory, `config-${files}.json`);
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  const RULES: SelectionRule[] = [
    { name: 'tight', series: ['KXSIM*'], min_volume_24h: 1, max_spread: 3, max_markets: 6, strategy: { bid_size: 2 } },
    { name: 'kxsimc', series: ['KXSIMC'], max_markets: 3 },
  ];

  function simConfig(extra: Record<string, unknown> = {}): string {
    return configFile({
      exchange: { env: 'sim', rest_url: sim.restUrl },
      markets: [{ ticker: sim.tickers[1]!, min_spread: 5 }],
      selection: { rules: RULES, max_markets: 9 },
      ...extra,
    });
  }

  /** What the rules select over everything the simulator lists, computed apart from the command. */
  async function expectedTickers(): Promise<string[]> {
    const client = new KalshiRestClient({ baseUrl: sim.restUrl, clock: wallClock });
    try {
      const all = (await client.listAllMarkets({ limit: 1000 })).map((market) => marketInfoFrom(market));
      return selectMarkets(RULES, all, Date.now(), { explicit: [{ ticker: sim.tickers[1]!, min_spread: 5 }], maxMarkets: 9 }).map((entry) => entry.ticker);
    } finally {
      await client.close();
    }
  }

  it("prints a table of what the rules select now: the explicit market first, then each rule's picks", async () => {
    const captured = await runProgram(['markets', '--config', simConfig()]);
    expect(captured.error).to.equal(undefined);
    const lines = captured.out.trimEnd().split('\n');
    expect(lines[0]).to.match(
      new RegExp(`^9 markets selected \\(1 from markets, 8 by rules\\) of 250 listed by ${sim.restUrl.replace(/[./]/g, '\\$&')} at \\d{4}-`),
    );
    expect(lines[1]!.split(/\s{2,}/)).to.deep.equal(['TICKER', 'RULE', 'VOLUME 24H', 'OPEN INT', 'BID/ASK', 'SPREAD', 'CLOSES']);
    const rows = lines.slice(2).map((line) => line.trim().split(/\s+/));
    expect(rows.map((row) => row[0])).to.deep.equal(await expectedTickers());
    expect(rows[0]!.slice(0, 2)).to.deep.equal([sim.tickers[1]!, 'markets']);
    expect(rows.slice(1, 7).every((row) => row[1] === 'tight')).to.equal(true);
    expect(rows.slice(7).every((row) => row[1] === 'kxsimc' && row[0]!.startsWith('KXSIMC-'))).to.equal(true);
    for (const row of rows.slice(1, 7)) {
      const [bid, ask] = row[4]!.split('/').map(Number);
      expect(Number(row[5])).to.equal(ask! - bid!);
      expect(Number(row[5])).to.be.at.most(3);
      expect(Number(row[2])).to.be.at.least(1);
    }
    expect(captured.err).to.equal('');
  });

  it('--json prints the same selection as JSON, prices in cents and counts as fixed-point strings', async () => {
    const captured = await runProgram(['markets', '--config', simConfig(), '--json']);
    expect(captured.error).to.equal(undefined);
    const parsed = JSON.parse(captured.out) as { venue: string; listed: number; markets: JsonMarket[]; warnings: string[] };
    expect(parsed.venue).to.equal(sim.restUrl);
    expect(parsed.listed).to.equal(250);
    expect(parsed.markets.map((market) => market.ticker)).to.deep.equal(await expectedTickers());
    const [explicit, ...picked] = parsed.markets;
    expect(explicit).to.deep.include({ rule: 'markets', rule_index: -1, strategy: { min_spread: 5 }, listed: true, status: 'inactive' });
    for (const market of picked) {
      expect(market.status).to.equal('active');
      expect(market.spread).to.equal(market.yes_ask! - market.yes_bid!);
      expect(market.volume_24h_fp).to.match(/^\d+\.\d\d$/);
      expect(market.fee_type).to.be.a('string');
    }
    expect(picked.filter((market) => market.rule === 'tight').every((market) => market.strategy['bid_size'] === 2)).to.equal(true);
    expect(parsed.warnings).to.deep.equal([]);
  });

  it('with exchange.env sim and no rest_url: the embedded simulator, started and closed by the command', async () => {
    const path = configFile({
      exchange: { env: 'sim' },
      markets: [],
      selection: { rules: [{ series: ['KXSIM*'], max_markets: 4 }] },
      sim: { seed: 3, rate_per_market: 0 },
    });
    const captured = await runProgram(['markets', '--config', path]);
    expect(captured.error).to.equal(undefined);
    const lines = captured.out.trimEnd().split('\n');
    expect(lines[0]).to.match(
      /^4 markets selected \(0 from markets, 4 by rules\) of 10 listed by embedded simulator http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2 at /,
    );
    expect(lines.slice(2).map((line) => line.split(/\s+/)[1])).to.deep.equal(['rules[0]', 'rules[0]', 'rules[0]', 'rules[0]']);
    const none = await runProgram([
      'markets',
      '--config',
      configFile({ exchange: { env: 'sim' }, markets: [], selection: { rules: [{ min_volume_24h: 1_000_000 }] }, sim: { rate_per_market: 0 } }),
    ]);
    expect(none.out).to.match(/^0 markets selected \(0 from markets, 0 by rules\) of 10 listed by embedded simulator .*\n$/);
  });

  it('an explicit market the venue does not list is shown with dashes and a warning on stderr', async () => {
    const path = configFile({ exchange: { env: 'sim', rest_url: sim.restUrl }, markets: [{ ticker: 'KXNOPE-26JAN01-T1' }] });
    const captured = await runProgram(['markets', '--config', path]);
    expect(captured.out.split('\n')[2]!.split(/\s+/)).to.deep.equal(['KXNOPE-26JAN01-T1', 'markets', '-', '-', '-', '-', '-']);
    expect(captured.err).to.equal('warning: KXNOPE-26JAN01-T1 (in markets) is not listed by the venue\n');
  });

  it('a venue that cannot be reached is an error (exit 1 from main), a bad rule a ConfigError (exit 2)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const unreachable = configFile({ exchange: { env: 'sim', rest_url: `http://127.0.0.1:${port}/trade-api/v2` }, markets: [], selection: { rules: [{}] } });
    const captured = await runProgram(['markets', '--config', unreachable]);
    expect(captured.error).to.be.instanceOf(KalshiRequestError);
    expect((captured.error as Error).message).to.match(/^GET \/trade-api\/v2\/markets: ECONNREFUSED/);

    const stderr = sinon.stub(process.stderr, 'write').returns(true);
    const exitCode = process.exitCode;
    try {
      await main(['node', 'mm', 'markets', '--config', unreachable]);
      expect(process.exitCode).to.equal(1);
      expect(String(stderr.firstCall.args[0])).to.match(/^mm: GET \/trade-api\/v2\/markets: ECONNREFUSED/);
    } finally {
      process.exitCode = exitCode;
      stderr.restore();
    }

    const bad = await runProgram(['markets', '--config', configFile({ markets: [], selection: { rules: [{ max_spread: 0 }] } })]);
    expect(bad.error).to.be.instanceOf(ConfigError);
    expect((bad.error as ConfigError).exitCode).to.equal(2);
    expect((bad.error as ConfigError).problems).to.deep.equal([
      { key: 'selection.rules[0].max_spread', message: 'must be an integer from 1 to 100 (ticks): value was 0' },
    ]);
  });

  it('mm markets --help describes the command', async () => {
    const captured = await runProgram(['markets', '--help']);
    expect(captured.out).to.match(/^Usage: mm markets \[options\]/);
    expect(captured.out).to.contain('--json').and.to.contain('--config');
    expect((await runProgram(['--help'])).out).to.match(/^ {2}markets\b/m);
  });
});
