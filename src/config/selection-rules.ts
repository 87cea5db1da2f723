/**
 * Checks of `selection.rules`: each rule's keys, their values and their strategy overrides
 * (validated with exactly the rules of `strategy.*` in the schema). Kept here, beside the
 * checks of the `markets` list, because loading a config validates it; src/selection/
 * applies the rules.
 */
import type { ConfigProblem } from './config-error.js';
import { formatProblem } from './formats.js';
import { STRATEGY_SCHEMA } from './schema.js';
import type { SelectionRule } from './types.js';
import { isJsonObject } from '../protocol/json-object.js';
import { parseScaled } from '../protocol/fixed.js';

/** A ticker pattern: a Kalshi ticker's shape (uppercase A-Z, 0-9, groups joined by `-` or `.`) where `*` may stand anywhere. */
const PATTERN = /^[A-Z0-9*]+(?:[.-][A-Z0-9*]+)*$/;
const MAX_PATTERN_LENGTH = 100;
const MAX_PATTERNS = 1_000;
const MAX_NAME_LENGTH = 64;
/** the most contracts a volume or open-interest threshold may name */
const MAX_CONTRACTS = 1_000_000_000;
const TEN_YEARS_S = 315_360_000;
/** most markets one rule (or the whole selection) may hold */
export const MAX_SELECTED_MARKETS = 10_000;

export function isTickerPattern(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PATTERN_LENGTH && PATTERN.test(value);
}

/** One key of a rule: what it takes, in words (the README table), and its check. */
export interface RuleKey {
  readonly doc: string;
  readonly allowed: string;
  /** what is wrong with the value, or undefined */
  readonly check: (value: unknown) => string | undefined;
}

function patterns(what: string): RuleKey['check'] {
  return (value) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
      return `must be a non-empty array (at most ${MAX_PATTERNS}) of ${what} patterns like "KXHIGH*"`;
    }
    const bad = value.find((pattern) => !isTickerPattern(pattern));
    if (bad !== undefined) {
      return `${JSON.stringify(bad)} is not a ${what} pattern: uppercase A-Z, 0-9, '-' and '.', with * for any run of characters (like "KXHIGH*" or "KXFED-26DEC*")`;
    }
    return undefined;
  };
}

function integerIn(min: number, max: number, unit: string): RuleKey['check'] {
  return (value) =>
    Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `must be an integer from ${min} to ${max} (${unit})`;
}

/** A number of contracts >= 0 with at most 2 decimals (a count is exact in hundredths). */
function contracts(value: unknown): string | undefined {
  const problem = `must be a number of contracts from 0 to ${MAX_CONTRACTS}, with at most 2 decimals`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_CONTRACTS) return problem;
  try {
    parseScaled(value, 2, 'contracts');
  } catch {
    return problem;
  }
  return undefined;
}

function strategyOverrides(value: unknown): string | undefined {
  if (!isJsonObject(value)) return `must be an object of strategy keys, like {"min_spread": 4}`;
  for (const [name, override] of Object.entries(value)) {
    if (!Object.hasOwn(STRATEGY_SCHEMA, name)) return `unknown strategy key ${JSON.stringify(name)}; it takes: ${Object.keys(STRATEGY_SCHEMA).join(', ')}`;
    const problem = formatProblem(STRATEGY_SCHEMA[name as keyof typeof STRATEGY_SCHEMA], override);
    if (problem !== undefined) return `${name} ${problem}: value was ${JSON.stringify(override)}`;
  }
  return undefined;
}

