/**
 * Config reload while running (SIGHUP): the file is read and validated as at start; a valid
 * change in strategy parameters applies to the markets it affects, each in one step; an
 * invalid file, or a change to a key that cannot change while running, is refused and the
 * running config stays.
 */
import { isDeepStrictEqual } from 'node:util';
import { marketParams } from '../config/load.js';
import type { AppConfig, StrategyParams } from '../config/types.js';

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

export type ReloadPlan =
  | { readonly ok: true; readonly changes: ReadonlyArray<{ readonly ticker: string; readonly params: StrategyParams; readonly keys: readonly string[] }> }
  | { readonly ok: false; readonly reason: string };

/** What a reload would change, or why it is refused. Pure. */
export function planReload(running: AppConfig, next: AppConfig): ReloadPlan {
  const fixed = FIXED_KEYS.filter(([, read]) => !isDeepStrictEqual(read(running), read(next))).map(([key]) => key);
  const before = new Map(marketParams(running).map((market) => [market.ticker, market.params]));
  const after = new Map(marketParams(next).map((market) => [market.ticker, market.params]));
  const added = [...after.keys()].filter((ticker) => !before.has(ticker));
  const removed = [...before.keys()].filter((ticker) => !after.has(ticker));
  if (fixed.length > 0 || added.length > 0 || removed.length > 0) {
    const parts = [
      ...(fixed.length > 0 ? [`${fixed.join(', ')} cannot change while running`] : []),
      ...(added.length > 0 ? [`markets cannot be added while running yet (${added.join(', ')})`] : []),
      ...(removed.length > 0 ? [`markets cannot be removed while running yet (${removed.join(', ')})`] : []),
    ];
    return { ok: false, reason: `${parts.join('; ')}: restart to apply; the running config stays` };
  }
  const changes = [...after].flatMap(([ticker, params]) => {
    const old = before.get(ticker)!;
    const keys = (Object.keys(params) as Array<keyof StrategyParams>).filter((key) => params[key] !== old[key]);
    return keys.length === 0 ? [] : [{ ticker, params, keys }];
  });
  return { ok: true, changes };
}
