import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRecording } from '../../src/replay/recording-reader.js';
import { keysOption, testKey, TestClient } from '../sim/sim-client.js';
import { tempDirectory, type TempDirectory } from '../replay/temp-directory.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));

interface Running {
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
}

function run(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state: Running = {
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
    waitFor: (pattern, stream = 'stdout') =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = state[stream].match(pattern);
          if (match) resolve(match);
        };
        child[stream].on('data', check);
        child.once('exit', () => reject(new Error(`exited before printing ${pattern}: ${state.stderr}`)));
        check();
      }),
  };
  child.stdout.on('data', (chunk: Buffer) => (state.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (state.stderr += chunk.toString('utf8')));
  return state;
}

describe('cli/replay-command: mm record and mm replay', function () {
  this.timeout(30_000);
  let dir: TempDirectory;
  beforeEach(() => {
    dir = tempDirectory();
  });
  afterEach(() => dir.remove());

  it('mm replay serves the recording to a signed client and stops on SIGINT', async () => {
    const keysFile = dir.file('keys.json');
    writeFileSync(keysFile, JSON.stringify(keysOption(testKey())));
    const expected = (await loadRecording(FIXTURE)).entries.length;
    const replay = run(['replay', FIXTURE, '--as-fast-as-read', '--keys', keysFile]);
    const [, url] = await replay.waitFor(/^listening (ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2)\n/);
    const client = await TestClient.connect(url!, testKey(), Date.now());
    try {
      client.send({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: ['X'] } });
      await client.waitUntil(() => client.raw.length >= expected);
      await replay.waitFor(/replay finished, 3000 frames/, 'stderr');
    } finally {
      await client.close();
    }
    replay.kill('SIGINT');
    expect(await replay.exited).to.equal(0);
    expect(replay.stderr).to.include('session fixture-sim-current');
  });

  it('mm replay: a missing recording exits 1 with a one-line reason', async () => {
    const replay = run(['replay', dir.file('nothing.jsonl.gz')]);
    expect(await replay.exited).to.equal(1);
    expect(replay.stderr).to.match(/mm replay: recording .*nothing\.jsonl\.gz: file not found/);
  });

  it('mm replay: --speed and --as-fast-as-read exclude each other', async () => {
    const replay = run(['replay', FIXTURE, '--speed', '2', '--as-fast-as-read']);
    expect(await replay.exited).to.not.equal(0);
    expect(replay.stderr).to.include("cannot be used with option '--as-fast-as-read'");
  });

  it('mm record records the embedded simulator for the configured tickers until SIGINT', async () => {
    const config = dir.file('config.json');
    writeFileSync(config, JSON.stringify({ exchange: { env: 'sim' }, markets: [{ ticker: 'KXRECA-26SEP30-T40' }, { ticker: 'KXRECB-26SEP30-T50' }] }));
    const out = dir.file('recordings');
    const record = run(['record', '--config', config, '--out', out, '--max-bytes', '100000']);
    const [, path] = await record.waitFor(/^recording 2 tickers from ws:\/\/127\.0\.0\.1:\d+\/trade-api\/ws\/v2 into (\S+)\n/);
    await record.waitFor(/subscribed 2 tickers/, 'stderr');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the simulated markets move
    record.kill('SIGINT');
    expect(await record.exited).to.equal(0);
    expect(record.stdout).to.match(/recorded \S+: \d+ frames, \d+ bytes/);
    expect(readdirSync(out)).to.have.length(1);

    const recording = await loadRecording(path!);
    expect(recording.header.tickers).to.deep.equal(['KXRECA-26SEP30-T40', 'KXRECB-26SEP30-T50']);
    const frames = recording.entries.flatMap((entry) =>
      entry.kind === 'frame' ? [JSON.parse(entry.text) as { type: string; msg?: { market_ticker?: string; channel?: string } }] : [],
    );
    const snapshots = frames.filter((frame) => frame.type === 'orderbook_snapshot').map((frame) => frame.msg?.market_ticker);
    expect(snapshots).to.have.members(['KXRECA-26SEP30-T40', 'KXRECB-26SEP30-T50']);
    const channels = frames.filter((frame) => frame.type === 'subscribed').map((frame) => frame.msg?.channel);
    expect(channels).to.include.members(['orderbook_delta', 'ticker', 'trade', 'market_lifecycle_v2']);
    expect(frames.some((frame) => frame.type === 'orderbook_delta')).to.equal(true);
  });

  it('mm record: a bad config exits before connecting', async () => {
    const config = dir.file('bad.json');
    writeFileSync(config, JSON.stringify({ exchange: { env: 'sim' }, markets: [{ ticker: 'lower case' }] }));
    const record = run(['record', '--config', config, '--out', dir.file('out')]);
    expect(await record.exited).to.not.equal(0);
    expect(record.stderr).to.include('markets');
  });
});
