/**
 * `npm run bench:selection`: how long the engine takes from its start call to quoting the
 * markets its selection rules chose, with 3,000 simulated markets and rules that select 500.
 * Each run starts a fresh simulator (3,000 generated markets, a key registered) and a fresh
 * engine in announce mode (intents logged, no orders) that lists its markets from the
 * simulator's REST `GET /markets`. Times, in ms from the `startRuntime` call:
 *
 * - selection: the `selection` event in the events file (the rules resolved inside
 *   startRuntime, before the actors start). Also timed on its own just before the run: the
 *   same resolution (`resolveSelection` against the same simulator), and startRuntime's own
 *   return;
 * - subscribed: every selected market has its first orderbook snapshot at the gateway
 *   (`gateway.statistics().tickersLive` reaches 500);
 * - first quotes: every selected market has at least one intent record of kind `quote` in the
 *   intents file.
 *
 * Polled every 50 ms after startRuntime returns; a run that does not get there within 120 s
 * fails. Runs 3 times in this process, prints each run and the median, and writes
 * bench/selection-results.json. Not a test: nothing here passes or fails.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KalshiRestClient } from '../src/adapters/kalshi/rest-client.js';
import { wallClock } from '../src/clock/clock.js';
import type { AppConfig, SelectionConfig, StrategyParams } from '../src/config/types.js';
import { startRuntime } from '../src/engine/engine.js';
import { resolveSelection, selectionSettings } from '../src/selection/index.js';
import { generateKeyPair, startSimulator } from '../src/sim/index.js';
import { describeMachine } from './machine.js';
import { quantile } from './statistics.js';
import { STRATEGY_SCHEMA } from '../src/config/schema.js';

const RESULTS_FILE = fileURLToPath(new URL('./selection-results.json', import.meta.url));
const RUNS = 3;
const MARKETS = 3_000;
const SELECTED = 500;
const WORKERS = 2;
const POLL_MS = 50;
const TIMEOUT_MS = 120_000;
/** the simulator's options of every run; no market closes on its own, so all 500 stay to be quoted */
const SIM = { markets: MARKETS, seed: 1, ratePerMarket: 5, maxRateTotal: 5_000, tickMs: 100, closeChancePerStep: 0 } as const;
/**
 * Every generated market is in a KXSIM* series (KXSIMA-26JAN01-T10 ...). About 1% of them are
 * long shots with a one-sided book (no YES bid, or no YES ask), which the strategy never
 * quotes (book_incomplete); their listed spread (a missing bid counts as 0, a missing ask as
 * 100) is 2 to 7 ticks. The rules skip them: the tight books (spread 1, about 340 of the
 * 3,000) first, then the wide ones (spread 6 or more, about 360) up to the cap of 500.
 */
const SELECTION: SelectionConfig = {
  rules: [
    { name: 'tight', series: ['KXSIM*'], max_spread: 1 },
    { name: 'wide', series: ['KXSIM*'], min_spread: 6 },
  ],
  refresh_s: 3600,
  max_markets: SELECTED,
  on_remove: 'keep_until_flat',
};
/** the strategy's defaults with min_spread 1 (as the engine tests' PARAMS): a narrow book still gets quotes */
const STRATEGY = {
  ...(Object.fromEntries(Object.entries(STRATEGY_SCHEMA).map(([key, node]) => [key, node.default])) as unknown as StrategyParams),
  min_spread: 1,
} satisfies StrategyParams;

interface RunResult {
  readonly run: number;
  /** resolveSelection alone against the same simulator, just before the engine started */
  readonly resolveAloneMs: number;
  /** distinct markets the standalone resolution listed, and what it selected */
  readonly listed: number;
  readonly selectedAlone: number;
  /** from the startRuntime call: the selection event, startRuntime's return, all subscribed, all quoted */
  readonly selectionMs: number;
  readonly startRuntimeMs: number;
  readonly subscribedMs: number;
  readonly firstQuotesMs: number;
  /** markets the engine hosted once started */
  readonly hosted: number;
  readonly selectionEvent: string;
}

function progress(text: string): void {
  process.stderr.write(`bench:selection: ${text}\n`);
}

/** The complete JSON lines of a file (a last line still being written is left out). */
function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop();
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

