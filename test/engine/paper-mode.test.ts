/**
 * Paper mode end to end: the engine against a simulator on loopback, orders placed over the
 * simulator's REST API, fills booked into the journal and the summary, and nothing left
 * resting when it stops, whatever the reason.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import type { AppConfig } from '../../src/config/types.js';
import { startRuntime } from '../../src/engine/engine.js';
import { parseFillRecord } from '../../src/portfolio/fill-record.js';
import type { Simulator } from '../../src/sim/index.js';
import { PARAMS, readJsonLines, simulatorAccount, tickerList, until } from './engine-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Setup {
  readonly dir: string;
  readonly simulator: Simulator;
  readonly keyId: string;
  readonly keyPath: string;
  readonly client: KalshiRestClient;
  config(changes?: { fillsFile?: string; tickers?: readonly string[] }): AppConfig;
  close(): Promise<void>;
}

async function setup(tickers: readonly string[], options: { ratePerMarket?: number } = {}): Promise<Setup> {
  const account = await simulatorAccount('mm-paper-', { tickers: [...tickers], seed: 11, ratePerMarket: options.ratePerMarket ?? 40 });
  const { dir, simulator, keyId, keyPath } = account;
  return {
    ...account,
    config: (changes = {}) => ({
      exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
      credentials: { key_id: keyId, private_key_path: keyPath },
      markets: (changes.tickers ?? tickers).map((ticker) => ({ ticker })),
      // a narrow book still gets quotes; short TTLs keep orders moving
      strategy: { ...PARAMS, quote_ttl_s: 2, exit_ttl_s: 4 },
      runtime: { workers: 2, with_private: true, status_interval_s: 1 },
      execution: { mode: 'paper', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 200, request_timeout_ms: 5_000 },
      log: {
        level: 'info',
        intents_file: join(dir, 'intents.jsonl'),
        events_file: join(dir, 'events.jsonl'),
        fills_file: changes.fillsFile ?? join(dir, 'fills.jsonl'),
        summary_file: join(dir, 'summary.json'),
        console: 'off',
      },
      sim: { seed: 11 },
    }),
  };
}

async function restingOrders(client: KalshiRestClient): Promise<number> {
  return (await client.listAllOrders({ status: 'resting' })).length;
}

describe('engine: paper mode against the simulator', function () {
  this.timeout(90_000);

  it('places real orders, books fills into the journal, and stops with none resting; the summary equals a recomputation from the journal', async () => {
    const tickers = tickerList(4);
    const s = await setup(tickers);
    try {
      const config = s.config();
      const runtime = await startRuntime(config);
      await until(async () => (await restingOrders(s.client)) > 0, 20_000, 'orders resting on the simulator');
      await until(() => readJsonLines(config.log.fills_file!).length >= 3, 60_000, 'three fills in the journal');
      const report = await runtime.stop();
      expect(report.execution, 'execution report').to.not.equal(undefined);
      expect(report.execution!.remaining).to.equal(0);
      expect(await restingOrders(s.client)).to.equal(0);

      // the intents carry client order ids; the orders the simulator saw are ours
      const intents = readJsonLines<{ kind: string; client_order_id?: string }>(config.log.intents_file);
      expect(intents.filter((intent) => intent.kind === 'quote').every((intent) => typeof intent.client_order_id === 'string')).to.equal(true);

      // an independent recomputation from the journal: positions, fees, volume, fills
      const lines = readFileSync(config.log.fills_file!, 'utf8').trim().split('\n');
      const fills = lines.map((line) => parseFillRecord(line));
      const position = new Map<string, number>();
      let fees = 0;
      let volume = 0;
      for (const fill of fills) {
        const yes = (fill.side === 'yes') === (fill.action === 'buy');
        position.set(fill.ticker, (position.get(fill.ticker) ?? 0) + (yes ? fill.count : -fill.count));
        fees += fill.feeMicros;
        volume += fill.count;
      }
      const summary = report.execution!.summary;
      expect(summary.total.fills).to.equal(fills.length);
      expect(summary.total.fees).to.equal((fees / 1e6).toFixed(6));
      expect(summary.total.volume).to.equal((volume / 100).toFixed(2));
      for (const market of summary.markets) {
        expect(market.position, market.ticker).to.equal(((position.get(market.ticker) ?? 0) / 100).toFixed(2));
      }
      // the simulator's own positions agree with the journal
      const venuePositions = await s.client.listAllPositions();
      for (const row of venuePositions) {
        const ours = ((position.get(row.ticker) ?? 0) / 100).toFixed(2);
        expect(Number(row.position_fp), row.ticker).to.equal(Number(ours));
      }
    } finally {
      await s.close();
    }
  });

  it('a fills journal that cannot be written stops the engine: every order is cancelled and mm start exits non-zero', async () => {
    const tickers = tickerList(3);
    const s = await setup(tickers);
    try {
      // writes to /dev/full fail (ENOSPC): the first fill cannot be journaled
      const config = s.config({ fillsFile: '/dev/full' });
      const configPath = join(s.dir, 'config.json');
      writeFileSync(configPath, JSON.stringify(config));
      const child = spawn(join(ROOT, 'bin/mm'), ['start', '--config', configPath], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 75_000))]);
      if (code === 'timeout') child.kill('SIGKILL');
      expect(code, stderr).to.equal(1);
      // orders rested (one filled: its fill could not be journaled) and the stop cancelled the rest
      const orders = await s.client.listAllOrders({});
      expect(orders.filter((order) => order.status === 'canceled').length, 'orders cancelled by the stop').to.be.above(0);
      expect(stderr).to.match(/audit trail cannot be written/);
      expect(await restingOrders(s.client)).to.equal(0);
    } finally {
      await s.close();
    }
  });

  it('mm start: Ctrl-C prints the PnL table, writes the summary, and exits 0 with none resting', async () => {
    const s = await setup(tickerList(3));
    try {
      const config = s.config();
      const configPath = join(s.dir, 'config.json');
      writeFileSync(configPath, JSON.stringify(config));
      const child = spawn(join(ROOT, 'bin/mm'), ['start', '--config', configPath], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
      await until(() => readJsonLines(config.log.fills_file!).length >= 1, 60_000, 'a fill in the journal');
      child.kill('SIGINT');
      expect(await exited, stderr).to.equal(0);
      expect(stdout).to.match(/TOTAL/);
      expect(stderr).to.match(/orders cancelled at shutdown; none remain/);
      const summary = JSON.parse(readFileSync(config.log.summary_file!, 'utf8')) as { mode: string; total: { fills: number } };
      expect(summary.mode).to.equal('paper');
      expect(summary.total.fills).to.equal(readJsonLines(config.log.fills_file!).length);
      expect(await restingOrders(s.client)).to.equal(0);
    } finally {
      await s.close();
    }
  });
});

describe('engine: an actor that keeps crashing', function () {
  this.timeout(90_000);

  it('is not restarted after runtime.max_actor_crashes: its markets are halted with no order resting, the others trade on', async () => {
    const tickers = tickerList(6);
    const s = await setup(tickers);
    const base = s.config();
    const runtime = await startRuntime({ ...base, runtime: { ...base.runtime, max_actor_crashes: 2, crash_window_s: 600 } });
    try {
      const restingBy = async (): Promise<Map<string, number>> => {
        const counts = new Map<string, number>();
        for (const order of await s.client.listAllOrders({ status: 'resting' })) counts.set(order.ticker, (counts.get(order.ticker) ?? 0) + 1);
        return counts;
      };
      await until(async () => (await restingBy()).size === tickers.length, 40_000, 'orders resting in every market');
      const victim = (await runtime.supervisor.status())[0]!;
      const victimTickers = Object.keys(victim.phases);
      for (let crash = 1; crash <= 2; crash++) {
        await until(() => runtime.supervisor.phaseOf(victim.shardId) === 'running', 15_000, 'the actor running');
        const current = (await runtime.supervisor.status()).find((actor) => actor.shardId === victim.shardId)!;
        await runtime.supervisor.threads.find((worker) => worker.threadId === current.threadId)!.terminate();
        await until(() => runtime.supervisor.phaseOf(victim.shardId) !== 'running', 5_000, 'the actor seen down');
      }
      await until(() => runtime.supervisor.haltedTickers().length === victimTickers.length, 10_000, 'its markets halted');
      await until(
        async () => [...(await restingBy()).keys()].every((ticker) => !victimTickers.includes(ticker)),
        10_000,
        'no order resting in the halted markets',
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(runtime.supervisor.phaseOf(victim.shardId)).to.equal('faulted');
      const after = await restingBy();
      expect([...after.keys()].filter((ticker) => victimTickers.includes(ticker))).to.deep.equal([]);
      expect(
        [...after.keys()].some((ticker) => !victimTickers.includes(ticker)),
        'the other markets trade on',
      ).to.equal(true);
      expect(readJsonLines<{ kind: string }>(base.log.events_file).some((event) => event.kind === 'actor_halted')).to.equal(true);
    } finally {
      const report = await runtime.stop();
      expect(report.execution!.remaining).to.equal(0);
      await s.close();
    }
  });
});

describe("engine: live mode's order groups, against the simulator", function () {
  this.timeout(120_000);

  it("every order belongs to its market's group; a triggered group pauses the market, which resumes once its position is checked and the group reset", async () => {
    const tickers = tickerList(3);
    const s = await setup(tickers, { ratePerMarket: 60 });
    const base = s.config();
    // a limit of 5 contracts in 15 s: the first complete fill of a bid triggers its group
    const runtime = await startRuntime({ ...base, execution: { ...base.execution, mode: 'live' }, risk: { order_group_contracts: 5 } });
    try {
      await until(async () => (await s.client.listAllOrders({ status: 'resting' })).length > 0, 30_000, 'orders resting');
      const orders = await s.client.listAllOrders({ status: 'resting' });
      expect(orders.every((order) => typeof order.order_group_id === 'string' && order.order_group_id !== '')).to.equal(true);
      expect(new Set(orders.map((order) => order.order_group_id)).size).to.equal(new Set(orders.map((order) => order.ticker)).size);
      const events = (): Array<{ kind: string; ticker?: string }> => readJsonLines(base.log.events_file);
      await until(() => events().some((event) => event.kind === 'order_group_triggered'), 90_000, 'a group triggered by fills');
      await until(() => events().some((event) => event.kind === 'order_group_reset'), 20_000, 'the group reset after the position check');
      const triggered = events().find((event) => event.kind === 'order_group_triggered')!.ticker!;
      await until(
        async () => (await s.client.listAllOrders({ status: 'resting' })).some((order) => order.ticker === triggered),
        30_000,
        'the market quoting again',
      );
    } finally {
      const report = await runtime.stop();
      expect(report.execution!.remaining).to.equal(0);
      await s.close();
    }
  });
});
