/**
 * SIGHUP rereads the config: a change of one market's min_spread applies to that market at
 * once and to no other; a bad file changes nothing and says why; a key that cannot change
 * while running is refused by name.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { planReload } from '../../src/engine/reload.js';
import { loadConfig } from '../../src/config/load.js';
import { readJsonLines, until } from '../engine/engine-harness.js';

const MM = resolve(import.meta.dirname, '../../bin/mm');
const A = 'KXSIMA-26DEC31-T1';
const B = 'KXSIMB-26DEC31-T2';

describe('mm start: config reload on SIGHUP', function () {
  this.timeout(60_000);

  it('planReload: fixed keys are refused by name; markets, strategy and selection may change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-plan-'));
    try {
      const write = (name: string, value: unknown): string => {
        writeFileSync(join(dir, name), JSON.stringify(value));
        return join(dir, name);
      };
      const base = { markets: [{ ticker: A }, { ticker: B }], execution: { mode: 'announce' } };
      const running = loadConfig({ file: write('a.json', base), env: {} });
      const tighter = loadConfig({ file: write('b.json', { ...base, markets: [{ ticker: A, min_spread: 6 }, { ticker: B }] }), env: {} });
      expect(planReload(running, tighter)).to.deep.equal({ ok: true, selectionChanged: false });
      const workers = loadConfig({ file: write('c.json', { ...base, runtime: { workers: 1 } }), env: {} });
      expect(planReload(running, workers)).to.deep.include({ ok: false });
      expect((planReload(running, workers) as { reason: string }).reason).to.match(/runtime cannot change while running/);
      const credentials = loadConfig({ file: write('e.json', { ...base, execution: { mode: 'paper' } }), env: {} });
      expect((planReload(running, credentials) as { reason: string }).reason).to.match(/^execution cannot change while running/);
      const added = loadConfig({ file: write('d.json', { ...base, markets: [...base.markets, { ticker: 'KXSIMC-26DEC31-T3' }] }), env: {} });
      expect(planReload(running, added)).to.deep.equal({ ok: true, selectionChanged: false });
      const rules = loadConfig({ file: write('f.json', { ...base, selection: { rules: [{ series: ['KXSIM*'] }] } }), env: {} });
      expect(planReload(running, rules)).to.deep.equal({ ok: true, selectionChanged: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a running engine applies one market's new min_spread to that market only; a bad file changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-reload-'));
    const intents = join(dir, 'intents.jsonl');
    const configPath = join(dir, 'config.json');
    const config = (markets: unknown): string =>
      JSON.stringify({
        markets,
        // frozen books and long TTLs: nothing decides again unless the parameters change
        strategy: { min_spread: 1, quote_ttl_s: 3600, exit_ttl_s: 3600 },
        execution: { mode: 'announce' },
        sim: { rate_per_market: 0 },
        log: { intents_file: intents, events_file: join(dir, 'events.jsonl'), console: 'off' },
      });
    writeFileSync(configPath, config([{ ticker: A }, { ticker: B }]));
    const child = spawn(MM, ['start', '--config', configPath], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    try {
      await until(() => new Set(readJsonLines<IntentRecord>(intents).map((intent) => intent.ticker)).size === 2, 30_000, 'both markets quoting');
      const before = readJsonLines<IntentRecord>(intents).length;
      writeFileSync(configPath, '{ not json');
      child.kill('SIGHUP');
      await until(() => /SIGHUP: the config is refused/.test(stderr), 10_000, 'the refusal');
      expect(readJsonLines<IntentRecord>(intents).length).to.equal(before);
      writeFileSync(configPath, config([{ ticker: A, min_spread: 98 }, { ticker: B }]));
      child.kill('SIGHUP');
      await until(() => /SIGHUP: KXSIMA-26DEC31-T1: min_spread applied/.test(stderr), 10_000, 'the change applied');
      await until(() => readJsonLines<IntentRecord>(intents).length > before, 10_000, 'the market deciding again');
      const after = readJsonLines<IntentRecord>(intents).slice(before);
      expect(
        after.every((intent) => intent.ticker === A),
        JSON.stringify(after),
      ).to.equal(true);
      expect(after.every((intent) => intent.kind === 'cancel' && intent.reason === 'spread_too_narrow')).to.equal(true);
    } finally {
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
