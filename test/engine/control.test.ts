/**
 * The control surface on the running engine: /metrics parses and moves, a control action
 * without the token changes nothing, and in real Chromium the status page shows every market
 * of an engine trading against the embedded simulator, its numbers change, the console stays
 * clean, and the kill button (confirmed) leaves the simulator with no resting order of ours.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { chromium } from 'playwright-core';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { startRuntime, type Runtime } from '../../src/engine/engine.js';
import { PARAMS, tickerList, until } from './engine-harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function config(dir: string, tickers: readonly string[]): AppConfig {
  return {
    exchange: { env: 'sim', ws_url: '', rest_url: '' },
    credentials: { key_id: '', private_key_path: '' },
    markets: tickers.map((ticker) => ({ ticker })),
    strategy: { ...PARAMS, quote_ttl_s: 3 },
    runtime: { workers: 2, with_private: true, status_interval_s: 5 },
    execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 200, request_timeout_ms: 5_000 },
    control: { enabled: true, host: '127.0.0.1', port: 0, token: '', token_file: join(dir, 'control-token') },
    log: {
      level: 'info',
      intents_file: join(dir, 'i.jsonl'),
      events_file: join(dir, 'e.jsonl'),
      fills_file: join(dir, 'f.jsonl'),
      summary_file: join(dir, 's.json'),
      console: 'off',
    },
    sim: { seed: 3, rate_per_market: 30 },
  };
}

async function resting(runtime: Runtime): Promise<number> {
  const client = new KalshiRestClient({
    baseUrl: runtime.endpoint.restUrl!,
    keyId: runtime.endpoint.keyId,
    privateKey: runtime.endpoint.privateKey,
    clock: { now: () => Date.now() },
  });
  try {
    return (await client.listAllOrders({ status: 'resting' })).length;
  } finally {
    await client.close();
  }
}

describe('engine: metrics, control API and status page', function () {
  this.timeout(120_000);
  const tickers = tickerList(6);
  let dir: string;
  let runtime: Runtime | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-control-'));
    runtime = await startRuntime(config(dir, tickers));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the token is generated into a file only the user can read; /metrics parses and its counters move; no token, no action', async () => {
    const control = runtime!.control!;
    expect(control.tokenFile).to.equal(join(dir, 'control-token'));
    expect(readFileSync(control.tokenFile!, 'utf8').trim()).to.equal(control.token);
    const scrape = async (): Promise<Array<{ name: string; metrics: Array<{ value?: string; labels?: Record<string, string> }> }>> =>
      parsePrometheusTextFormat(await (await fetch(`${control.url}metrics`)).text()) as never;
    const value = (families: Awaited<ReturnType<typeof scrape>>, name: string): number =>
      (families.find((family) => family.name === name)?.metrics ?? []).reduce((sum, metric) => sum + Number(metric.value ?? 0), 0);
    await until(async () => value(await scrape(), 'kalshi_mm_frames_received_total') > 0, 20_000, 'frames counted in /metrics');
    const first = await scrape();
    await until(
      async () => value(await scrape(), 'kalshi_mm_frames_received_total') > value(first, 'kalshi_mm_frames_received_total'),
      20_000,
      'the frame counter moving',
    );
    await until(async () => value(await scrape(), 'kalshi_mm_orders_sent_total') > 0, 30_000, 'orders counted in /metrics');
    const positions = (await scrape()).find((family) => family.name === 'kalshi_mm_market_position_contracts');
    expect((positions?.metrics ?? []).map((metric) => metric.labels?.market).sort()).to.deep.equal([...tickers].sort());

    const before = await resting(runtime!);
    const refused = await fetch(`${control.url}api/kill`, { method: 'POST' });
    expect(refused.status).to.equal(401);
    const wrong = await fetch(`${control.url}api/pause`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(wrong.status).to.equal(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await resting(runtime!)).to.be.at.least(Math.min(before, 1));
    const state = (await (await fetch(`${control.url}api/state`)).json()) as { risk: string };
    expect(state.risk).to.equal('active');
  });

  it('in chromium: every market shows, numbers change, the console is clean, and kill empties the simulator', async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: .ci/run installs Debian's package`);
    const control = runtime!.control!;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${control.url}#token=${control.token}`);
      await page.waitForSelector('#markets tr.market');
      await until(async () => (await page.$$eval('#markets tr.market', (rows) => rows.length)) === tickers.length, 20_000, 'every market on the page');
      const shown = await page.$$eval('#markets tr.market', (rows) => rows.map((row) => row.getAttribute('data-ticker')));
      expect([...shown].sort()).to.deep.equal([...tickers].sort());
      const sample = await page.textContent('#sample-time');
      await until(async () => (await page.textContent('#sample-time')) !== sample, 10_000, 'the page following the engine');
      await until(async () => (await resting(runtime!)) > 0, 30_000, 'orders resting on the simulator');

      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('#global-actions button[data-action=kill]');
      await until(async () => (await resting(runtime!)) === 0, 2_000, 'no resting order within 2 s of the kill');
      // it latches: nothing is placed again while halted
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await resting(runtime!)).to.equal(0);
      const state = (await (await fetch(`${control.url}api/state`)).json()) as { risk: string };
      expect(state.risk).to.equal('halted');
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});
