/**
 * A tripped kill switch outlives the process: the engine is killed by hand, stopped, and
 * started again with the same config; it starts halted (nothing but cancels sent) until a
 * person resumes it, and the resume clears the file.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../src/config/types.js';
import { killSwitchFileOf, startRuntime, type Runtime } from '../../src/engine/engine.js';
import { PARAMS, readJsonLines, tickerList, until } from './engine-harness.js';

function config(dir: string, tickers: readonly string[]): AppConfig {
  return {
    exchange: { env: 'sim', ws_url: '', rest_url: '' },
    credentials: { key_id: '', private_key_path: '' },
    markets: tickers.map((ticker) => ({ ticker })),
    strategy: PARAMS,
    runtime: { workers: 1, with_private: true, status_interval_s: 5 },
    execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 0, request_timeout_ms: 5_000 },
    log: { level: 'info', intents_file: join(dir, 'i.jsonl'), events_file: join(dir, 'e.jsonl'), fills_file: join(dir, 'f.jsonl'), console: 'off' },
    sim: { seed: 5, rate_per_market: 30 },
  };
}

const creates = async (runtime: Runtime): Promise<number> => (await runtime.execution!.status()).counters.requests.create ?? 0;

describe('engine: the kill switch outlives a restart', function () {
  this.timeout(60_000);
  let dir: string;
  let runtime: Runtime | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-latch-'));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed, stopped and started again: halted from the start, no order sent until resumed; the resume clears the file', async () => {
    const settings = config(dir, tickerList(3));
    const latch = killSwitchFileOf(settings)!;
    expect(latch).to.equal(join(dir, 'kill-switch.json'));
    runtime = await startRuntime(settings);
    await until(async () => (await creates(runtime!)) > 0, 20_000, 'the first orders');
    expect((await runtime.execution!.control('kill', undefined, 'the test')).ok).to.equal(true);
    expect(JSON.parse(readFileSync(latch, 'utf8')).reason).to.include('manual kill by the test');
    await runtime.stop();

    runtime = await startRuntime(settings);
    const status = await runtime.execution!.status();
    expect(status.risk.state).to.equal('halted');
    expect(status.risk.trippedBecause?.reason).to.include('latched before this start').and.include('manual kill by the test');
    // the makers decide (intents are logged) but the venue gets no order
    const intentsBefore = readJsonLines(settings.log.intents_file).length;
    await until(() => readJsonLines(settings.log.intents_file).length > intentsBefore + 5, 20_000, 'the makers deciding while halted');
    expect(await creates(runtime)).to.equal(0);
    const events = readJsonLines<{ kind: string; message: string }>(settings.log.events_file);
    expect(events.some((event) => event.kind === 'kill_switch' && event.message.includes('from before this start'))).to.equal(true);

    expect((await runtime.execution!.control('resume', undefined, 'the test')).ok).to.equal(true);
    expect(existsSync(latch)).to.equal(false);
    await until(async () => (await creates(runtime!)) > 0, 20_000, 'orders after the resume');
  });

  it('"off" keeps no file', () => {
    const settings = config(dir, ['A']);
    expect(killSwitchFileOf({ ...settings, risk: { kill_switch_file: 'off' } })).to.equal(undefined);
    expect(killSwitchFileOf({ ...settings, risk: { kill_switch_file: '/var/mm/latch.json' } })).to.equal('/var/mm/latch.json');
  });
});
