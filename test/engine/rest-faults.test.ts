/**
 * A REST fault soak: the simulator answers 503 to some writes, holds others past the engine's
 * request timeout, places some orders and loses the answer, and (the engine spending faster
 * than the venue allows) answers 429. At the end the engine's view of resting orders and
 * positions equals the simulator's, order for order.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { startRuntime } from '../../src/engine/engine.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { countToHundredths } from '../../src/protocol/fixed.js';
import { generateKeyPair, startSimulator } from '../../src/sim/index.js';
import { PARAMS, tickerList, until } from './engine-harness.js';

describe('engine: REST fault soak', function () {
  this.timeout(240_000);

  it('after timeouts, 5xx, 429s and lost answers, the engine and the simulator agree on every resting order and every position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-restfaults-'));
    const key = generateKeyPair();
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    // 16 markets open with 32 creates at once: more than the venue's bucket, less than the engine's
    const tickers = tickerList(16);
    const simulator = await startSimulator({
      tickers,
      seed: 21,
      ratePerMarket: 20,
      rateLimit: 'basic',
      keys: { [key.keyId]: key.publicKeyPem },
      faults: [
        { kind: 'rest_error', everyMessages: 7 },
        { kind: 'rest_timeout', everyMessages: 11, stallMs: 1_500 },
        { kind: 'rest_lost', everyMessages: 13 },
      ],
    });
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
      strategy: { ...PARAMS, quote_ttl_s: 2 },
      runtime: { workers: 2, with_private: true, status_interval_s: 5 },
      // three times what the venue allows: it must answer 429 now and then
      execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 300, min_order_life_ms: 100, request_timeout_ms: 1_000 },
      risk: { exposure_dollars: 'off', orders_per_second: 'off' },
      log: {
        level: process.env.DEBUG_FAULTS ? 'debug' : 'warn',
        intents_file: join(dir, 'i.jsonl'),
        events_file: join(dir, 'e.jsonl'),
        fills_file: join(dir, 'f.jsonl'),
        summary_file: join(dir, 's.json'),
        console: 'off',
      },
      sim: { seed: 21 },
    };
    const runtime = await startRuntime(config);
    try {
      await until(
        async () => {
          const counters = (await runtime.execution!.status()).counters;
          if (process.env.DEBUG_FAULTS) console.log(JSON.stringify(counters), JSON.stringify(simulator.stats().restFaultsFired));
          return counters.rateLimited > 0 && counters.unknownOutcomes >= 2;
        },
        90_000,
        'some 429s and some lost answers',
      );
      const faults = simulator.stats().restFaultsFired;
      expect(faults.rest_error + faults.rest_timeout + faults.rest_lost).to.be.above(2);
      // the faults stop; whatever they left must be resolved on both sides alike
      simulator.faults.clear();

      /** engine and venue, at one moment: resting orders (id -> remaining) and positions */
      const agree = async (): Promise<boolean> => {
        const status = await runtime.execution!.status();
        if (status.orders.some((order) => order.status !== 'resting' && order.status !== 'partially_filled')) {
          if (process.env.DEBUG_FAULTS)
            console.log(
              'busy',
              JSON.stringify(
                status.orders.filter((order) => order.status !== 'resting' && order.status !== 'partially_filled').map((o) => [o.clientOrderId, o.status]),
              ),
            );
          return false;
        }
        const ours = new Map(status.orders.map((order) => [order.clientOrderId, order.remaining]));
        const venue = await client.listAllOrders({ status: 'resting' });
        const theirs = new Map(venue.map((order) => [order.client_order_id, countToHundredths(order.remaining_count_fp)]));
        if (ours.size !== theirs.size || [...ours].some(([id, remaining]) => theirs.get(id) !== remaining)) {
          if (process.env.DEBUG_FAULTS)
            console.log(
              'orders differ',
              JSON.stringify([...ours].filter(([id, r]) => theirs.get(id) !== r)),
              JSON.stringify([...theirs].filter(([id, r]) => ours.get(id) !== r)),
            );
          return false;
        }
        const positions = new Map((await client.listAllPositions()).map((row) => [row.ticker, countToHundredths(row.position_fp)]));
        if (process.env.DEBUG_FAULTS)
          console.log(
            'positions',
            JSON.stringify(
              status.markets.filter((m) => (positions.get(m.ticker) ?? 0) !== m.position).map((m) => [m.ticker, m.position, positions.get(m.ticker)]),
            ),
          );
        return (
          status.markets.every((market) => (positions.get(market.ticker) ?? 0) === market.position) &&
          [...positions].every(
            ([ticker, position]) => position === 0 || status.markets.some((market) => market.ticker === ticker && market.position === position),
          )
        );
      };
      await until(agree, 90_000, 'the engine and the simulator agreeing order for order');
      const report = await runtime.stop();
      expect(report.execution!.remaining).to.equal(0);
      expect(await client.listAllOrders({ status: 'resting' })).to.deep.equal([]);
    } finally {
      await runtime.stop();
      await client.close();
      await simulator.close();
      if (process.env.DEBUG_FAULTS) console.log(dir);
      else rmSync(dir, { recursive: true, force: true });
    }
  });
});
