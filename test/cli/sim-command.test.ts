import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyFileError, authHeaders, parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { REST_PREFIX } from '../../src/protocol/wire.js';
import { readKeysFile } from '../../src/sim/index.js';
import { TestClient } from '../sim/sim-client.js';

const RUNNER = fileURLToPath(new URL('../sim/fixtures/run-sim-command.ts', import.meta.url));

interface Running {
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  waitForLine(): Promise<string>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state: Running = {
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
    waitForLine: () =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (state.stdout.includes('\n')) resolve(state.stdout.split('\n')[0]!);
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`exited before printing a line: ${state.stderr}`)));
        check();
      }),
  };
  child.stdout.on('data', (chunk: Buffer) => (state.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (state.stderr += chunk.toString('utf8')));
  return state;
}

describe('sim/cli', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-sim-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--make-key writes a private key and a keys file, prints the key id and paths, exits 0', async () => {
    const made = run(['--make-key', dir]);
    expect(await made.exited).to.equal(0);
    const keyId = /key id: (\S+)/.exec(made.stdout)![1]!;
    expect(made.stdout).to.include(`private key: ${join(dir, 'sim-private-key.pem')}`);
    expect(made.stdout).to.include(`keys file: ${join(dir, 'sim-keys.json')}`);
    expect(Object.keys(readKeysFile(join(dir, 'sim-keys.json')))).to.deep.equal([keyId]);
  });

  it('prints one listening line, serves signed clients, and exits 0 on SIGTERM', async () => {
    const keyId = Object.keys(readKeysFile(join(dir, 'sim-keys.json')))[0]!;
    const sim = run(['--port', '0', '--markets', '3', '--seed', '5', '--keys', join(dir, 'sim-keys.json'), '--ping-interval', '0']);
    const line = await sim.waitForLine();
    expect(line).to.match(/^listening ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2$/);
    const privateKey = parseRsaPrivateKey(readFileSync(join(dir, 'sim-private-key.pem'), 'utf8'));
    const client = await TestClient.connect(line.slice('listening '.length), { keyId, privateKey, publicKeyPem: '' }, Date.now());
    const [acks] = await client.command('subscribe', { channels: ['ticker'], send_initial_snapshot: true });
    expect(acks!.type).to.equal('subscribed');
    await client.waitUntil(() => client.frames.filter((frame) => frame.type === 'ticker').length >= 3);
    sim.kill('SIGTERM');
    expect(await sim.exited).to.equal(0);
    await client.waitUntil(() => client.closed);
    expect(sim.stdout.trim().split('\n')).to.have.length(1);
  });

  it('exits 1 with a clear message on a bad keys file or a bad fault spec', async () => {
    const missing = run(['--keys', join(dir, 'absent.json')]);
    expect(await missing.exited).to.equal(1);
    expect(missing.stderr).to.match(/keys file .*absent\.json: file not found/);
    const badFault = run(['--fault', 'explode:every=3']);
    expect(await badFault.exited).to.equal(1);
    expect(badFault.stderr).to.match(/unknown fault kind/);
  });

  it('takes the venue options: fees per series, starting balance, no crowd, write budget; refuses bad ones', async () => {
    const keyId = Object.keys(readKeysFile(join(dir, 'sim-keys.json')))[0]!;
    const privateKey = parseRsaPrivateKey(readFileSync(join(dir, 'sim-private-key.pem'), 'utf8'));
    const sim = run([
      '--markets',
      '0',
      '--tickers',
      'CLIFEE-26JAN01-T1',
      '--keys',
      join(dir, 'sim-keys.json'),
      '--ping-interval',
      '0',
      '--fee',
      'CLIFEE=quadratic_with_maker_fees:0.5',
      '--starting-balance',
      '250.50',
      '--no-crowd',
      '--rate-limit',
      'prime',
    ]);
    const line = await sim.waitForLine();
    const base = `http://${line.slice('listening ws://'.length).split('/')[0]}${REST_PREFIX}`;
    const series = (await (await fetch(`${base}/series/CLIFEE`)).json()) as { series: Record<string, unknown> };
    expect(series.series).to.deep.include({ fee_type: 'quadratic_with_maker_fees', fee_multiplier: 0.5 });
    const path = `${REST_PREFIX}/portfolio/balance`;
    const balance = await fetch(`${base}/portfolio/balance`, { headers: authHeaders(keyId, privateKey, Date.now(), 'GET', path) });
    expect(((await balance.json()) as { balance: number }).balance).to.equal(25_050);
    const market = (await (await fetch(`${base}/markets/CLIFEE-26JAN01-T1`)).json()) as { market: Record<string, unknown> };
    expect(market.market).to.deep.include({ yes_bid_dollars: '0.0000', yes_ask_dollars: '1.0000' });
    sim.kill('SIGTERM');
    expect(await sim.exited).to.equal(0);
    for (const args of [
      ['--rate-limit', 'gold'],
      ['--fee', 'X=cubic'],
      ['--starting-balance', '1.005'],
    ]) {
      const bad = run(args);
      expect(await bad.exited, args.join(' ')).to.equal(1);
      expect(bad.stderr).to.match(/invalid/);
    }
  });

  it('readKeysFile checks the contract: a JSON object of key id to RSA public key PEM', () => {
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(() => readKeysFile(write('array.json', '[]'))).to.throw(KeyFileError, /JSON object/);
    expect(() => readKeysFile(write('broken.json', '{'))).to.throw(KeyFileError, /not valid JSON/);
    expect(() => readKeysFile(write('number.json', '{"k":1}'))).to.throw(KeyFileError, /not a PEM string/);
    expect(() => readKeysFile(write('junk.json', '{"k":"hello"}'))).to.throw(KeyFileError, /not a PEM public key/);
    expect(existsSync(join(dir, 'sim-keys.json'))).to.equal(true);
  });
});
