/**
 * `npm run bench:backtest -- [--frames N] [--tickers N] [--repeats N] [--no-profile]`:
 * how fast `mm backtest` goes, in frames of the recording per second, next to the limit
 * measured in the same run on the same file: reading it alone (gunzip, the recording's
 * lines, JSON.parse of every frame), which every backtest has to do.
 *
 * - single thread: one backtest job in this thread (as `mm backtest REC` runs one set),
 *   against the limit on one thread;
 * - sweep: a grid of 2 x cores parameter sets on worker threads, one per core (as
 *   `mm backtest --sweep` runs it, pool start-up included), against the limit on as many
 *   threads at once; and without the pool's start-up (timed on a sweep over a tiny recording);
 * - scaling: sweep over single thread (the ideal is the number of cores).
 *
 * The recording is made fresh from the simulator (deterministic: the same options give the
 * same frames), with every market traded by the strategy defaults. Each single-thread
 * figure is the best of --repeats runs (the machine may be shared: the load average is
 * recorded). Then, unless --no-profile, one more single-thread run under the CPU profiler
 * says where the time goes. Prints a table and writes bench/backtest-results.json.
 * Not a test: nothing here passes or fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { runRecording } from '../src/backtest/run.js';
import { resolveSettings } from '../src/backtest/settings.js';
import { executePlan, planBacktest } from '../src/backtest/sweep.js';
import { openRecording } from '../src/replay/recording-reader.js';
import { recordSimulatorSession } from '../src/replay/simulator-recording.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile-summary.js';
import { describeMachine } from './machine.js';

const RESULTS_FILE = fileURLToPath(new URL('./backtest-results.json', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/recordings/sim-current.jsonl.gz', import.meta.url));
/** the target: a single-thread backtest at least this share of the read-and-parse limit */
const TARGET_RATIO = 0.5;
/** market events per second per market in the recording, and one simulator step */
const RATE_PER_MARKET = 20;
const TICK_MS = 100;

/** Reads the recording as a backtest must and parses every frame; nothing else. Returns the frames read. */
async function readAndParse(path: string): Promise<number> {
  const reader = await openRecording(path);
  let frames = 0;
  let types = 0;
  for await (const batch of reader.batches()) {
    for (const entry of batch) {
      if (entry.kind !== 'frame') continue;
      const frame = JSON.parse(entry.text) as { type?: unknown };
      if (typeof frame.type === 'string') types += 1;
      frames += 1;
    }
  }
  if (types === 0 && frames > 0) throw new Error(`${path}: no frame has a type`);
  return frames;
}

interface Timed {
  readonly frames: number;
  readonly ms: number;
  readonly perSecond: number;
}

async function timed(frames: () => Promise<number>): Promise<Timed> {
  const started = performance.now();
  const count = await frames();
  const ms = performance.now() - started;
  return { frames: count, ms: Math.round(ms), perSecond: Math.round((count / ms) * 1000) };
}

