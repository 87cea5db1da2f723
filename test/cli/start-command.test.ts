import { expect } from 'chai';
import { Command } from 'commander';
import sinon from 'sinon';
import { registerStartCommand, type StartRunner } from '../../src/cli/start-command.js';
import { ConfigError, marketParams } from '../../src/config/load.js';
import type { AppConfig } from '../../src/config/types.js';
import type { StartOptions } from '../../src/cli/start.js';
import { configFixture, repositoryFile } from '../config/fixture.js';
import { captureOutput, exitCodeOf, run, type Captured } from './capture.js';

describe('cli/start-command', () => {
  let runner: sinon.SinonStub<Parameters<StartRunner>, ReturnType<StartRunner>>;
  let exitCodeBefore: typeof process.exitCode;

  beforeEach(() => {
    runner = sinon.stub<Parameters<StartRunner>, ReturnType<StartRunner>>().resolves(0);
    exitCodeBefore = process.exitCode;
    sinon.stub(process, 'env').value({});
  });
  afterEach(() => {
    process.exitCode = exitCodeBefore;
    sinon.restore();
  });

  function start(args: readonly string[]): Promise<Captured> {
    const { output, captured } = captureOutput();
    const program = new Command('mm').exitOverride().configureOutput(output);
    registerStartCommand(program, runner);
    return run(program, captured, ['start', ...args]);
  }

  function started(): { config: AppConfig; options: StartOptions } {
    expect(runner.calledOnce, 'the runtime was started').to.equal(true);
    const [config, options] = runner.firstCall.args;
    return { config, options };
  }

  it('without flags runs the file as it is', async () => {
    const file = configFixture('sim-overrides.json');
    await start(['--config', file]);
    const { config, options } = started();
    const { reload, ...rest } = options;
    expect(rest).to.deep.equal({ configPath: file });
    // SIGHUP rereads the same file with the same flags
    expect(reload?.().strategy.min_spread).to.equal(4);
    expect(config.strategy.min_spread).to.equal(4);
    expect(config.strategy.improve).to.equal(true);
    expect(config.runtime.with_private).to.equal(true);
    expect(marketParams(config)[1]!.params.min_spread).to.equal(5);
  });

  it('uses config/default.json of the package by default', async () => {
    await start([]);
    const { config, options } = started();
    expect(options.configPath).to.equal(repositoryFile('config/default.json'));
    expect(config.markets).to.have.length(12);
  });

  it('seed flags override the file, per-market overrides included', async () => {
    await start([
      '--config',
      configFixture('sim-overrides.json'),
      '--min-spread',
      '6',
      '--bid-size',
      '7',
      '--exit-size',
      '8',
      '--sum-cushion',
      '9',
      '--take-profit',
      '4',
      '--quote-ttl',
      '2.5',
      '--exit-ttl',
      '30',
      '--max-inventory',
      '50',
      '--reduce-step',
      '5',
      '--no-improve',
      '--no-with-private',
      '--record',
      '/tmp/feed.jsonl',
    ]);
    const { config, options } = started();
    expect(config.strategy).to.deep.equal({
      min_spread: 6,
      bid_size: 7,
      exit_size: 8,
      sum_cushion: 9,
      take_profit: 4,
      quote_ttl_s: 2.5,
      exit_ttl_s: 30,
      max_inventory: 50,
      reduce_step: 5,
      improve: false,
      thin_queue: 50,
    });
    expect(config.runtime.with_private).to.equal(false);
    for (const { params } of marketParams(config)) {
      expect(params.min_spread).to.equal(6);
      expect(params.bid_size).to.equal(7);
    }
    expect(options.record).to.equal('/tmp/feed.jsonl');
    expect(process.exitCode).to.equal(0);
  });

  it('--ticker replaces the markets list; repeatable and comma-separated', async () => {
    await start(['--config', configFixture('sim-overrides.json'), '--ticker', 'KXA-26DEC31-T1,KXB-26DEC31-T2', '--ticker', 'CPI-22DEC-TN0.1']);
    expect(started().config.markets).to.deep.equal([{ ticker: 'KXA-26DEC31-T1' }, { ticker: 'KXB-26DEC31-T2' }, { ticker: 'CPI-22DEC-TN0.1' }]);
  });

  it('the last of --no-with-private and --with-private wins', async () => {
    await start(['--config', configFixture('sim-overrides.json'), '--no-with-private', '--with-private']);
    expect(started().config.runtime.with_private).to.equal(true);
  });

  it('a flag out of range is a config error naming the key and the flag; nothing starts', async () => {
    const { error } = await start(['--config', configFixture('sim-overrides.json'), '--sum-cushion', '120']);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).exitCode).to.equal(2);
    expect((error as ConfigError).message).to.match(/strategy\.sum_cushion: must be an integer from 0 to 98: value was 120 \(from --sum-cushion\)/);
    expect(runner.called).to.equal(false);
  });

  it('a bad config file stops before anything starts', async () => {
    const { error } = await start(['--config', configFixture('duplicate-ticker.json')]);
    expect((error as ConfigError).key).to.equal('markets[2].ticker');
    expect(runner.called).to.equal(false);
  });

  it('a bad key file stops before anything starts', async () => {
    sinon.restore();
    sinon.stub(process, 'env').value({ KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: '/nonexistent/kalshi.pem' });
    const { error } = await start(['--config', configFixture('prod-minimal.json')]);
    expect((error as ConfigError).key).to.equal('credentials.private_key_path');
    expect((error as ConfigError).message).to.contain('file not found');
    expect(runner.called).to.equal(false);
  });

  it('the runtime exit code becomes the process exit code', async () => {
    runner.resolves(3);
    await start(['--config', configFixture('sim-overrides.json')]);
    expect(process.exitCode).to.equal(3);
  });

  it('a missing flag value is a usage error', async () => {
    const captured = await start(['--min-spread']);
    expect(exitCodeOf(captured)).to.equal(1);
    expect(captured.err).to.contain("option '--min-spread <number>' argument missing");
  });
});
