/**
 * Risk limits: what the risk engine enforces, in engine units, and how they are read from a
 * plain config object.
 *
 * Every limit is the largest value allowed: reaching it is fine, one unit past it is refused
 * (soft limits: the order is not sent) or trips the kill switch (hard limits). A limit is a
 * positive amount or `undefined`, which means off. Off is only ever chosen out loud: `"off"`
 * or `null` in the config. A missing key takes its default, and 0 is refused, because some
 * read 0 as "no limit" and others as "nothing allowed".
 *
 * Config keys, their units and the field they fill:
 *   position_contracts    contracts (to 0.01)   positionHundredths    worst-case |position| per market
 *   position_dollars      dollars (to $0.000001) positionCostMicros   worst-case cost of a market's position
 *   exposure_dollars      dollars               exposureMicros        that cost summed over markets
 *   open_orders           whole orders          openOrdersPerMarket   orders resting or in flight per market
 *   orders_per_second     whole orders          ordersPerSecond       orders sent by the account in any 1 s
 *   max_drawdown_dollars  dollars               maxDrawdownMicros     fall of net PnL from its peak (hard)
 *   daily_loss_dollars    dollars               dailyLossMicros       fall of net PnL within a UTC day (hard)
 * Dollar amounts are numbers or decimal strings, an optional leading "$" allowed ("25",
 * "$25.50", 25.5), read exactly (dollarsToMicros); contracts likewise ("2.5", 100).
 */
import { ProtocolError, countToHundredths, dollarsToMicros, parseScaled } from '../protocol/fixed.js';
import { formatContracts, formatDollars, formatOrders } from './format.js';

export interface RiskLimits {
  /** hundredths of a contract; the worst-case |position| of one market (position plus resting orders that add to it) */
  readonly positionHundredths: number | undefined;
  /** µ$; the worst-case cost of one market's open position (its cost basis plus resting orders that add to it, at their prices) */
  readonly positionCostMicros: number | undefined;
  /** µ$; the worst-case cost above summed over every market */
  readonly exposureMicros: number | undefined;
  /** orders resting or in flight in one market */
  readonly openOrdersPerMarket: number | undefined;
  /** orders sent by the account in any sliding window of 1000 ms */
  readonly ordersPerSecond: number | undefined;
  /** µ$; how far net PnL (realized + marked − fees) may fall below its peak before the kill switch trips */
  readonly maxDrawdownMicros: number | undefined;
  /** µ$; how far net PnL may fall below its level at the start of the UTC day (or at start, later that day) before the kill switch trips */
  readonly dailyLossMicros: number | undefined;
}

/**
 * Defaults for a small account (a few hundred dollars), set as backstops behind the strategy's
 * own caps rather than as the caps themselves:
 * - 100 contracts per market: the strategy's default per-leg cap (max_inventory 100), so a
 *   maker working as specified never meets it and a runaway one stops there.
 * - $50 at cost per market: about a tenth of a $500 account in any one outcome.
 * - $250 exposure: half such an account committed at worst, the rest left for fees, resting
 *   collateral and mistakes.
 * - 10 open orders per market: the maker rests a bid and an exit per leg (4); 10 leaves room
 *   for replacements in flight and stops a loop that keeps adding orders.
 * - 8 orders per second: Kalshi's Basic tier refills 100 write tokens a second and a create
 *   costs 10, so 8 creates a second stops a loop before the venue answers 429 and leaves
 *   tokens for cancels (2 each).
 * - $20 daily loss, $50 drawdown: the drawdown is measured from the peak, which is never
 *   below the day's start, so it must be the larger to mean anything; with these, one bad day
 *   stops at $20 and the drawdown catches losses that build up over days or give back gains.
 */
export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze({
  positionHundredths: 10_000,
  positionCostMicros: 50_000_000,
  exposureMicros: 250_000_000,
  openOrdersPerMarket: 10,
  ordersPerSecond: 8,
  maxDrawdownMicros: 50_000_000,
  dailyLossMicros: 20_000_000,
});

