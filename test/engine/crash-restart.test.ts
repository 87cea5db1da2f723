/**
 * A crash leaves orders behind by nature; the next start finds and cancels them. The engine
 * (bin/mm start, a process of its own) is killed with SIGKILL at several points of its life
 * against a simulator in this process, and started again: after each restart's
 * reconciliation the simulator holds no order the new run does not know, and after a clean
 * stop none at all.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { generateKeyPair, startSimulator } from '../../src/sim/index.js';
import { readJsonLines, tickerList, until } from './engine-harness.js';

const MM = resolve(import.meta.dirname, '../../bin/mm');

describe('engine: SIGKILL at several points, then a restart', function () {
  this.timeout(240_000);

  it('every restart cancels what the killed run left; a clean stop leaves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-crash-'));
    const key = generateKeyPair();
    const keyPath = join(dir, 'key.pem');
    writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
    const tickers = tickerList(6);
    const simulator = await startSimulator({ tickers, seed: 9, ratePerMarket: 30, keys: { [key.keyId]: key.publicKeyPem } });
    const client = new KalshiRestClient({
      baseUrl: simulator.restUrl,
      keyId: key.keyId,
      privateKey: parseRsaPrivateKey(key.privateKeyPem),
      clock: { now: () => Date.now() },
    });
    const resting = async (): Promise<Array<{ client_order_id: string }>> => client.listAllOrders({ status: 'resting' });
    let run = 0;
    const start = (): { child: ChildProcess; intents: string; events: string; exited: Promise<number | null> } => {
      run += 1;
      const intents = join(dir, `intents-${run}.jsonl`);
      const events = join(dir, `events-${run}.jsonl`);
      const config = join(dir, `config-${run}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
          credentials: { key_id: key.keyId, private_key_path: keyPath },
          markets: tickers.map((ticker) => ({ ticker })),
          strategy: { min_spread: 1, quote_ttl_s: 2 },
          execution: { mode: 'paper', min_order_life_ms: 200 },
          log: {
            intents_file: intents,
            events_file: events,
            fills_file: join(dir, `fills-${run}.jsonl`),
            summary_file: join(dir, `summary-${run}.json`),
            console: 'off',
          },
        }),
      );
      const child = spawn(MM, ['start', '--config', config], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
      return { child, intents, events, exited };
    };
    /** After a restart's reconciliation: every resting order is one this run placed. */
    const onlyOwnOrders = async (current: ReturnType<typeof start>): Promise<void> => {
      await until(() => readJsonLines<{ kind: string }>(current.events).some((event) => event.kind === 'reconciled'), 60_000, 'the restart reconciled');
      await until(() => readJsonLines<IntentRecord>(current.intents).length > 0, 30_000, 'the restart deciding');
      const known = new Set(readJsonLines<IntentRecord>(current.intents).map((intent) => intent.client_order_id));
      const strangers = (await resting()).filter((order) => !known.has(order.client_order_id));
      // an order placed in the last moment may not be in the file yet: give the file a moment
      if (strangers.length > 0) await new Promise((r) => setTimeout(r, 500));
      const knownNow = new Set(readJsonLines<IntentRecord>(current.intents).map((intent) => intent.client_order_id));
      expect((await resting()).filter((order) => !knownNow.has(order.client_order_id)).map((order) => order.client_order_id)).to.deep.equal([]);
    };
    try {
      // 1. killed right after its first orders rest
      let current = start();
      await until(async () => (await resting()).length > 0, 60_000, 'orders resting');
      current.child.kill('SIGKILL');
      await current.exited;
      const leftAfterFirst = (await resting()).length;
      expect(leftAfterFirst, 'a SIGKILL leaves orders behind').to.be.above(0);

      // 2. restarted; killed again after a few seconds of trading
      current = start();
      await onlyOwnOrders(current);
      await new Promise((r) => setTimeout(r, 4_000));
      current.child.kill('SIGKILL');
      await current.exited;

      // 3. restarted; killed while it stops (SIGINT, then SIGKILL at once)
      current = start();
      await onlyOwnOrders(current);
      await until(async () => (await resting()).length > 0, 30_000, 'orders resting again');
      current.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      current.child.kill('SIGKILL');
      await current.exited;

      // 4. restarted; a clean stop confirms nothing rests
      current = start();
      await onlyOwnOrders(current);
      current.child.kill('SIGINT');
      expect(await current.exited).to.equal(0);
      expect(await resting()).to.deep.equal([]);
    } finally {
      await client.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
