import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { buildProgram } from '../../src/cli/main.js';
import { ConfigError } from '../../src/config/load.js';
import { configFixture } from '../config/fixture.js';
import { captureOutput, exitCodeOf, run, type Captured } from './capture.js';

function runProgram(args: readonly string[]): Promise<Captured> {
  const { output, captured } = captureOutput();
  return run(buildProgram(output), captured, args);
}

describe('cli/main', () => {
  describe('help', () => {
    const commands: Array<[string[], RegExp]> = [
      [[], /^Usage: mm \[options\] \[command\]/],
      [['start'], /^Usage: mm start \[options\]/],
      [['sim'], /^Usage: mm sim/],
      [['config'], /^Usage: mm config \[options\] \[command\]/],
      [['config', 'check'], /^Usage: mm config check \[options\]/],
      [['config', 'print'], /^Usage: mm config print \[options\]/],
      [['record'], /^Usage: mm record \[options\]/],
      [['replay'], /^Usage: mm replay \[options\] <file>/],
    ];
    for (const [path, usage] of commands) {
      it(`mm ${[...path, '--help'].join(' ')} prints its usage and exits 0`, async () => {
        const captured = await runProgram([...path, '--help']);
        expect(exitCodeOf(captured)).to.equal(0);
        expect(captured.out).to.match(usage);
        expect(captured.err).to.equal('');
      });
    }

    it('the top-level help lists every command', async () => {
      const { out } = await runProgram(['--help']);
      for (const name of ['start', 'sim', 'config', 'record', 'replay']) expect(out).to.match(new RegExp(`^  ${name}\\b`, 'm'));
    });

    it('mm start --help lists the seed flags', async () => {
      const { out } = await runProgram(['start', '--help']);
      for (const flag of [
        '--ticker',
        '--with-private',
        '--min-spread',
        '--bid-size',
        '--exit-size',
        '--sum-cushion',
        '--take-profit',
        '--quote-ttl',
        '--exit-ttl',
        '--max-inventory',
        '--reduce-step',
        '--no-improve',
        '--record',
        '--config',
      ]) {
        expect(out).to.contain(flag);
      }
    });
  });

  describe('usage errors print what is valid and exit non-zero', () => {
    it('an unknown command', async () => {
      const captured = await runProgram(['frobnicate']);
      expect(exitCodeOf(captured)).to.equal(1);
      expect(captured.err).to.contain("error: unknown command 'frobnicate'");
      expect(captured.err).to.match(/Commands:\n\s+start/);
    });

    it('an unknown config subcommand', async () => {
      const captured = await runProgram(['config', 'validate']);
      expect(exitCodeOf(captured)).to.equal(1);
      expect(captured.err).to.contain("error: unknown command 'validate'");
      expect(captured.err).to.contain('check').and.to.contain('print');
    });

    it('an unknown flag', async () => {
      const captured = await runProgram(['start', '--min-sprad', '4']);
      expect(exitCodeOf(captured)).to.equal(1);
      expect(captured.err).to.contain("error: unknown option '--min-sprad'");
      expect(captured.err).to.contain('--min-spread');
    });

    it('a flag value that is not a number', async () => {
      const captured = await runProgram(['start', '--bid-size', 'five']);
      expect(exitCodeOf(captured)).to.equal(1);
      expect(captured.err).to.contain("option '--bid-size <number>' argument 'five' is invalid. not a number.");
    });

    it('no command at all', async () => {
      const captured = await runProgram([]);
      expect(exitCodeOf(captured)).to.equal(1);
      expect(captured.err).to.match(/^Usage: mm/);
    });
  });

  describe('config check and config print', () => {
    let directory: string;
    let rsaKey: string;
    let ecKey: string;

    before(() => {
      directory = mkdtempSync(join(tmpdir(), 'mm-cli-'));
      rsaKey = join(directory, 'rsa.pem');
      writeFileSync(rsaKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }));
      ecKey = join(directory, 'ec.pem');
      writeFileSync(ecKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }));
    });
    after(() => rmSync(directory, { recursive: true, force: true }));
    afterEach(() => sinon.restore());

    function useEnvironment(variables: Record<string, string>): void {
      sinon.stub(process, 'env').value({ ...process.env, ...variables });
    }

    it('check accepts the shipped default config (sim, no credentials)', async () => {
      sinon.stub(process, 'env').value({});
      const captured = await runProgram(['config', 'check']);
      expect(captured.error).to.equal(undefined);
      expect(captured.out).to.equal('config OK: 12 markets, env sim (embedded simulator), no credentials (sim mints an ephemeral key)\n');
    });

    it('check reads the key file named by the environment', async () => {
      useEnvironment({ KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: rsaKey });
      const captured = await runProgram(['config', 'check', '--config', configFixture('prod-minimal.json')]);
      expect(captured.error).to.equal(undefined);
      expect(captured.out).to.equal(`config OK: 2 markets, env prod (wss://external-api-ws.kalshi.com/trade-api/ws/v2), RSA-2048 private key ${rsaKey}\n`);
    });

    it('check fails with exit code 2 on a key that is not RSA, naming the key and the file', async () => {
      useEnvironment({ KALSHI_API_KEY_ID: 'key-123', KALSHI_PRIVATE_KEY_PATH: ecKey });
      const file = configFixture('prod-minimal.json');
      const { error, out } = await runProgram(['config', 'check', '-c', file]);
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).exitCode).to.equal(2);
      expect((error as ConfigError).message)
        .to.contain(file)
        .and.to.contain('credentials.private_key_path');
      expect(out).to.equal('');
    });

    it('check fails with exit code 2 on an invalid file', async () => {
      const file = configFixture('cushion-out-of-range.json');
      const { error } = await runProgram(['config', 'check', '--config', file]);
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.equal(`config file ${file}: strategy.sum_cushion: must be an integer from 0 to 98: value was 120`);
    });

    it('print shows the effective config as JSON, the key id redacted', async () => {
      useEnvironment({ KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY_PATH: rsaKey });
      const captured = await runProgram(['config', 'print', '--config', configFixture('prod-minimal.json')]);
      expect(captured.error).to.equal(undefined);
      const printed = JSON.parse(captured.out) as { credentials: Record<string, string>; strategy: Record<string, unknown> };
      expect(printed.credentials).to.deep.equal({ key_id: '[redacted]', private_key_path: rsaKey });
      expect(printed.strategy['sum_cushion']).to.equal(3);
      expect(captured.out).to.not.contain('a952bcbe');
    });
  });
});