async function until(condition: () => boolean, what: string, startedAt: number): Promise<void> {
  while (!condition()) {
    if (performance.now() - startedAt > TIMEOUT_MS) throw new Error(`timed out after ${TIMEOUT_MS} ms from the start call waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function oneRun(run: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mm-bench-selection-'));
  const key = generateKeyPair();
  const keyPath = join(dir, 'key.pem');
  writeFileSync(keyPath, key.privateKeyPem, { mode: 0o600 });
  const simulator = await startSimulator({ ...SIM, keys: { [key.keyId]: key.publicKeyPem } });
  try {
    const config: AppConfig = {
      exchange: { env: 'sim', ws_url: simulator.url, rest_url: simulator.restUrl },
      credentials: { key_id: key.keyId, private_key_path: keyPath },
      markets: [],
      selection: SELECTION,
      strategy: STRATEGY,
      runtime: { workers: WORKERS, with_private: false, status_interval_s: 1 },
      execution: { mode: 'announce', write_tier: 'basic', write_tokens_per_s: 0, min_order_life_ms: 1000, request_timeout_ms: 5000 },
      log: { level: 'info', intents_file: join(dir, 'intents.jsonl'), events_file: join(dir, 'events.jsonl'), console: 'off' },
      sim: { seed: SIM.seed },
    };

    // (a) on its own: the same resolution against the same simulator
    const client = new KalshiRestClient({ baseUrl: simulator.restUrl, clock: wallClock });
    let alone;
    const aloneStart = performance.now();
    try {
      alone = await resolveSelection(client, selectionSettings(config), wallClock);
    } finally {
      await client.close();
    }
    const resolveAloneMs = performance.now() - aloneStart;
    const selectedAlone = alone.markets.length;
    if (selectedAlone !== SELECTED) throw new Error(`the rules selected ${selectedAlone} markets on their own, not ${SELECTED}`);

    const startWallMs = Date.now();
    const startedAt = performance.now();
    const runtime = await startRuntime(config);
    const startRuntimeMs = performance.now() - startedAt;
    try {
      const hosted = runtime.roster.tickers().length;
      if (hosted !== SELECTED) throw new Error(`the engine hosts ${hosted} markets, not ${SELECTED}`);

      let subscribedMs: number | undefined;
      let firstQuotesMs: number | undefined;
      const quoted = new Set<string>();
      let intentLines = 0;
      await until(
        () => {
          const now = performance.now() - startedAt;
          if (subscribedMs === undefined && runtime.gateway.statistics().tickersLive >= SELECTED) subscribedMs = now;
          if (firstQuotesMs === undefined) {
            const records = readJsonLines<{ ticker: string; kind: string }>(config.log.intents_file);
            for (const record of records.slice(intentLines)) if (record.kind === 'quote') quoted.add(record.ticker);
            intentLines = records.length;
            if (quoted.size >= SELECTED) firstQuotesMs = now;
          }
          return subscribedMs !== undefined && firstQuotesMs !== undefined;
        },
        `all ${SELECTED} markets subscribed and quoted`,
        startedAt,
      ).catch((error: Error) => {
        const unquoted = runtime.roster.tickers().filter((ticker) => !quoted.has(ticker));
        throw new Error(
          `${error.message} (live ${runtime.gateway.statistics().tickersLive}, quoted ${quoted.size}; not quoted: ${unquoted.slice(0, 10).join(', ')})`,
        );
      });

      let selectionEvent: { ts: string; message: string } | undefined;
      await until(
        () => {
          selectionEvent = readJsonLines<{ ts: string; kind: string; message: string }>(config.log.events_file).find((event) => event.kind === 'selection');
          return selectionEvent !== undefined;
        },
        'the selection event',
        startedAt,
      );
      return {
        run,
        resolveAloneMs: Math.round(resolveAloneMs),
        listed: alone.listed,
        selectedAlone,
        selectionMs: Date.parse(selectionEvent!.ts) - startWallMs,
        startRuntimeMs: Math.round(startRuntimeMs),
        subscribedMs: Math.round(subscribedMs!),
        firstQuotesMs: Math.round(firstQuotesMs!),
        hosted,
        selectionEvent: selectionEvent!.message,
      };
    } finally {
      await runtime.stop();
    }
  } finally {
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIGURES: ReadonlyArray<{ key: keyof RunResult; name: string }> = [
  { key: 'resolveAloneMs', name: 'selection resolved on its own (ms of its own)' },
  { key: 'selectionMs', name: '(a) selection event' },
  { key: 'startRuntimeMs', name: 'startRuntime returned' },
  { key: 'subscribedMs', name: `(b) all ${SELECTED} subscribed (first snapshot)` },
  { key: 'firstQuotesMs', name: `(c) all ${SELECTED} quoted (first quote intent)` },
];

async function main(): Promise<void> {
  const startedAt = Date.now();
  const machine = describeMachine();
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    progress(`run ${run} of ${RUNS}: ${MARKETS} markets, rules selecting ${SELECTED}`);
    const result = await oneRun(run);
    progress(`run ${run}: selection ${result.selectionMs} ms, subscribed ${result.subscribedMs} ms, quoted ${result.firstQuotesMs} ms`);
    runs.push(result);
  }
  const medians = Object.fromEntries(
    FIGURES.map(({ key }) => [
      key,
      quantile(
        runs.map((run) => run[key] as number),
        0.5,
      ),
    ]),
  );

  const header = ['figure (ms from the start call)', 'median', ...runs.map((run) => `run ${run.run}`)];
  const lines = FIGURES.map(({ key, name }) => [name, String(medians[key]), ...runs.map((run) => String(run[key]))]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ');
  const loadAtEnd = describeMachine().loadAverage;
  process.stdout.write(
    `\nkalshi-mm selection at ${MARKETS.toLocaleString('en-US')} markets: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; ` +
      `load average ${machine.loadAverage} at the start, ${loadAtEnd} at the end\n` +
      `rules: ${JSON.stringify(SELECTION.rules)}, max_markets ${SELECTION.max_markets}; ${WORKERS} workers, announce mode; ${runs[0]!.listed} markets listed, ${runs[0]!.hosted} hosted\n\n` +
      `${[render(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...lines.map(render)].join('\n')}\n`,
  );
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        measuredAt: new Date(startedAt).toISOString(),
        durationSeconds: Math.round((Date.now() - startedAt) / 1000),
        machine,
        loadAverageAtEnd: loadAtEnd,
        settings: {
          simulator: SIM,
          selection: SELECTION,
          strategy: STRATEGY,
          workers: WORKERS,
          executionMode: 'announce',
          pollMs: POLL_MS,
          timeoutMs: TIMEOUT_MS,
          runs: RUNS,
        },
        unit: 'ms from the startRuntime call (resolveAloneMs: ms of its own, before the engine started)',
        median: medians,
        runs,
      },
      null,
      2,
    )}\n`,
  );
  progress(`done in ${Math.round((Date.now() - startedAt) / 1000)} s; wrote ${RESULTS_FILE}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:selection: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
