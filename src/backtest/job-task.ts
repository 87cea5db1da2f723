/**
 * The worker-thread side of a sweep: one (recording, parameter set) job, run as in a single
 * backtest. Piscina calls the default export.
 */
import { runRecording, type JobResult } from './run.js';
import type { BacktestSettings } from './settings.js';

export interface BacktestJob {
  readonly recording: string;
  readonly settings: BacktestSettings;
}

export default async function runJob(job: BacktestJob): Promise<JobResult> {
  return runRecording(job.recording, job.settings);
}
