/**
 * Runs of the engine against a replay feed, each in fresh processes: one as fast as the
 * engine reads, a search for the highest rate it sustains end to end, a fixed-rate latency
 * run, a profiled run.
 *
 * Every run begins with the feed's warm-up (RunSettings.warmup: frames at a moderate rate
 * that are not measured): a fresh engine spends its first seconds compiling its hot code,
 * on V8's helper threads as well (about 1.5 µs of CPU per frame over the first 300,000
 * frames at 1,000 tickers, near none after), and an engine that trades runs for hours, so
 * what is measured is the steady state. The bare client the engine is held against is
 * measured after the same warm-up.
 *
 * Sustained means: no frame dropped anywhere, warm-up included (no slow-consumer
 * overload, no delta dropped on a stale book), and the actors handled frames at 95% or
 * more of the feed rate. One stall of the machine (this VM has them) can push an actor
 * past the gateway's bound once, and a replay cannot answer the snapshot requests that
 * would recover it, so a rate that fails is tried a second time before it counts as too
 * high. As fast as read, the gateway outruns the actors and sheds load by design, so that
 * run gives the gateway's own read rate, not an end-to-end figure.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { forkBench } from './child-process.js';
import type { EngineRunOptions, EngineRunResult } from './engine-process.js';
import { startFeed, type BenchKey, type FeedWarmup } from './replay-feed.js';
import type { Workload } from './workloads.js';

export interface EngineTrial {
  /** frames per second fed, or as fast as read */
  readonly feedRate: number | 'as fast as read';
  readonly result: EngineRunResult;
  /** frames handled by the actors per second */
  readonly handledRate: number;
  readonly sustained: boolean;
}

export interface RunSettings {
  readonly key: BenchKey;
  readonly directory: string;
  readonly workers: number;
  readonly logLevel: EngineRunOptions['logLevel'];
  /** the frames every run begins with, not measured */
  readonly warmup?: FeedWarmup;
}

/** measured frames per search trial: about this long at the trial's rate */
export const TRIAL_SECONDS = 3;
/** the latency runs: this long at their fixed rate after the warm-up */
export const LATENCY_SECONDS = 6;
const MIN_TRIAL_FRAMES = 50_000;
const SEARCH_TRIALS = 5;
/** while every trial is sustained, the next asks this much more */
const STEP_UP = 1.15;

export async function runEngine(
  workload: Workload,
  settings: RunSettings,
  feedRate: number | 'as fast as read',
  options: { mode?: EngineRunOptions['mode']; frames?: number; nodeOptions?: readonly string[] } = {},
): Promise<EngineTrial> {
  const warmup = settings.warmup;
  const feed = await startFeed(workload, settings.key, feedRate, warmup);
  try {
    const run: EngineRunOptions = {
      mode: options.mode ?? 'throughput',
      url: feed.url,
      keyId: settings.key.keyId,
      keyPath: settings.key.privateKeyPath,
      tickers: workload.tickers,
      frames: options.frames ?? workload.frameCount,
      workers: settings.workers,
      logLevel: settings.logLevel,
      logDirectory: mkdtempSync(join(settings.directory, `engine-${workload.tickers.length}-`)),
      warmupMs: 1_000,
      ...(feed.pid !== undefined ? { feedPid: feed.pid } : {}),
      ...(warmup ? { measureFromFrame: warmup.frames } : {}),
    };
    const engine = forkBench('./engine-process.ts', [JSON.stringify(run)], options.nodeOptions ?? []);
    const { result } = await engine.next<{ result: EngineRunResult }>('result');
    await engine.exited;
    const handledRate = (result.framesMeasured / result.durationMs) * 1000;
    const dropped = result.slowConsumerEvents > 0 || result.deltasDroppedWhileStale > 0;
    const sustained = !dropped && (feedRate === 'as fast as read' || handledRate >= 0.95 * feedRate);
    return { feedRate, result, handledRate, sustained };
  } finally {
    await feed.stop();
  }
}

/** The frames a run at `rate` is fed, warm-up included: about `seconds` at that rate after it, as far as the recording goes. */
export function runFrames(workload: Workload, settings: RunSettings, rate: number, seconds = TRIAL_SECONDS): number {
  return Math.min(workload.frameCount, (settings.warmup?.frames ?? 0) + Math.max(MIN_TRIAL_FRAMES, Math.ceil(rate * seconds)));
}

/**
 * The as-fast-as-read run, then a search on the feed rate for the highest one sustained:
 * from `startRate` (the bench starts at its target) up by STEP_UP while trials are
 * sustained, down by 0.7 while none is, then a bisection.
 */
export async function searchSustainedRate(
  workload: Workload,
  settings: RunSettings,
  startRate: number,
): Promise<{ fast: EngineTrial; trials: EngineTrial[]; best: EngineTrial | undefined }> {
  const fast = await runEngine(workload, settings, 'as fast as read');
  if (fast.sustained) return { fast, trials: [], best: fast };
  const trials: EngineTrial[] = [];
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  let rate = startRate;
  let best: EngineTrial | undefined;
  for (let attempt = 0; attempt < SEARCH_TRIALS; attempt++) {
    let trial = await runEngine(workload, settings, Math.round(rate), { frames: runFrames(workload, settings, rate) });
    trials.push(trial);
    if (!trial.sustained) {
      trial = await runEngine(workload, settings, Math.round(rate), { frames: runFrames(workload, settings, rate) });
      trials.push(trial);
    }
    if (trial.sustained) {
      low = rate;
      if (!best || trial.handledRate > best.handledRate) best = trial;
    } else {
      high = rate;
    }
    if (low === 0) rate *= 0.7;
    else rate = high === Number.POSITIVE_INFINITY ? rate * STEP_UP : (low + high) / 2;
  }
  return { fast, trials, best };
}