export const RULE_KEYS: { readonly [K in keyof Required<SelectionRule>]: RuleKey } = {
  name: {
    doc: "the rule's name in `mm markets` and the selection's reports (default rules[i])",
    allowed: `string, 1..${MAX_NAME_LENGTH} characters`,
    check: (value) =>
      typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NAME_LENGTH
        ? undefined
        : `must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`,
  },
  series: {
    doc: "series ticker patterns; the market's series must match one (* = any run of characters)",
    allowed: 'array of patterns',
    check: patterns('series'),
  },
  events: {
    doc: "event ticker patterns; the market's event must match one",
    allowed: 'array of patterns',
    check: patterns('event'),
  },
  status: {
    doc: 'only open markets are ever selected (Kalshi status active)',
    allowed: 'open',
    check: (value) => (value === 'open' ? undefined : 'must be "open" (only open markets are selected)'),
  },
  min_volume_24h: {
    doc: 'contracts traded in the last 24 h, at least',
    allowed: 'contracts >= 0, 2 decimals',
    check: contracts,
  },
  min_open_interest: {
    doc: 'open interest, at least (contracts)',
    allowed: 'contracts >= 0, 2 decimals',
    check: contracts,
  },
  min_spread: {
    doc: 'YES ask minus YES bid, at least (ticks; a missing bid counts as 0, a missing ask as 100)',
    allowed: 'integer 1..100',
    check: integerIn(1, 100, 'ticks'),
  },
  max_spread: {
    doc: 'YES ask minus YES bid, at most (ticks)',
    allowed: 'integer 1..100',
    check: integerIn(1, 100, 'ticks'),
  },
  min_time_to_close_s: {
    doc: "seconds from now to the market's close_time, at least (a market without a close time fails it)",
    allowed: `integer 0..${TEN_YEARS_S}`,
    check: integerIn(0, TEN_YEARS_S, 'seconds'),
  },
  max_markets: {
    doc: 'most markets this rule selects, the best by score (24 h volume, then open interest, then ticker)',
    allowed: `integer 1..${MAX_SELECTED_MARKETS}`,
    check: integerIn(1, MAX_SELECTED_MARKETS, 'markets'),
  },
  strategy: {
    doc: 'strategy keys overridden in the markets this rule selects',
    allowed: 'object of strategy keys',
    check: strategyOverrides,
  },
};

function isRuleKey(key: string): key is keyof typeof RULE_KEYS {
  return Object.hasOwn(RULE_KEYS, key);
}

function ruleProblems(rule: unknown, key: string): ConfigProblem[] {
  if (!isJsonObject(rule)) {
    return [{ key, message: `must be an object like {"series": ["KXHIGH*"], "min_volume_24h": 100}: value was ${JSON.stringify(rule)}` }];
  }
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(rule)) {
    if (!isRuleKey(name)) {
      problems.push({ key: `${key}.${name}`, message: `unknown key; a rule takes: ${Object.keys(RULE_KEYS).join(', ')}` });
      continue;
    }
    const problem = RULE_KEYS[name].check(value);
    if (problem !== undefined)
      problems.push({ key: `${key}.${name}`, message: name === 'strategy' ? problem : `${problem}: value was ${JSON.stringify(value)}` });
  }
  const { min_spread: min, max_spread: max } = rule;
  if (Number.isInteger(min) && Number.isInteger(max) && (min as number) > (max as number)) {
    problems.push({ key: `${key}.min_spread`, message: `is above max_spread (${String(min)} > ${String(max)}): the rule could select nothing` });
  }
  return problems;
}

/**
 * Every problem with a rules list (an empty array when it is valid), keyed
 * `<key>[i].<name>`. A value that is not an array is left to the schema's format check.
 */
export function selectionRuleProblems(rules: unknown, key = 'selection.rules'): ConfigProblem[] {
  if (!Array.isArray(rules)) return [];
  const problems = rules.flatMap((rule, index) => ruleProblems(rule, `${key}[${index}]`));
  const firstIndex = new Map<string, number>();
  rules.forEach((rule, index) => {
    const name = isJsonObject(rule) ? rule['name'] : undefined;
    if (typeof name !== 'string') return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, index);
    else problems.push({ key: `${key}[${index}].name`, message: `${JSON.stringify(name)} is the name of ${key}[${first}] too` });
  });
  return problems;
}
