/**
 * Shared pieces of the runtime integration tests: a config on temp files, polling, and a
 * replay of the intents file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig, StrategyParams } from '../../src/config/types.js';
import type { IntentRecord } from '../../src/log/intent-record.js';
import { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import { parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { generateKeyPair, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

/** min_spread 1: the simulated books are often one tick wide, and every ticker should quote */
export const PARAMS: StrategyParams = {
  min_spread: 1,
  bid_size: 5,
  exit_size: 5,
  sum_cushion: 3,
  take_profit: 2,
  quote_ttl_s: 6,
  exit_ttl_s: 20,
  max_inventory: 100,
  reduce_step: 10,
  improve: true,
  thin_queue: 50,
};

export function tickerList(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `KXTEST-26DEC31-T${index + 1}`);
}

export interface TempLogs {
  readonly dir: string;
  readonly intentsFile: string;
  readonly eventsFile: string;
  remove(): void;
}

export function tempLogs(): TempLogs {
  const dir = mkdtempSync(join(tmpdir(), 'mm-runtime-'));
  return {
    dir,
    intentsFile: join(dir, 'intents.jsonl'),
    eventsFile: join(dir, 'events.jsonl'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function testConfig(
  logs: TempLogs,
  tickers: readonly string[],
  changes: { workers?: number; wsUrl?: string; keyId?: string; keyPath?: string } = {},
): AppConfig {
  return {
    exchange: { env: 'sim', ws_url: changes.wsUrl ?? '', rest_url: '' },
    credentials: { key_id: changes.keyId ?? '', private_key_path: changes.keyPath ?? '' },
    markets: tickers.map((ticker) => ({ ticker })),
    strategy: PARAMS,
    runtime: { workers: changes.workers ?? 3, with_private: false, status_interval_s: 1 },
    execution: { mode: 'announce', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 1000, request_timeout_ms: 5000 },
    log: { level: 'info', intents_file: logs.intentsFile, events_file: logs.eventsFile, console: 'off' },
    sim: { seed: 7 },
  };
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The complete JSON lines of a file (a last line still being written is left out; a missing file has none). */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a line still being written
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

/** Replays an intents file: what each (ticker, entry|exit, leg) has resting at the end. */
export function restingAfterReplay(records: readonly IntentRecord[]): string[] {
  const resting = new Set<string>();
  for (const record of records) {
    const role = record.kind === 'exit' || record.kind === 'exit_cancel' ? 'exit' : 'entry';
    const key = `${record.ticker} ${role} ${record.side}`;
    if (record.kind === 'quote' || record.kind === 'reprice' || record.kind === 'exit') resting.add(key);
    else if (record.kind === 'cancel' || record.kind === 'exit_cancel') resting.delete(key);
  }
  return [...resting];
}

/** A simulator on loopback with one account: its key on disk (0600), and a signed REST client of that account. */
export interface SimulatorAccount {
  readonly dir: string;
  readonly simulator: Simulator;
  readonly keyId: string;
  readonly keyPath: string;
  readonly client: KalshiRestClient;
  /** closes the client and the simulator and removes the folder */
  close(): Promise<void>;
}

export async function simulatorAccount(prefix: string, options: Omit<SimulatorOptions, 'keys'>): Promise<SimulatorAccount> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = generateKeyPair();
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
  const simulator = await startSimulator({ ...options, keys: { [key.keyId]: key.publicKeyPem } });
  const client = new KalshiRestClient({
    baseUrl: simulator.restUrl,
    keyId: key.keyId,
    privateKey: parseRsaPrivateKey(key.privateKeyPem),
    clock: { now: () => Date.now() },
  });
  return {
    dir,
    simulator,
    keyId: key.keyId,
    keyPath,
    client,
    close: async () => {
      await client.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
