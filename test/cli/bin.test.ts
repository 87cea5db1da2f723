import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFixture, repositoryFile } from '../config/fixture.js';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBinary(binary: string, args: readonly string[], cwd: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const environment = { ...process.env };
    delete environment['KALSHI_API_KEY_ID'];
    delete environment['KALSHI_PRIVATE_KEY_PATH'];
    const child = spawn(binary, args, { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bin/mm (spawned)', function () {
  this.timeout(30_000);
  let elsewhere: string;
  let linked: string;

  before(() => {
    elsewhere = mkdtempSync(join(tmpdir(), 'mm-bin-'));
    linked = join(elsewhere, 'mm'); // like node_modules/.bin/mm
    symlinkSync(repositoryFile('bin/mm'), linked);
  });
  after(() => rmSync(elsewhere, { recursive: true, force: true }));

  it('runs from another working directory through a symlink, with no build step', async () => {
    const { code, stdout, stderr } = await runBinary(linked, ['--help'], elsewhere);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: mm \[options\] \[command\]/);
    expect(stdout).to.contain('start').and.to.contain('config');
  });

  it('record and replay answer --help', async () => {
    for (const [command, usage] of [
      ['record', /^Usage: mm record \[options\]/],
      ['replay', /^Usage: mm replay \[options\] <file>/],
    ] as const) {
      const { code, stdout, stderr } = await runBinary(linked, [command, '--help'], elsewhere);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout).to.match(usage);
    }
  });

  it('start with a bad config exits 2 with a clear message before anything connects, no stack trace', async () => {
    const file = configFixture('cushion-out-of-range.json');
    const { code, stdout, stderr } = await runBinary(linked, ['start', '--config', file, '--ticker', 'KXA-1'], elsewhere);
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.equal(`mm: config file ${file}: strategy.sum_cushion: must be an integer from 0 to 98: value was 120\n`);
    expect(stderr).to.not.match(/\n\s+at /);
  });
});
