/**
 * `npm run bench`: the engine's figures next to this machine's own limits, measured in the
 * same run on the same recorded frames, each as a ratio. Prints a table and writes
 * bench/results.json; a CPU profile of the engine's main thread is summarized at the end.
 * Not a test: nothing here passes or fails.
 *
 * Everything runs on loopback: the replay server (a process of its own) feeds recordings
 * of the simulator; the engine under test is the unchanged runtime in a process of its own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUTBOX_OPTIONS } from '../src/actors/actor-outbox.js';
import { quantileMs, totalOf } from '../src/actors/latency-histogram.js';
import { busyPercent, threadProfiles } from './cpu-profile-summary.js';
import { LATENCY_SECONDS, runEngine, runFrames, searchSustainedRate, type EngineTrial, type RunSettings } from './engine-runs.js';
import { describeMachine } from './machine.js';
import { measurePortLimits } from './port-limit.js';
import { measureRecorderCost } from './recorder-cost.js';
import { makeBenchKey } from './replay-feed.js';
import { quantile, slope } from './statistics.js';
import { forkBench } from './child-process.js';
import { cpuPerFrame } from './thread-cpu.js';
import { bareClientRate } from './ws-limit.js';
import { FRAMES_PER_WORKLOAD, makeWorkload, WARMUP, type Workload } from './workloads.js';

const TICKER_COUNTS = [10, 100, 1_000] as const;
const LATENCY_RATE = 10_000;
const PORT_SECONDS = 2;
const WORKERS = 2;
/** the target: end-to-end throughput at least this share of the bare ws + JSON.parse limit */
const TARGET_RATIO = 0.5;
/** the shipped default (config/default.json) */
const LOG_LEVEL = 'info';
const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

interface Row {
  readonly figure: string;
  readonly product: number;
  readonly limit: number | undefined;
  readonly limitName: string;
  readonly unit: string;
}

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value.toFixed(3);
  if (unit === 'MB') return (value / 2 ** 20).toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

function table(rows: readonly Row[]): string {
  const lines = rows.map((row) => {
    const ratio = row.limit === undefined || !Number.isFinite(row.product) ? '' : (row.product / row.limit).toFixed(2);
    return [
      row.figure,
      `${format(row.product, row.unit)} ${row.unit}`,
      row.limit === undefined ? row.limitName : `${format(row.limit, row.unit)} ${row.unit} (${row.limitName})`,
      ratio,
    ];
  });
  const header = ['figure', 'product', 'limit on this machine', 'ratio'];
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...lines.map(render)].join('\n');
}

function trialSummary(trial: EngineTrial): Record<string, unknown> {
  const { latenciesMs: _latencies, decisionLatency: _decisions, ...result } = trial.result;
  return { feedRate: trial.feedRate, handledRate: Math.round(trial.handledRate), sustained: trial.sustained, ...result };
}

