import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { readJsonLines, restingAfterReplay, tempLogs, until, type TempLogs } from '../engine/engine-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bin/mm start on config/default.json', function () {
  this.timeout(40_000);
  let logs: TempLogs;

  beforeEach(() => {
    logs = tempLogs();
  });

  afterEach(() => logs.remove());

  it('prints intents within seconds and exits 0 on SIGINT, leaving nothing resting', async () => {
    const environment = { ...process.env };
    delete environment.KALSHI_API_KEY_ID;
    delete environment.KALSHI_PRIVATE_KEY_PATH;
    const child = spawn(join(root, 'bin/mm'), ['start', '--config', join(root, 'config/default.json')], {
      cwd: logs.dir,
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      await until(() => / QUOTE buy /.test(stdout) || child.exitCode !== null, 15_000, `an intent on stdout (stderr so far: ${stderr.slice(0, 500)})`);
      expect(child.exitCode, stderr).to.equal(null);
      expect(Date.now() - started).to.be.below(15_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
    }
    const code = await exited;
    expect(code, stderr).to.equal(0);
    const intents = readJsonLines<IntentRecord>(join(logs.dir, 'logs/intents.jsonl'));
    expect(intents.length).to.be.greaterThan(0);
    expect(restingAfterReplay(intents)).to.deep.equal([]);
  });
});
