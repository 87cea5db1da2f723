/**
 * What a backtest writes into its output directory:
 *
 *   summary.json   the results (summary.ts): per parameter set, per market and in total
 *   fills.jsonl    every fill of a single run, one journal line each (portfolio/fill-record.ts);
 *                  for a sweep fills-<set>.jsonl per parameter set
 *   report.html    the self-contained report (report.ts)
 *
 * The default directory is backtests/<UTC timestamp>/ (the only wall-clock value of a run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatFillRecord } from '../portfolio/fill-record.js';
import { renderReport } from './report.js';
import { buildSummary, type SetResult, type SummaryJson } from './summary.js';

export interface WrittenBacktest {
  readonly directory: string;
  readonly summary: SummaryJson;
  readonly files: readonly string[];
}

/** `backtests/2026-12-04T02-31-07Z` for a time in ms. */
export function defaultOutDir(nowMs: number): string {
  return join(
    'backtests',
    new Date(nowMs)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/:/g, '-'),
  );
}

/** The fills journal of one set: its jobs' fills in recording order. */
export function fillsJournal(set: SetResult): string {
  return set.jobs.flatMap((job) => job.fills.map((fill) => `${formatFillRecord(fill)}\n`)).join('');
}

export function writeBacktest(directory: string, sets: readonly SetResult[], swept: readonly string[]): WrittenBacktest {
  mkdirSync(directory, { recursive: true });
  const summary = buildSummary(sets, swept);
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    const path = join(directory, name);
    writeFileSync(path, text);
    files.push(path);
  };
  write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  if (sets.length === 1) write('fills.jsonl', fillsJournal(sets[0]!));
  else for (const set of sets) write(`fills-${set.index}.jsonl`, fillsJournal(set));
  write('report.html', renderReport(summary, sets));
  return { directory, summary, files };
}
