/**
 * Config reload while running (SIGHUP, POST /api/reload): the file is read and validated as
 * at start; a change to a key that cannot change while running is refused by name and the
 * running config stays. Everything else applies: markets added to or removed from `markets`
 * enter or leave (src/engine/market-roster.ts), changed strategy parameters apply to the
 * markets they affect, each in one step, and a changed `selection` is resolved again.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AppConfig } from '../config/types.js';

/** Sections and keys that a running engine cannot take on without a restart. */
const FIXED_KEYS: ReadonlyArray<readonly [string, (config: AppConfig) => unknown]> = [
  ['exchange', (config) => config.exchange],
  ['credentials', (config) => config.credentials],
  ['runtime', (config) => ({ ...config.runtime, status_interval_s: undefined })],
  ['execution', (config) => config.execution],
  ['risk', (config) => config.risk],
  ['control', (config) => config.control],
  ['log', (config) => config.log],
  ['sim', (config) => config.sim],
];

export type ReloadPlan = { readonly ok: true; readonly selectionChanged: boolean } | { readonly ok: false; readonly reason: string };

/** Whether a reload may apply, and whether it changes the selection rules. Pure. */
export function planReload(running: AppConfig, next: AppConfig): ReloadPlan {
  const fixed = FIXED_KEYS.filter(([, read]) => !isDeepStrictEqual(read(running), read(next))).map(([key]) => key);
  if (fixed.length > 0) return { ok: false, reason: `${fixed.join(', ')} cannot change while running: restart to apply; the running config stays` };
  return { ok: true, selectionChanged: !isDeepStrictEqual(running.selection, next.selection) };
}

/** What a reload did, for the console (SIGHUP) and the control API (POST /api/reload). */
export interface ReloadResult {
  readonly ok: boolean;
  /** why it was refused, or a one-line summary of what it changed */
  readonly message: string;
  /** one line per change */
  readonly lines: readonly string[];
}

/** The lines that say what a change of the running markets did. */
export function describeChange(change: {
  readonly added: readonly string[];
  readonly leaving: readonly string[];
  readonly changed: ReadonlyArray<{ readonly ticker: string; readonly keys: readonly string[]; readonly applied: boolean }>;
}): string[] {
  const lines = change.changed.map((entry) => `${entry.ticker}: ${entry.keys.join(', ')} ${entry.applied ? 'applied' : 'not applied (its actor is down)'}`);
  if (change.added.length > 0) lines.push(`${change.added.length} markets enter: ${change.added.join(', ')}`);
  if (change.leaving.length > 0) lines.push(`${change.leaving.length} markets leave (no more bids; dropped once flat): ${change.leaving.join(', ')}`);
  return lines;
}
