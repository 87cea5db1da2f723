import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fillsJournal, writeBacktest } from '../../src/backtest/output.js';
import { runRecording } from '../../src/backtest/run.js';
import { parseAssignment, parseSweep, resolveSettings } from '../../src/backtest/settings.js';
import { chainedDrawdown, setJson } from '../../src/backtest/summary.js';
import { executePlan, parameterGrid, planBacktest } from '../../src/backtest/sweep.js';
import { buildProgram } from '../../src/cli/main.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseFillRecord } from '../../src/portfolio/fill-record.js';
import { captureOutput, run } from '../cli/capture.js';
import { tempDirectory, type TempDirectory } from '../replay/temp-directory.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
const LEGACY = fileURLToPath(new URL('../fixtures/recordings/sim-legacy-cents.jsonl.gz', import.meta.url));

/** What a set's result says, without its index (compared between a sweep and single runs). */
function figures(set: ReturnType<typeof setJson>): unknown {
  const { index: _index, ...rest } = set;
  return rest;
}

describe('backtest', function () {
  this.timeout(120_000);
  let temp: TempDirectory;
  beforeEach(() => {
    temp = tempDirectory();
  });
  afterEach(() => temp.remove());

  describe('settings', () => {
    it('takes the strategy, markets, execution and backtest keys, with --set overrides winning over per-market ones', () => {
      const settings = resolveSettings(
        { strategy: { min_spread: 4 }, markets: [{ ticker: 'KXA-26', min_spread: 6, bid_size: 2 }], backtest: { queue_model: 'probabilistic' } },
        [parseAssignment('min_spread=5'), parseAssignment('execution.min_order_life_ms=0'), parseAssignment('backtest.entry_latency_ms=20')],
      );
      expect(settings.strategy.min_spread).to.equal(5);
      expect(settings.markets).to.deep.equal([{ ticker: 'KXA-26', bid_size: 2 }]);
      expect(settings.execution).to.include({ min_order_life_ms: 0, mode: 'sandbox' });
      expect(settings.backtest).to.include({ queue_model: 'probabilistic', entry_latency_ms: 20, cancel_latency_ms: 50 });
      expect(resolveSettings({}, [parseAssignment('markets=KXA-26,KXB-26')]).markets).to.deep.equal([{ ticker: 'KXA-26' }, { ticker: 'KXB-26' }]);
    });

    it('reports every bad key and value at once', () => {
      let error: unknown;
      try {
        resolveSettings({ strategy: { min_spread: 0 } }, [
          parseAssignment('backtest.queue_model=optimistic'),
          parseAssignment('log.level=debug'),
          parseAssignment('execution.nope=1'),
        ]);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const keys = (error as ConfigError).problems.map((problem) => problem.key);
      expect(keys).to.have.members(['strategy.min_spread', 'backtest.queue_model', 'log.level', 'execution.nope']);
      expect(() => parseSweep('min_spread=')).to.throw(ConfigError);
      expect(() => parseAssignment('no-equals')).to.throw(ConfigError, /key=value/);
      expect(() => planBacktest([FIXTURE], {}, [], [parseSweep('min_spread=2,3'), parseSweep('strategy.min_spread=4')])).to.throw(ConfigError, /swept twice/);
    });

    it('the grid varies the first key slowest', () => {
      expect(
        parameterGrid([
          { key: 'a', values: [1, 2] },
          { key: 'b', values: ['x', 'y'] },
        ]).map((set) => set.map((p) => `${p.key}=${String(p.value)}`).join(' ')),
      ).to.deep.equal(['a=1 b=x', 'a=1 b=y', 'a=2 b=x', 'a=2 b=y']);
    });
  });

  describe('a run', () => {
    it("trades the recording's markets through the makers: fills in the journal equal the portfolio", async () => {
      const settings = resolveSettings({}, []);
      const result = await runRecording(FIXTURE, settings);
      expect(result.tickers).to.deep.equal(['KXRPLA-26SEP30-T40', 'KXRPLB-26SEP30-T55', 'KXRPLC-26SEP30-T62', 'KXRPLD-26SEP30-T75']);
      expect(result.counts.framesUsed).to.be.greaterThan(1000);
      expect(result.fills.length).to.be.greaterThan(10);
      expect(result.counts.restingAtEnd).to.equal(0);
      expect(result.problems).to.deep.equal([]);
      for (const market of result.markets) {
        const mine = result.fills.filter((fill) => fill.ticker === market.pnl.ticker);
        expect(market.pnl.fills).to.equal(mine.length);
        expect(market.pnl.volume).to.equal(mine.reduce((sum, fill) => sum + fill.count, 0));
        expect(market.quotedMs).to.be.at.most(market.observedMs + 1);
      }
      // every fill is a maker fill at or inside the recorded book (post-only quotes, no reduce-only taken)
      expect(result.fills.every((fill) => fill.clientOrderId?.startsWith('bt-'))).to.equal(true);
      expect(result.series.t.length).to.be.greaterThan(100);
    });

    it('a market list limits the run; a legacy-cents recording runs too', async () => {
      const one = await runRecording(FIXTURE, resolveSettings({}, [parseAssignment('markets=KXRPLA-26SEP30-T40')]));
      expect(one.tickers).to.deep.equal(['KXRPLA-26SEP30-T40']);
      expect(new Set(one.fills.map((fill) => fill.ticker))).to.deep.equal(new Set(['KXRPLA-26SEP30-T40']));
      const legacy = await runRecording(LEGACY, resolveSettings({}, []));
      expect(legacy.counts.framesUsed).to.be.greaterThan(500);
      expect(legacy.fills.length).to.be.greaterThan(0);
      expect(legacy.problems).to.deep.equal([]);
    });

    it('is deterministic: two runs write byte-identical fills and summary', async () => {
      const plan = planBacktest([FIXTURE], {}, [parseAssignment('backtest.queue_model=probabilistic')], []);
      const first = writeBacktest(temp.file('a'), await executePlan(plan), plan.swept);
      const second = writeBacktest(temp.file('b'), await executePlan(plan), plan.swept);
      const fillsA = readFileSync(temp.file('a/fills.jsonl'), 'utf8');
      expect(fillsA.split('\n').filter(Boolean).length).to.be.greaterThan(10);
      for (const line of fillsA.split('\n').filter(Boolean)) parseFillRecord(line); // strict journal lines
      expect(fillsA).to.equal(readFileSync(temp.file('b/fills.jsonl'), 'utf8'));
      expect(readFileSync(temp.file('a/summary.json'), 'utf8')).to.equal(readFileSync(temp.file('b/summary.json'), 'utf8'));
      expect(first.summary.sets[0]!.total.fills).to.equal(second.summary.sets[0]!.total.fills);
    });
  });

  describe('a sweep', () => {
    it('of 4 parameter sets gives 4 results, each identical to a single run of that set', async () => {
      const sweeps = [parseSweep('min_spread=2,4'), parseSweep('backtest.queue_model=risk_averse,probabilistic')];
      const plan = planBacktest([FIXTURE], {}, [parseAssignment('execution.min_order_life_ms=500')], sweeps);
      expect(plan.sets).to.have.length(4);
      const swept = await executePlan(plan, { threads: 2 });
      expect(swept).to.have.length(4);
      const written = writeBacktest(temp.file('sweep'), swept, plan.swept);
      expect(written.summary.swept).to.deep.equal(['strategy.min_spread', 'backtest.queue_model']);
      expect(written.summary.sets.map((set) => set.parameters)).to.deep.equal([
        { 'strategy.min_spread': 2, 'backtest.queue_model': 'risk_averse' },
        { 'strategy.min_spread': 2, 'backtest.queue_model': 'probabilistic' },
        { 'strategy.min_spread': 4, 'backtest.queue_model': 'risk_averse' },
        { 'strategy.min_spread': 4, 'backtest.queue_model': 'probabilistic' },
      ]);
      for (const set of swept) {
        const single = planBacktest([FIXTURE], {}, [parseAssignment('execution.min_order_life_ms=500'), ...set.parameters], []);
        const [alone] = await executePlan(single);
        expect(figures(setJson({ ...alone!, parameters: set.parameters })), `set ${set.index}`).to.deep.equal(figures(setJson(set)));
        expect(fillsJournal(alone!)).to.equal(fillsJournal(set));
        expect(readFileSync(temp.file(`sweep/fills-${set.index}.jsonl`), 'utf8')).to.equal(fillsJournal(alone!));
      }
      const nets = new Set(written.summary.sets.map((set) => set.total.net));
      expect(nets.size, 'the parameters change the outcome').to.be.greaterThan(1);
    });
  });

  describe('summary figures', () => {
    it("the total drawdown chains the recordings' curves end to end", () => {
      expect(
        chainedDrawdown([
          [0, 5, 2],
          [1, -4, 3],
        ]),
      ).to.equal(7); // levels 0 5 2, then 3 -2 5: from the peak 5 down to -2
      expect(chainedDrawdown([])).to.equal(0);
    });
  });

  describe('mm backtest', () => {
    it('writes summary.json, fills.jsonl and report.html into --out and prints each set', async () => {
      const { output, captured } = captureOutput();
      const lines: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
      const stderr = process.stderr.write.bind(process.stderr);
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        await run(buildProgram(output), captured, ['backtest', FIXTURE, '--out', temp.file('cli'), '--set', 'bid_size=3']);
      } finally {
        process.stdout.write = write;
        process.stderr.write = stderr;
      }
      expect(captured.error).to.equal(undefined);
      expect(process.exitCode ?? 0).to.equal(0);
      for (const name of ['summary.json', 'fills.jsonl', 'report.html']) expect(existsSync(temp.file(`cli/${name}`)), name).to.equal(true);
      const summary = JSON.parse(readFileSync(temp.file('cli/summary.json'), 'utf8'));
      expect(summary.sets[0].settings.strategy.bid_size).to.equal(3);
      expect(lines.join('')).to.match(/^set 0: net -?\d+\.\d{6} \(realized/m);
      process.exitCode = undefined;
    });

    it('--config reads the strategy, markets, execution and backtest sections of a config file', async () => {
      const config = temp.file('config.json');
      writeFileSync(
        config,
        JSON.stringify({
          exchange: { env: 'sim' },
          strategy: { bid_size: 2 },
          markets: [{ ticker: 'KXRPLC-26SEP30-T62', take_profit: 3 }],
          execution: { min_order_life_ms: 0 },
          backtest: { queue_model: 'probabilistic', queue_exponent: 2 },
        }),
      );
      const { output, captured } = captureOutput();
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (() => true) as typeof process.stdout.write;
      const stderr = process.stderr.write.bind(process.stderr);
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        await run(buildProgram(output), captured, ['backtest', FIXTURE, '--config', config, '--out', temp.file('cfg')]);
      } finally {
        process.stdout.write = write;
        process.stderr.write = stderr;
      }
      expect(captured.error).to.equal(undefined);
      const summary = JSON.parse(readFileSync(temp.file('cfg/summary.json'), 'utf8'));
      expect(summary.sets[0].settings.markets).to.deep.equal([{ ticker: 'KXRPLC-26SEP30-T62', take_profit: 3 }]);
      expect(summary.sets[0].settings.backtest).to.include({ queue_model: 'probabilistic', queue_exponent: 2 });
      expect(summary.sets[0].markets.map((market: { ticker: string }) => market.ticker)).to.deep.equal(['KXRPLC-26SEP30-T62']);
      process.exitCode = undefined;
    });

    it('a missing recording is exit 1 with the reason; a bad --set is a ConfigError', async () => {
      const { output, captured } = captureOutput();
      const errors: string[] = [];
      const stderr = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
      try {
        await run(buildProgram(output), captured, ['backtest', temp.file('missing.jsonl.gz'), '--out', temp.file('x')]);
      } finally {
        process.stderr.write = stderr;
      }
      expect(process.exitCode).to.equal(1);
      expect(errors.join('')).to.match(/file not found/);
      process.exitCode = undefined;
      const bad = captureOutput();
      await run(buildProgram(bad.output), bad.captured, ['backtest', FIXTURE, '--set', 'backtest.sample_ms=0']);
      expect(bad.captured.error).to.be.instanceOf(ConfigError);
      expect((bad.captured.error as ConfigError).key).to.equal('backtest.sample_ms');
    });
  });
});