/** A config value: an amount, or `"off"` / `null` to turn the limit off. */
export type RiskLimitValue = number | string | null;

export interface RiskLimitsConfig {
  readonly position_contracts?: RiskLimitValue;
  readonly position_dollars?: RiskLimitValue;
  readonly exposure_dollars?: RiskLimitValue;
  readonly open_orders?: RiskLimitValue;
  readonly orders_per_second?: RiskLimitValue;
  readonly max_drawdown_dollars?: RiskLimitValue;
  readonly daily_loss_dollars?: RiskLimitValue;
}

export type RiskLimitKey = keyof RiskLimitsConfig;

type Kind = 'contracts' | 'dollars' | 'orders';

interface KeySpec {
  readonly key: RiskLimitKey;
  readonly field: keyof RiskLimits;
  readonly kind: Kind;
}

/** The config keys in a fixed order, with the field each fills. */
const SPECS: readonly KeySpec[] = [
  { key: 'position_contracts', field: 'positionHundredths', kind: 'contracts' },
  { key: 'position_dollars', field: 'positionCostMicros', kind: 'dollars' },
  { key: 'exposure_dollars', field: 'exposureMicros', kind: 'dollars' },
  { key: 'open_orders', field: 'openOrdersPerMarket', kind: 'orders' },
  { key: 'orders_per_second', field: 'ordersPerSecond', kind: 'orders' },
  { key: 'max_drawdown_dollars', field: 'maxDrawdownMicros', kind: 'dollars' },
  { key: 'daily_loss_dollars', field: 'dailyLossMicros', kind: 'dollars' },
];

export const RISK_LIMIT_KEYS: readonly RiskLimitKey[] = SPECS.map((spec) => spec.key);

/** The config key of each field, for messages that name the limit as the config does. */
export const LIMIT_KEY: { readonly [F in keyof RiskLimits]: RiskLimitKey } = Object.freeze(
  Object.fromEntries(SPECS.map((spec) => [spec.field, spec.key])) as { [F in keyof RiskLimits]: RiskLimitKey },
);

