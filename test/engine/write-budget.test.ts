/**
 * 300 markets on Kalshi's Basic write budget (100 tokens a second for the whole account):
 * the engine spends it without a single 429, and every order slot ends at the maker's latest
 * target. The simulator's books stand still here (no market activity), so the targets are
 * fixed and convergence can be checked exactly.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { startRuntime } from '../../src/engine/engine.js';
import { venueOrderOf } from '../../src/execution/kalshi-venue.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { dollarsToTicks, countToHundredths } from '../../src/protocol/fixed.js';
import { generateKeyPair, startSimulator } from '../../src/sim/index.js';
import { PARAMS, readJsonLines, tickerList, until } from './engine-harness.js';

describe('engine: 300 markets on the Basic write budget', function () {
  this.timeout(180_000);

  it('no 429, every slot converges to its latest target; tokens per decision reported', async () => {
    const tickers = tickerList(300);
    const dir = mkdtempSync(join(tmpdir(), 'mm-budget-'));
    const key = generateKeyPair();
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    const simulator = await startSimulator({ tickers, seed: 5, autoRun: false, rateLimit: 'basic', keys: { [key.keyId]: key.publicKeyPem } });
    const client = new KalshiRestClient({
      baseUrl: simulator.restUrl,
      keyId: key.keyId,
      privateKey: parseRsaPrivateKey(key.privateKeyPem),
      clock: { now: () => Date.now() },
    });
    const config: AppConfig = {
      exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
      credentials: { key_id: key.keyId, private_key_path: keyPath },
      markets: tickers.map((ticker) => ({ ticker })),
      strategy: PARAMS,
      runtime: { workers: 2, with_private: true, status_interval_s: 5 },
      execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 1_000, request_timeout_ms: 5_000 },
      // 600 resting bids are more exposure than the small-account defaults allow
      risk: { exposure_dollars: 'off' },
      log: {
        level: 'warn',
        intents_file: join(dir, 'intents.jsonl'),
        events_file: join(dir, 'events.jsonl'),
        fills_file: join(dir, 'fills.jsonl'),
        summary_file: join(dir, 'summary.json'),
        console: 'off',
      },
      sim: { seed: 5 },
    };
    const runtime = await startRuntime(config);
    try {
      /** the latest target of every slot, from the intents file: price and size, or nothing */
      const targets = (): Map<string, { price: number; size: number } | undefined> => {
        const latest = new Map<string, { price: number; size: number } | undefined>();
        for (const intent of readJsonLines<IntentRecord>(config.log.intents_file)) {
          const role = intent.kind === 'exit' || intent.kind === 'exit_cancel' ? 'exit' : intent.kind === 'reduce_only' ? 'reduce' : 'entry';
          if (role === 'reduce') continue;
          const key = `${intent.ticker}|${intent.side}|${role}`;
          latest.set(
            key,
            intent.kind === 'cancel' || intent.kind === 'exit_cancel'
              ? undefined
              : { price: dollarsToTicks(intent.price), size: countToHundredths(intent.size) },
          );
        }
        return latest;
      };
      const converged = async (): Promise<boolean> => {
        const wanted = [...targets()].filter(([, target]) => target !== undefined);
        if (wanted.length < tickers.length) return false; // not every market has decided yet
        const resting = new Set(
          (await client.listAllOrders({ status: 'resting' })).map((order) => {
            const read = venueOrderOf(order);
            return `${read.ticker}|${read.leg}|entry|${read.price}|${read.remaining}`;
          }),
        );
        return resting.size === wanted.length && wanted.every(([slot, target]) => resting.has(`${slot}|${target!.price}|${target!.size}`));
      };
      await until(converged, 150_000, 'every slot at its latest target');
      const status = await runtime.execution!.status();
      expect(status.counters.rateLimited, '429s').to.equal(0);
      const decisions = readJsonLines<IntentRecord>(config.log.intents_file).length;
      const tokensPerDecision = status.counters.tokensSpent / decisions;
      // reported with the suite's output; docs/benchmarks.md keeps the figure
      console.log(
        `      300 markets, Basic budget: ${decisions} intents, ${status.counters.tokensSpent} write tokens, ${tokensPerDecision.toFixed(2)} tokens per decision, 0 429s`,
      );
      expect(tokensPerDecision).to.be.greaterThan(0);
      const report = await runtime.stop();
      expect(report.execution!.remaining).to.equal(0);
      expect((await client.listAllOrders({ status: 'resting' })).length).to.equal(0);
    } finally {
      await runtime.stop();
      await client.close();
      await simulator.close();
      if (process.env.KEEP_BUDGET_LOGS) console.log(dir);
      else rmSync(dir, { recursive: true, force: true });
    }
  });
});
