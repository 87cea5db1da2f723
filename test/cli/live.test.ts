/**
 * Live mode's switches, through bin/mm against a simulator on loopback: without --live it
 * refuses (exit 2, naming --live); a key readable by others is refused in live mode and
 * warned about otherwise; with --live the strategy runs, says what it will trade first, its
 * orders are real on the simulator, and nothing rests after the stop.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { generateKeyPair, startSimulator, type Simulator } from '../../src/sim/index.js';

const MM = resolve(import.meta.dirname, '../../bin/mm');

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

function mm(args: string[], cwd: string, until?: (output: string) => boolean, limitMs = 60_000): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(MM, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let asked = false;
    const check = (): void => {
      if (!asked && until?.(stdout + stderr)) {
        asked = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    const poll = setInterval(check, 200);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolveRun({ code, stderr, stdout });
    });
  });
}

describe('mm start: live mode behind explicit switches', function () {
  this.timeout(90_000);
  let dir: string;
  let simulator: Simulator;
  let keyId: string;
  let keyPath: string;
  let client: KalshiRestClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-live-'));
    const key = generateKeyPair();
    keyId = key.keyId;
    keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    simulator = await startSimulator({ tickers: ['KXLIVE-26DEC31-T1', 'KXLIVE-26DEC31-T2'], seed: 4, ratePerMarket: 30, keys: { [keyId]: key.publicKeyPem } });
    client = new KalshiRestClient({ baseUrl: simulator.restUrl, keyId, privateKey: parseRsaPrivateKey(key.privateKeyPem), clock: { now: () => Date.now() } });
  });
  after(async () => {
    await client.close();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function configFile(name: string, mode: string): string {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
        credentials: { key_id: keyId, private_key_path: keyPath },
        markets: [{ ticker: 'KXLIVE-26DEC31-T1' }, { ticker: 'KXLIVE-26DEC31-T2' }],
        strategy: { min_spread: 1 },
        execution: { mode },
        log: {
          intents_file: join(dir, `${name}.intents.jsonl`),
          events_file: join(dir, `${name}.events.jsonl`),
          fills_file: join(dir, `${name}.fills.jsonl`),
          summary_file: join(dir, `${name}.summary.json`),
          console: 'off',
        },
      }),
    );
    return path;
  }

  it('refuses live mode without --live: exit 2, naming --live, and no order is sent', async () => {
    const run = await mm(['start', '--config', configFile('live.json', 'live')], dir);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/--live/);
    expect(await client.listAllOrders({ status: 'resting' })).to.have.length(0);
  });

  it('a key readable by others: refused in live mode, warned about in paper mode', async () => {
    chmodSync(keyPath, 0o644);
    try {
      const live = await mm(['start', '--config', configFile('live.json', 'live'), '--live'], dir);
      expect(live.code).to.equal(2);
      expect(live.stderr).to.match(/can be read by its group or others.*refused in live mode/);
      const paper = await mm(
        ['start', '--config', configFile('paper.json', 'paper')],
        dir,
        (output) => /status page|tickers live 2\/2|reconciled|SIGINT/.test(output) || output.includes('warning'),
        30_000,
      );
      expect(paper.stderr).to.match(/warning: .*can be read by its group or others/);
    } finally {
      chmodSync(keyPath, 0o600);
    }
  });

  it('with --live: says what it will trade first, its orders are real on the simulator, and none rests after the stop', async () => {
    let sawResting = false;
    const watcher = setInterval(() => {
      void client.listAllOrders({ status: 'resting' }).then(
        (orders) => {
          if (orders.length > 0) sawResting = true;
        },
        () => undefined,
      );
    }, 200);
    try {
      const run = await mm(['start', '--config', configFile('live.json', 'live'), '--live'], dir, () => sawResting, 60_000);
      expect(run.stderr).to.match(/LIVE on sim .* with key id/);
      expect(run.stderr).to.match(/KXLIVE-26DEC31-T1: bid 5/);
      expect(sawResting).to.equal(true);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.match(/none remain/);
      expect(await client.listAllOrders({ status: 'resting' })).to.have.length(0);
    } finally {
      clearInterval(watcher);
    }
  });
});
