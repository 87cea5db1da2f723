/**
 * One figure of the bench, quickly, for before/after comparisons of a change:
 *
 *   node --import tsx bench/focus.ts [--tickers 1000] [--fast] [--rate 300000] [--latency [--latency-rate 10000]]
 *     [--profile DIR] [--runs 3] [--workers 2] [--frames 1200000] [--warmup-frames 300000] [--warmup-rate 100000]
 *     [--seconds 3] [--node-option=--flag ...]
 *
 * Records the simulator at that many tickers once (kept in a scratch folder named after
 * the ticker count, reused by later calls), then runs the engine fed as fast as it reads
 * (the gateway's read rate), and at a fixed `--rate` for `--seconds` (is it sustained, the
 * rate the actors handled, and the CPU each thread ran per frame) and/or at 10,000
 * frames/s for latency (p50/p90/p99). Every run begins with the bench's warm-up (not
 * measured; `--warmup-frames 0` measures a cold engine). `--profile DIR` writes every
 * thread's --cpu-prof of the fixed-rate run to DIR and prints a summary. `--runs` repeats
 * each measurement (this VM is noisy). Not a test.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { quantileMs, totalOf } from '../src/actors/latency-histogram.js';
import { busyPercent, threadProfiles } from './cpu-profile-summary.js';
import { LATENCY_SECONDS, runEngine, runFrames, TRIAL_SECONDS, type RunSettings } from './engine-runs.js';
import { cpuPerFrame } from './thread-cpu.js';
import { makeBenchKey } from './replay-feed.js';
import { quantile } from './statistics.js';
import { FRAMES_PER_WORKLOAD, loadWorkload, makeWorkload, WARMUP, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: {
    tickers: { type: 'string', default: '1000' },
    rate: { type: 'string' },
    latency: { type: 'boolean', default: false },
    fast: { type: 'boolean', default: false },
    profile: { type: 'string' },
    runs: { type: 'string', default: '1' },
    'latency-rate': { type: 'string', default: '10000' },
    frames: { type: 'string', default: String(FRAMES_PER_WORKLOAD) },
    seconds: { type: 'string', default: String(TRIAL_SECONDS) },
    'warmup-frames': { type: 'string', default: String(WARMUP.frames) },
    'warmup-rate': { type: 'string', default: String(WARMUP.rate) },
    workers: { type: 'string', default: '2' },
    level: { type: 'string', default: 'info' },
    'node-option': { type: 'string', multiple: true, default: [] },
  },
});

async function workloadFor(directory: string, tickers: number, frames: number): Promise<Workload> {
  const path = join(directory, `sim-${tickers}-tickers-${frames}.jsonl.gz`);
  return existsSync(path) ? loadWorkload(path, tickers) : makeWorkload(directory, tickers, frames, path);
}

async function main(): Promise<void> {
  const tickers = Number(values.tickers);
  const runs = Number(values.runs);
  const extraNodeOptions = values['node-option'];
  const latencyRate = Number(values['latency-rate']);
  const directory = join(tmpdir(), `mm-bench-focus-${tickers}`);
  mkdirSync(directory, { recursive: true });
  const workload = await workloadFor(directory, tickers, Number(values.frames));
  const warmupFrames = Number(values['warmup-frames']);
  const warmup = warmupFrames > 0 ? { frames: warmupFrames, rate: Number(values['warmup-rate']) } : undefined;
  const settings: RunSettings = {
    key: makeBenchKey(directory),
    directory,
    workers: Number(values.workers),
    logLevel: values.level === 'warn' ? 'warn' : 'info',
    ...(warmup ? { warmup } : {}),
  };
  for (let run = 0; run < runs; run++) {
    if (values.fast) {
      const fast = await runEngine(workload, settings, 'as fast as read', { nodeOptions: extraNodeOptions });
      process.stdout.write(
        `as fast as read: gateway ${Math.round((fast.result.framesMeasured / fast.result.receiveMs) * 1000)} frames/s, actors ${Math.round(fast.handledRate)} frames/s, slow consumer events ${fast.result.slowConsumerEvents}\n`,
      );
    }
    if (values.rate !== undefined) {
      const rate = Number(values.rate);
      // a folder per run: a run prints its own profiles only
      const profileDirectory = values.profile === undefined ? undefined : join(values.profile, `run-${run + 1}`);
      if (profileDirectory) mkdirSync(profileDirectory, { recursive: true });
      const nodeOptions = [...extraNodeOptions, ...(profileDirectory ? ['--cpu-prof', '--cpu-prof-dir', profileDirectory] : [])];
      const frames = runFrames(workload, settings, rate, Number(values.seconds));
      const trial = await runEngine(workload, settings, rate, { frames, nodeOptions });
      process.stdout.write(
        `at ${rate} frames/s: handled ${Math.round(trial.handledRate)} frames/s, sustained ${trial.sustained}, dropped deltas ${trial.result.deltasDroppedWhileStale}\n`,
      );
      process.stdout.write(`${cpuPerFrame(trial.result)}\n`);
      if (profileDirectory) {
        for (const summary of threadProfiles(profileDirectory, 14)) {
          process.stdout.write(`\n${summary.thread}: ${busyPercent(summary)}\n`);
          for (const share of summary.functions) process.stdout.write(`  ${(100 * share.share).toFixed(1).padStart(5)}%  ${share.name}\n`);
        }
      }
    }
    if (values.latency) {
      const trial = await runEngine(workload, settings, latencyRate, {
        mode: 'latency',
        frames: runFrames(workload, settings, latencyRate, LATENCY_SECONDS),
        nodeOptions: extraNodeOptions,
      });
      const latencies = trial.result.latenciesMs;
      const ms = (q: number): string => quantile(latencies, q).toFixed(3);
      const decision = trial.result.decisionLatency;
      const decided = (q: number): string => String(quantileMs(decision, q));
      process.stdout.write(
        `latency at ${latencyRate} frames/s: to intent record p50 ${decided(0.5)} ms, p90 ${decided(0.9)} ms, p99 ${decided(0.99)} ms (${totalOf(decision)} intents); ` +
          `to intents file line p50 ${ms(0.5)} ms, p90 ${ms(0.9)} ms, p99 ${ms(0.99)} ms (${latencies.length} intents)\n`,
      );
    }
  }
}

await main();