/** The read-and-parse limit on `threads` threads at once: each reads the whole recording (after a pass of its own to warm up). */
async function parallelLimit(path: string, threads: number): Promise<Timed> {
  // piscina, as the sweep uses it: its workers load this file through the TypeScript loader
  const pool = new Piscina<string, number>({ filename: import.meta.url, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  try {
    const round = (): Promise<number[]> => Promise.all(Array.from({ length: threads }, () => pool.run(path)));
    await round();
    const started = performance.now();
    const frames = (await round()).reduce((sum, count) => sum + count, 0);
    const ms = performance.now() - started;
    return { frames, ms: Math.round(ms), perSecond: Math.round((frames / ms) * 1000) };
  } finally {
    await pool.destroy();
  }
}

function best(runs: readonly Timed[]): Timed {
  return runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
}

async function profileSingle(path: string, directory: string): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await runRecording(path, resolveSettings({}, []));
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const file = join(directory, 'backtest.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  return summarizeProfile(file);
}

function progress(text: string): void {
  process.stderr.write(`bench:backtest: ${text}\n`);
}

function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { frames: { type: 'string' }, tickers: { type: 'string' }, repeats: { type: 'string' }, 'no-profile': { type: 'boolean' } },
    strict: true,
  });
  const whole = (name: string, text: string | undefined, fallback: number, min: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  const frameCount = whole('frames', values.frames, 300_000, 1000);
  const tickerCount = whole('tickers', values.tickers, 100, 1);
  const repeats = whole('repeats', values.repeats, 2, 1);
  const startedAt = Date.now();
  const machine = describeMachine();
  const threads = availableParallelism();
  const directory = mkdtempSync(join(tmpdir(), 'mm-bench-backtest-'));
  try {
    const path = join(directory, `sim-${tickerCount}-tickers.jsonl.gz`);
    const tickers = Array.from({ length: tickerCount }, (_, index) => `KXBENCH-26DEC31-T${index + 1}`);
    progress(`recording the simulator: ${tickerCount} markets, ${RATE_PER_MARKET} events/s each, ${frameCount} frames`);
    await recordSimulatorSession({
      path,
      tickers,
      frames: frameCount,
      seed: 5,
      ratePerMarket: RATE_PER_MARKET,
      tickMs: TICK_MS,
      session: `bench-backtest-${tickerCount}`,
    });
    const settings = resolveSettings({}, []);

    progress('warm-up (read-and-parse, a backtest of the fixture recording)');
    await readAndParse(path);
    await runRecording(FIXTURE, settings);

    const limits: Timed[] = [];
    const singles: Timed[] = [];
    let job: Awaited<ReturnType<typeof runRecording>> | undefined;
    for (let round = 1; round <= repeats; round++) {
      progress(`round ${round} of ${repeats}: read-and-parse limit, then a single-thread backtest`);
      limits.push(await timed(() => readAndParse(path)));
      singles.push(
        await timed(async () => {
          job = await runRecording(path, settings);
          return job.counts.frames;
        }),
      );
    }
    const limit = best(limits);
    const single = best(singles);

    progress(`read-and-parse limit on ${threads} threads at once`);
    const parallel = await parallelLimit(path, threads);

    progress(`pool start-up: a sweep over the fixture recording on ${threads} threads`);
    const startup = await timed(async () => {
      const plan = planBacktest(
        [FIXTURE],
        {},
        [],
        [
          { key: 'backtest.queue_model', values: ['risk_averse', 'probabilistic'] },
          { key: 'backtest.entry_latency_ms', values: Array.from({ length: Math.ceil(threads / 2) }, (_, index) => 50 + index) },
        ],
      );
      const sets = await executePlan(plan, { threads });
      return sets.reduce((sum, set) => sum + set.jobs[0]!.counts.frames, 0);
    });

    const sweepSets = 2 * threads;
    progress(`sweep: ${sweepSets} parameter sets on ${threads} worker threads`);
    const latencies = Array.from({ length: threads }, (_, index) => 50 + 10 * index);
    const sweepPlan = planBacktest(
      [path],
      {},
      [],
      [
        { key: 'backtest.queue_model', values: ['risk_averse', 'probabilistic'] },
        { key: 'backtest.entry_latency_ms', values: latencies },
      ],
    );
    const sweep = await timed(async () => {
      const sets = await executePlan(sweepPlan, { threads });
      return sets.reduce((sum, set) => sum + set.jobs[0]!.counts.frames, 0);
    });
    const sweepWithoutStartupMs = Math.max(1, sweep.ms - startup.ms);
    const sweepWithoutStartup = Math.round((sweep.frames / sweepWithoutStartupMs) * 1000);

    let profile: ProfileSummary | undefined;
    if (!values['no-profile']) {
      progress('one more single-thread backtest under the CPU profiler');
      profile = await profileSingle(path, directory);
    }

    const rows = [
      { figure: 'single-thread backtest', product: single.perSecond, limit: limit.perSecond, limitName: 'read + gunzip + JSON.parse, 1 thread' },
      {
        figure: `sweep, ${sweepSets} sets on ${threads} threads`,
        product: sweep.perSecond,
        limit: parallel.perSecond,
        limitName: `read + gunzip + JSON.parse, ${threads} threads at once`,
      },
      {
        figure: `sweep, without the pool start-up (${(startup.ms / 1000).toFixed(1)} s)`,
        product: sweepWithoutStartup,
        limit: parallel.perSecond,
        limitName: `read + gunzip + JSON.parse, ${threads} threads at once`,
      },
    ];
    const header = ['figure', 'frames/s', 'limit (frames/s)', 'ratio'];
    const lines = rows.map((row) => [row.figure, number(row.product), `${number(row.limit)} (${row.limitName})`, (row.product / row.limit).toFixed(2)]);
    const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
    const render = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ');
    const scaling = sweep.perSecond / single.perSecond;
    const limitScaling = parallel.perSecond / limit.perSecond;
    const loadAtEnd = describeMachine().loadAverage;
    process.stdout.write(
      `\nkalshi-mm backtest throughput: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; ` +
        `load average ${machine.loadAverage} at the start, ${loadAtEnd} at the end\n` +
        `recording: ${number(single.frames)} frames, ${tickerCount} markets (every one traded, strategy defaults), ${job?.fills.length ?? 0} fills\n\n` +
        `${[render(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...lines.map(render)].join('\n')}\n\n` +
        `scaling: sweep / single thread = ${scaling.toFixed(2)} on ${threads} cores (${(sweepWithoutStartup / single.perSecond).toFixed(2)} without the pool start-up); ` +
        `the limit itself scales ${limitScaling.toFixed(2)}\n` +
        `target: single thread at least ${TARGET_RATIO} of the limit: ${single.perSecond / limit.perSecond >= TARGET_RATIO ? 'met' : 'not met'} (${(single.perSecond / limit.perSecond).toFixed(2)})\n`,
    );
    if (profile) {
      process.stdout.write(`\nsingle-thread backtest under the profiler (${profile.totalMs} ms); busy time by area:\n`);
      for (const share of profile.areas) process.stdout.write(`  ${(100 * share.share).toFixed(1).padStart(5)}%  ${share.name}\n`);
      process.stdout.write('top functions (self time):\n');
      for (const share of profile.functions) process.stdout.write(`  ${(100 * share.share).toFixed(1).padStart(5)}%  ${share.name}\n`);
    }
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          measuredAt: new Date(startedAt).toISOString(),
          durationSeconds: Math.round((Date.now() - startedAt) / 1000),
          machine,
          loadAverageAtEnd: loadAtEnd,
          recording: {
            frames: single.frames,
            tickers: tickerCount,
            ratePerMarket: RATE_PER_MARKET,
            tickMs: TICK_MS,
            fills: job?.fills.length ?? 0,
            intents: job?.counts.intents ?? 0,
          },
          targetRatio: TARGET_RATIO,
          table: rows.map((row) => ({ ...row, unit: 'frames/s', ratio: row.product / row.limit })),
          scaling: {
            threads,
            sweepOverSingle: scaling,
            sweepWithoutStartupOverSingle: sweepWithoutStartup / single.perSecond,
            limitParallelOverSingle: limitScaling,
          },
          runs: { limit: limits, single: singles, parallelLimit: parallel, poolStartup: startup, sweep: { sets: sweepSets, ...sweep } },
          profile,
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

/** The task of parallelLimit's workers: one read-and-parse pass. */
export default function parseTask(path: string): Promise<number> {
  return readAndParse(path);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:backtest: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