export class RiskConfigError extends Error {
  /** every problem found, one line each */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in the risk limits:\n  ${problems.join('\n  ')}`);
    this.name = 'RiskConfigError';
    this.problems = problems;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).slice(0, 60);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

const EXPECTED: { readonly [K in Kind]: string } = {
  contracts: 'a number of contracts (100, "2.5")',
  dollars: 'a dollar amount (25, "25.50", "$25")',
  orders: 'a whole number of orders (10, "10")',
};

function isOff(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim().toLowerCase() === 'off');
}

/** One config value in engine units (undefined = off), or the problem with it, naming the key. */
function parseValue(spec: KeySpec, value: unknown, where: string): { readonly value: number | undefined } | { readonly problem: string } {
  const name = `${where}${spec.key}`;
  const expected = `expected ${EXPECTED[spec.kind]} or "off"`;
  if (isOff(value)) return { value: undefined };
  if ((typeof value !== 'number' && typeof value !== 'string') || (typeof value === 'number' && !Number.isFinite(value))) {
    return { problem: `${name}: ${expected}, got ${show(value)}` };
  }
  if (spec.kind === 'orders' && typeof value === 'number' && !Number.isInteger(value)) {
    return { problem: `${name}: ${expected}; ${show(value)} must be a whole number` };
  }
  let amount: number;
  try {
    if (spec.kind === 'contracts') amount = countToHundredths(value, name);
    else if (spec.kind === 'dollars') amount = dollarsToMicros(typeof value === 'string' ? value.trim().replace(/^\$/, '') : value, name);
    else amount = parseScaled(value, 0, name);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    const finer = { contracts: 'is finer than 0.01 contract', dollars: 'is finer than $0.000001', orders: 'must be a whole number' }[spec.kind];
    const detail = /has more precision/.test(error.message) ? finer : error.message.slice(error.message.indexOf(': ') + 2);
    return { problem: `${name}: ${expected}; ${show(value)} ${detail}` };
  }
  if (amount < 0) return { problem: `${name}: must be positive (or "off"), got ${show(value)}` };
  if (amount === 0) {
    return { problem: `${name}: 0 would allow nothing and is easily read as "no limit"; give a positive amount, or "off" to turn the limit off` };
  }
  return { value: amount };
}

/**
 * The limits in a plain config object (see the key table above). Missing keys take their
 * defaults; `undefined` as the whole config means every default. Unknown keys are refused, so
 * a misspelt limit cannot silently fall back to its default. Throws a RiskConfigError that
 * lists every problem.
 */
export function parseRiskLimits(config: unknown, where = 'risk.'): RiskLimits {
  if (config === undefined) return DEFAULT_RISK_LIMITS;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new RiskConfigError([`${where.replace(/\.$/, '')}: expected an object of limits, got ${show(config)}`]);
  }
  const record = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(record)) {
    if (!(RISK_LIMIT_KEYS as readonly string[]).includes(key)) {
      problems.push(`${where}${key}: not a risk limit; the limits are ${RISK_LIMIT_KEYS.join(', ')}`);
    }
  }
  const limits: Record<string, number | undefined> = {};
  for (const spec of SPECS) {
    if (!Object.hasOwn(record, spec.key) || record[spec.key] === undefined) {
      limits[spec.field] = DEFAULT_RISK_LIMITS[spec.field];
      continue;
    }
    const parsed = parseValue(spec, record[spec.key], where);
    if ('problem' in parsed) problems.push(parsed.problem);
    else limits[spec.field] = parsed.value;
  }
  if (problems.length > 0) throw new RiskConfigError(problems);
  return Object.freeze(limits as unknown as RiskLimits);
}

/** Throws a RiskConfigError unless every field is off (undefined) or a positive safe integer; for limits built in code. */
export function validateRiskLimits(limits: RiskLimits): RiskLimits {
  if (limits === null || typeof limits !== 'object') throw new RiskConfigError([`risk limits: expected an object, got ${show(limits)}`]);
  const problems: string[] = [];
  for (const spec of SPECS) {
    if (!Object.hasOwn(limits, spec.field)) {
      problems.push(`risk limits: ${spec.field} is missing; give a positive integer, or undefined to turn ${spec.key} off`);
      continue;
    }
    const value = limits[spec.field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      problems.push(`risk limits: ${spec.field} (${spec.key}) must be a positive integer or undefined (off), got ${show(value)}`);
    }
  }
  if (problems.length > 0) throw new RiskConfigError(problems);
  return limits;
}

/** One limit as a person reads it: "100 contracts", "$50.00", "8 orders", or "off". */
export function describeLimit(limits: RiskLimits, field: keyof RiskLimits): string {
  const value = limits[field];
  if (value === undefined) return 'off';
  const kind = SPECS.find((spec) => spec.field === field)!.kind;
  if (kind === 'contracts') return formatContracts(value);
  if (kind === 'dollars') return formatDollars(value);
  return formatOrders(value);
}

/** Every limit as a person reads it, keyed by config key. */
export function describeRiskLimits(limits: RiskLimits): Record<RiskLimitKey, string> {
  return Object.fromEntries(SPECS.map((spec) => [spec.key, describeLimit(limits, spec.field)])) as Record<RiskLimitKey, string>;
}

/** The limits as a config object that parseRiskLimits reads back to the same limits (off as "off"). */
export function riskLimitsToConfig(limits: RiskLimits): Required<RiskLimitsConfig> {
  const out: Record<string, RiskLimitValue> = {};
  for (const spec of SPECS) {
    const value = limits[spec.field];
    if (value === undefined) out[spec.key] = 'off';
    else if (spec.kind === 'contracts') out[spec.key] = countString(value);
    else if (spec.kind === 'dollars') out[spec.key] = formatDollars(value).slice(1);
    else out[spec.key] = value;
  }
  return out as Required<RiskLimitsConfig>;
}

function countString(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const rest = hundredths % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0')}`;
}