/** Retained heap per ticker in a shard actor hosting every ticker of the workload (bench/actor-state-process.ts). */
async function measureActorState(workload: Workload): Promise<{ bytesPerTicker: number; live: number }> {
  const child = forkBench('./actor-state-process.ts', [workload.path, String(workload.tickers.length)], ['--expose-gc']);
  const result = await child.next<{ bytesPerTicker: number; live: number }>('actor-state');
  await child.exited;
  return result;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const machine = describeMachine();
  const directory = mkdtempSync(join(tmpdir(), 'mm-bench-'));
  try {
    const key = makeBenchKey(directory);
    const settings: RunSettings = { key, directory, workers: WORKERS, logLevel: LOG_LEVEL, warmup: WARMUP };

    const workloads: Workload[] = [];
    for (const count of TICKER_COUNTS) {
      progress(`recording the simulator at ${count} tickers (${FRAMES_PER_WORKLOAD} frames)`);
      workloads.push(await makeWorkload(directory, count, FRAMES_PER_WORKLOAD));
    }
    const largest = workloads.at(-1)!;

    const wsLimits: Array<{ tickers: number; receive: number; parse: number }> = [];
    for (const workload of workloads) {
      progress(`bare ws client at ${workload.tickers.length} tickers`);
      wsLimits.push({
        tickers: workload.tickers.length,
        receive: await bareClientRate(workload, key, false, WARMUP),
        parse: await bareClientRate(workload, key, true, WARMUP),
      });
    }
    progress('MessagePort between two threads');
    const ports = await measurePortLimits(largest.sample, PORT_SECONDS * 1000);
    progress('recorder cost on the receiving thread');
    const recorder = await measureRecorderCost(directory, largest.sample);
    progress('actor state per ticker');
    const actorState = await measureActorState(largest);

    const throughput = [];
    for (const [index, workload] of workloads.entries()) {
      progress(`engine throughput at ${workload.tickers.length} tickers (as fast as read, then a search for the sustained rate from the target up)`);
      throughput.push({ tickers: workload.tickers.length, ...(await searchSustainedRate(workload, settings, TARGET_RATIO * wsLimits[index]!.parse)) });
    }
    const fixedRate = [];
    for (const workload of workloads) {
      progress(`engine latency and memory at ${LATENCY_RATE} frames/s, ${workload.tickers.length} tickers`);
      fixedRate.push({
        tickers: workload.tickers.length,
        run: await runEngine(workload, settings, LATENCY_RATE, { mode: 'latency', frames: runFrames(workload, settings, LATENCY_RATE, LATENCY_SECONDS) }),
      });
    }

    const profiledRate = Math.round(throughput.at(-1)!.best?.handledRate ?? LATENCY_RATE);
    progress(`profiling the engine's main thread at ${profiledRate} frames/s, ${largest.tickers.length} tickers`);
    const profileDirectory = join(directory, 'profiles');
    mkdirSync(profileDirectory);
    await runEngine(largest, settings, profiledRate, {
      frames: runFrames(largest, settings, profiledRate),
      nodeOptions: ['--cpu-prof', '--cpu-prof-dir', profileDirectory],
    });
    const profiles = threadProfiles(profileDirectory);
    const profile = profiles.find((summary) => summary.thread.startsWith('main'));

    const memory = fixedRate.map((entry) => [entry.tickers, entry.run.result.peakRssBytes] as const);
    const bytesPerTicker = slope(memory);
    const perFrameLimitNs = 1e9 / wsLimits.at(-1)!.parse;
    const rows: Row[] = [
      ...throughput.map((entry, index) => ({
        figure: `end-to-end sustained, ${entry.tickers} tickers`,
        product: entry.best?.handledRate ?? Number.NaN,
        limit: wsLimits[index]!.parse,
        limitName: 'bare ws + JSON.parse',
        unit: 'frames/s',
      })),
      ...throughput.map((entry, index) => ({
        figure: `gateway read, as fast as read, ${entry.tickers} tickers`,
        product: (entry.fast.result.framesMeasured / entry.fast.result.receiveMs) * 1000,
        limit: wsLimits[index]!.parse,
        limitName: 'bare ws + JSON.parse',
        unit: 'frames/s',
      })),
      ...fixedRate.flatMap((entry) => [
        {
          figure: `to intent record, p50 at ${LATENCY_RATE} frames/s, ${entry.tickers} tickers`,
          product: quantileMs(entry.run.result.decisionLatency, 0.5) ?? Number.NaN,
          limit: ports.roundTripP50Ms,
          limitName: 'MessagePort round trip p50',
          unit: 'ms',
        },
        {
          figure: `to intent record, p99 at ${LATENCY_RATE} frames/s, ${entry.tickers} tickers`,
          product: quantileMs(entry.run.result.decisionLatency, 0.99) ?? Number.NaN,
          limit: ports.roundTripP99Ms,
          limitName: 'MessagePort round trip p99',
          unit: 'ms',
        },
        {
          figure: `to intents file line, p50 at ${LATENCY_RATE} frames/s, ${entry.tickers} tickers`,
          product: quantile(entry.run.result.latenciesMs, 0.5),
          limit: ports.roundTripP50Ms,
          limitName: 'MessagePort round trip p50',
          unit: 'ms',
        },
        {
          figure: `to intents file line, p99 at ${LATENCY_RATE} frames/s, ${entry.tickers} tickers`,
          product: quantile(entry.run.result.latenciesMs, 0.99),
          limit: ports.roundTripP99Ms,
          limitName: 'MessagePort round trip p99',
          unit: 'ms',
        },
      ]),
      {
        figure: `peak RSS, latency run, ${largest.tickers.length} tickers`,
        product: memory.at(-1)![1],
        limit: memory[0]![1],
        limitName: `same, ${memory[0]![0]} tickers`,
        unit: 'MB',
      },
      { figure: 'memory per ticker (slope of peak RSS)', product: bytesPerTicker, limit: undefined, limitName: '', unit: 'bytes' },
      {
        figure: `actor state per ticker (heap after GC, ${largest.tickers.length} tickers)`,
        product: actorState.bytesPerTicker,
        limit: undefined,
        limitName: `${actorState.live} tickers live`,
        unit: 'bytes',
      },
      {
        figure: 'recorder, hot-path call',
        product: recorder.hotPathNsPerFrame,
        limit: perFrameLimitNs,
        limitName: 'bare ws + JSON.parse per frame',
        unit: 'ns/frame',
      },
      {
        figure: 'recorder, all work on the receiving thread',
        product: recorder.threadNsPerFrame,
        limit: perFrameLimitNs,
        limitName: 'bare ws + JSON.parse per frame',
        unit: 'ns/frame',
      },
    ];

    const rendered = table(rows);
    process.stdout.write(
      `\nkalshi-mm bench: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; ` +
        `load average ${machine.loadAverage} at the start, ${describeMachine().loadAverage} at the end\n\n${rendered}\n\n`,
    );
    process.stdout.write(
      'limits: ' +
        wsLimits.map((limit) => `ws receive only ${format(limit.receive, '')}/s at ${limit.tickers} tickers`).join('; ') +
        `; MessagePort ${format(ports.unbatched, '')} frames/s unbatched, ${format(ports.batched, '')} frames/s in batches of ${DEFAULT_OUTBOX_OPTIONS.maxBatch}\n`,
    );
    if (profile) {
      process.stdout.write(
        `\nengine main thread at ${format(profiledRate, '')} frames/s (--cpu-prof, ${profile.totalMs} ms, ${busyPercent(profile)}); busy time by area:\n`,
      );
      for (const share of profile.areas) process.stdout.write(`  ${(100 * share.share).toFixed(1).padStart(5)}%  ${share.name}\n`);
      process.stdout.write('top functions (self time):\n');
      for (const share of profile.functions) process.stdout.write(`  ${(100 * share.share).toFixed(1).padStart(5)}%  ${share.name}\n`);
    }
    for (const entry of throughput) {
      if (entry.best) process.stdout.write(`at the best sustained rate, ${entry.tickers} tickers: ${cpuPerFrame(entry.best.result)}\n`);
    }
    for (const other of profiles.filter((summary) => summary !== profile)) {
      const top = (shares: readonly { name: string; share: number }[]): string =>
        shares
          .slice(0, 4)
          .map((share) => `${share.name} ${(100 * share.share).toFixed(0)}%`)
          .join(', ');
      process.stdout.write(`${other.thread} thread: ${busyPercent(other)}; ${top(other.areas)}; top functions: ${top(other.functions)}\n`);
    }

    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          measuredAt: new Date(startedAt).toISOString(),
          durationSeconds: Math.round((Date.now() - startedAt) / 1000),
          machine,
          loadAverageAtEnd: describeMachine().loadAverage,
          settings: { workers: WORKERS, framesPerWorkload: FRAMES_PER_WORKLOAD, warmup: WARMUP, latencyRate: LATENCY_RATE, logLevel: LOG_LEVEL },
          workloads: workloads.map((workload) => ({
            tickers: workload.tickers.length,
            frames: workload.frameCount,
            recordedRate: Math.round(workload.recordedRate),
          })),
          table: rows.map((row) => ({ ...row, ratio: row.limit === undefined ? undefined : row.product / row.limit })),
          limits: { ws: wsLimits, messagePort: ports },
          recorder,
          actorState,
          throughput: throughput.map((entry) => ({
            tickers: entry.tickers,
            fast: trialSummary(entry.fast),
            trials: entry.trials.map(trialSummary),
            best: entry.best ? trialSummary(entry.best) : undefined,
          })),
          fixedRate: fixedRate.map(({ tickers, run }) => ({
            tickers,
            ...trialSummary(run),
            latencySamples: run.result.latenciesMs.length,
            p50Ms: quantile(run.result.latenciesMs, 0.5),
            p90Ms: quantile(run.result.latenciesMs, 0.9),
            p99Ms: quantile(run.result.latenciesMs, 0.99),
            maxMs: Math.max(...run.result.latenciesMs),
            decisionSamples: totalOf(run.result.decisionLatency),
            decisionP50Ms: quantileMs(run.result.decisionLatency, 0.5),
            decisionP90Ms: quantileMs(run.result.decisionLatency, 0.9),
            decisionP99Ms: quantileMs(run.result.decisionLatency, 0.99),
            // the histogram's non-empty 10 µs buckets, [bucket, count]
            decisionBuckets: run.result.decisionLatency.flatMap((count, bucket) => (count > 0 ? [[bucket, count]] : [])),
          })),
          profiles,
        },
        null,
        2,
      )}\n`,
    );
    progress(`done in ${Math.round((Date.now() - startedAt) / 1000)} s; wrote ${RESULTS_FILE}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
