/**
 * A backtest plan: the recordings and the parameter sets to run them with. Without a sweep
 * there is one set (the file and the `--set` overrides). Each `--sweep key=v1,v2,...` adds a
 * dimension; the sets are the grid of every combination, the first key varying slowest.
 * A sweep is a list of independent (recording, parameter set) jobs: they run in parallel on
 * worker threads (piscina), and each result is what a single run of that set gives.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ConfigError } from '../config/config-error.js';
import type { BacktestJob } from './job-task.js';
import { runRecording, type JobResult, type RunOptions } from './run.js';
import { canonicalKey, resolveSettings, type Assignment, type BacktestSettings, type SettingsSource } from './settings.js';
import type { SetResult } from './summary.js';

const TASK_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const TASK_FILE = new URL(`./job-task.${TASK_EXTENSION}`, import.meta.url).href;

/** The largest grid a sweep may ask for. */
export const MAX_SETS = 10_000;

export interface SweepDimension {
  readonly key: string;
  readonly values: readonly unknown[];
}

export interface PlannedSet {
  readonly index: number;
  /** the swept keys with this set's values */
  readonly parameters: readonly Assignment[];
  readonly settings: BacktestSettings;
}

export interface BacktestPlan {
  readonly recordings: readonly string[];
  readonly swept: readonly string[];
  readonly sets: readonly PlannedSet[];
}

/** Every combination of the dimensions' values, the first dimension varying slowest. */
export function parameterGrid(dimensions: readonly SweepDimension[]): Assignment[][] {
  let grid: Assignment[][] = [[]];
  for (const dimension of dimensions) grid = grid.flatMap((set) => dimension.values.map((value) => [...set, { key: dimension.key, value }]));
  return grid;
}

/** Checks and resolves every set before anything runs; a bad value anywhere is one ConfigError. */
export function planBacktest(
  recordings: readonly string[],
  source: SettingsSource,
  sets: readonly Assignment[],
  sweeps: readonly SweepDimension[],
  file?: string,
): BacktestPlan {
  if (recordings.length === 0) throw new ConfigError([{ message: 'give at least one recording' }]);
  const keys = sweeps.map((sweep) => canonicalKey(sweep.key));
  const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
  if (repeated !== undefined) throw new ConfigError([{ key: repeated, message: 'is swept twice; give all its values in one --sweep' }]);
  const size = sweeps.reduce((product, sweep) => product * sweep.values.length, 1);
  if (size > MAX_SETS) throw new ConfigError([{ message: `the sweep asks for ${size} parameter sets; at most ${MAX_SETS}` }]);
  const grid = parameterGrid(sweeps.map((sweep, index) => ({ key: keys[index]!, values: sweep.values })));
  const planned = grid.map((parameters, index) => ({ index, parameters, settings: resolveSettings(source, [...sets, ...parameters], file) }));
  return { recordings, swept: keys, sets: planned };
}

export interface ExecuteOptions {
  /** worker threads for a sweep (default: the cores, at most the jobs) */
  readonly threads?: number;
  /** a job finished: how many of how many */
  readonly onJob?: (done: number, total: number) => void;
  /** progress inside a job run in this thread */
  readonly onProgress?: RunOptions['onProgress'];
}

/**
 * Runs the plan: one set in this thread, recording after recording; a sweep as parallel jobs
 * on worker threads. Results come in set order, each set's jobs in recording order.
 */
export async function executePlan(plan: BacktestPlan, options: ExecuteOptions = {}): Promise<SetResult[]> {
  const total = plan.sets.length * plan.recordings.length;
  let done = 0;
  if (plan.sets.length === 1) {
    const set = plan.sets[0]!;
    const jobs: JobResult[] = [];
    for (const recording of plan.recordings) {
      jobs.push(await runRecording(recording, set.settings, options.onProgress ? { onProgress: options.onProgress } : {}));
      options.onJob?.(++done, total);
    }
    return [{ ...set, jobs }];
  }
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), total));
  const pool = new Piscina<BacktestJob, JobResult>({ filename: TASK_FILE, minThreads: 1, maxThreads: threads, idleTimeout: 1000 });
  try {
    const runs = plan.sets.map((set) =>
      Promise.all(
        plan.recordings.map(async (recording) => {
          const result = await pool.run({ recording, settings: set.settings });
          options.onJob?.(++done, total);
          return result;
        }),
      ),
    );
    const results = await Promise.all(runs);
    return plan.sets.map((set, index) => ({ ...set, jobs: results[index]! }));
  } finally {
    await pool.destroy();
  }
}
