/**
 * Sandbox mode on the embedded simulator's feed: the orders rest in the local queue model,
 * nothing is sent to the venue, and fills, the journal and the summary come out exactly as
 * in paper mode.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { startRuntime } from '../../src/engine/engine.js';
import { parseFillRecord } from '../../src/portfolio/fill-record.js';
import { PARAMS, readJsonLines, tickerList, until } from './engine-harness.js';

describe('engine: sandbox mode on the simulator feed', function () {
  this.timeout(120_000);

  it('fills from the queue model, nothing sent to the venue, the journal and summary as in paper mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-sandbox-'));
    const tickers = tickerList(4);
    const config: AppConfig = {
      exchange: { env: 'sim', ws_url: '', rest_url: '' },
      credentials: { key_id: '', private_key_path: '' },
      markets: tickers.map((ticker) => ({ ticker })),
      strategy: { ...PARAMS, quote_ttl_s: 30 },
      runtime: { workers: 2, with_private: true, status_interval_s: 5 },
      execution: { mode: 'sandbox', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 200, request_timeout_ms: 5_000 },
      log: {
        level: 'info',
        intents_file: join(dir, 'i.jsonl'),
        events_file: join(dir, 'e.jsonl'),
        fills_file: join(dir, 'f.jsonl'),
        summary_file: join(dir, 's.json'),
        console: 'off',
      },
      sim: { seed: 13, rate_per_market: 60 },
    };
    const runtime = await startRuntime(config);
    try {
      await until(() => readJsonLines(config.log.fills_file!).length >= 2, 90_000, 'sandbox fills in the journal');
      const client = new KalshiRestClient({
        baseUrl: runtime.endpoint.restUrl!,
        keyId: runtime.endpoint.keyId,
        privateKey: runtime.endpoint.privateKey,
        clock: { now: () => Date.now() },
      });
      try {
        expect(await client.listAllOrders({}), 'orders the venue received').to.deep.equal([]);
      } finally {
        await client.close();
      }
      const report = await runtime.stop();
      const fills = readFileSync(config.log.fills_file!, 'utf8')
        .trim()
        .split('\n')
        .map((line) => parseFillRecord(line));
      expect(report.execution!.summary.total.fills).to.equal(fills.length);
      expect(Object.keys(report.execution!.summary.total)).to.include.members(['realized', 'fees', 'net', 'volume', 'fills', 'orders_sent']);
      expect(report.execution!.remaining).to.equal(0);
      const intents = readJsonLines<{ kind: string; client_order_id?: string }>(config.log.intents_file);
      expect(intents.filter((intent) => intent.kind === 'quote').every((intent) => typeof intent.client_order_id === 'string')).to.equal(true);
    } finally {
      await runtime.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
