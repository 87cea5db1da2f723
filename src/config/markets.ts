/**
 * Checks of the `markets` list: ticker shape, duplicates, and per-market strategy
 * overrides validated with exactly the rules of `strategy.*` in the schema.
 */
import type { ConfigProblem } from './config-error.js';
import { formatProblem } from './formats.js';
import { STRATEGY_SCHEMA } from './schema.js';
import { isJsonObject } from '../protocol/json-object.js';

/** Kalshi ticker shape: uppercase letters and digits in groups joined by `-` or `.` (`CPI-22DEC-TN0.1`). */
const TICKER_PATTERN = /^[A-Z0-9]+(?:[.-][A-Z0-9]+)*$/;
const MAX_TICKER_LENGTH = 100;

export function isTicker(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TICKER_LENGTH && TICKER_PATTERN.test(value);
}

function isStrategyKey(key: string): key is keyof typeof STRATEGY_SCHEMA {
  return Object.hasOwn(STRATEGY_SCHEMA, key);
}

function marketEntryProblems(entry: unknown, key: string): ConfigProblem[] {
  if (!isJsonObject(entry)) {
    return [{ key, message: `must be an object like {"ticker": "KXFOO-26"}: value was ${JSON.stringify(entry)}` }];
  }
  const problems: ConfigProblem[] = [];
  const ticker = entry['ticker'];
  if (ticker === undefined) {
    problems.push({ key: `${key}.ticker`, message: 'is required' });
  } else if (!isTicker(ticker)) {
    problems.push({
      key: `${key}.ticker`,
      message: `must be a Kalshi ticker (uppercase A-Z, 0-9, '-' and '.', like KXGOLDH-26AUG2711-T4615.99): value was ${JSON.stringify(ticker)}`,
    });
  }
  const market = typeof ticker === 'string' ? ` (market ${ticker})` : '';
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'ticker') continue;
    if (!isStrategyKey(name)) {
      problems.push({
        key: `${key}.${name}`,
        message: `unknown key${market}; a market takes "ticker" and strategy keys: ${Object.keys(STRATEGY_SCHEMA).join(', ')}`,
      });
      continue;
    }
    const problem = formatProblem(STRATEGY_SCHEMA[name], value);
    if (problem !== undefined) {
      problems.push({ key: `${key}.${name}`, message: `${problem}: value was ${JSON.stringify(value)}${market}` });
    }
  }
  return problems;
}

/**
 * Every problem with the markets list (an empty array when it is valid). `mayBeEmpty`: other
 * markets come from elsewhere (selection rules), so an empty list is fine.
 */
export function marketProblems(markets: unknown, mayBeEmpty = false): ConfigProblem[] {
  if (!Array.isArray(markets)) return []; // the schema's format check reports it
  if (markets.length === 0 && !mayBeEmpty) return [{ key: 'markets', message: 'lists no market; at least one is required (or a rule in selection.rules)' }];
  const problems = markets.flatMap((entry, index) => marketEntryProblems(entry, `markets[${index}]`));
  const firstIndex = new Map<string, number>();
  markets.forEach((entry, index) => {
    const ticker = isJsonObject(entry) ? entry['ticker'] : undefined;
    if (typeof ticker !== 'string') return;
    const first = firstIndex.get(ticker);
    if (first === undefined) firstIndex.set(ticker, index);
    else problems.push({ key: `markets[${index}].ticker`, message: `${ticker} is listed twice (also markets[${first}])` });
  });
  return problems;
}
