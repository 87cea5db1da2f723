/**
 * Market selection by rules (pure: no I/O, time is an argument).
 *
 * A rule (config `selection.rules[i]`, checked by src/config/selection-rules.ts) selects
 * the open markets that meet every condition it gives: series and event ticker patterns,
 * 24 h volume, open interest, spread, time to close. Units are exact integers: prices in
 * ticks, counts in hundredths of a contract; a rule's thresholds in contracts are converted
 * exactly.
 *
 * The selection, in order:
 * 1. the explicit `markets` of the config, in their order, with their overrides, whatever
 *    the venue lists (they are never dropped by the rules or the caps);
 * 2. then each rule in turn takes the matching markets not already taken, best score first
 *    (the score: 24 h volume, then open interest, both descending, then the ticker
 *    ascending), until its `max_markets` or the global cap is reached. A market two rules
 *    would select belongs to the first; its strategy overrides are that rule's.
 *
 * The global cap (`selection.max_markets`) counts the explicit markets: rules fill what they
 * leave. The result depends only on the rules, the set of markets and the time: the order
 * the venue listed the markets in does not matter.
 */
import type { FeeSchedule } from '../fees/fee-model.js';
import type { MarketConfig, SelectionRule, StrategyParams } from '../config/types.js';
import { parseScaled } from '../protocol/fixed.js';

export type { SelectionRule } from '../config/types.js';
export { RULE_KEYS, isTickerPattern, selectionRuleProblems } from '../config/selection-rules.js';

/** Kalshi's status of an open market. */
export const OPEN_STATUS = 'active';

/** A market as the rules see it: the fields of `GET /markets` they read, in exact units. */
export interface MarketInfo {
  readonly ticker: string;
  readonly eventTicker: string;
  readonly seriesTicker: string;
  /** the wire's status: `active` while open */
  readonly status: string;
  /** best YES bid, ticks 0..99; 0 = no bid */
  readonly yesBid: number;
  /** best YES ask, ticks 1..100; 100 = no ask */
  readonly yesAsk: number;
  /** contracts traded over the last 24 h, hundredths */
  readonly volume24h: number;
  /** hundredths of a contract */
  readonly openInterest: number;
  /** ms since the epoch; undefined when the venue gave none */
  readonly closeTimeMs: number | undefined;
  /** the market's (or its series') fees, when known */
  readonly fees?: FeeSchedule;
}

/** One market of a selection. */
export interface SelectedMarket {
  readonly ticker: string;
  /** `markets` for an explicit market, else the rule's name (or `rules[i]`) */
  readonly rule: string;
  /** the rule's index in selection.rules; -1 for an explicit market */
  readonly ruleIndex: number;
  /** strategy keys this market overrides: the explicit entry's, or the rule's */
  readonly overrides: Partial<StrategyParams>;
  /** what the venue listed; undefined for an explicit market it did not list */
  readonly market: MarketInfo | undefined;
}

export interface SelectOptions {
  /** the config's `markets`: always first, with their overrides */
  readonly explicit?: readonly MarketConfig[];
  /** most markets in all (explicit ones included); default no cap */
  readonly maxMarkets?: number;
}

/** The label of rule `index`: its name or `rules[index]`. */
export function ruleLabel(rule: SelectionRule, index: number): string {
  return rule.name ?? `rules[${index}]`;
}

/** YES ask minus YES bid, ticks (100 for an empty book). */
export function spreadOf(market: MarketInfo): number {
  return market.yesAsk - market.yesBid;
}

/** Open: status active and, when a close time is known, not past it. */
export function isOpenMarket(market: MarketInfo, nowMs: number): boolean {
  return market.status === OPEN_STATUS && (market.closeTimeMs === undefined || market.closeTimeMs > nowMs);
}

/** Whether a pattern has a wildcard (an exact one can be asked of the venue as a filter). */
export function isExactPattern(pattern: string): boolean {
  return !pattern.includes('*');
}

/** A matcher of whole strings against `*` patterns (any run of characters, possibly empty). */
export function patternMatcher(patterns: readonly string[]): (text: string) => boolean {
  const exact = new Set(patterns.filter(isExactPattern));
  const wild = patterns.filter((pattern) => !isExactPattern(pattern)).map((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`));
  return (text) => exact.has(text) || wild.some((regex) => regex.test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Contracts (at most 2 decimals, validated by the config) -> hundredths, exactly. */
function hundredths(contracts: number): number {
  return parseScaled(contracts, 2, 'contracts');
}

/** A rule ready to test markets: patterns compiled, thresholds in exact units. */
interface CompiledRule {
  readonly label: string;
  readonly index: number;
  readonly overrides: Partial<StrategyParams>;
  readonly cap: number;
  readonly matches: (market: MarketInfo, nowMs: number) => boolean;
}

function compileRule(rule: SelectionRule, index: number): CompiledRule {
  const series = rule.series !== undefined ? patternMatcher(rule.series) : undefined;
  const events = rule.events !== undefined ? patternMatcher(rule.events) : undefined;
  const minVolume = rule.min_volume_24h !== undefined ? hundredths(rule.min_volume_24h) : undefined;
  const minOpenInterest = rule.min_open_interest !== undefined ? hundredths(rule.min_open_interest) : undefined;
  const { min_spread: minSpread, max_spread: maxSpread, min_time_to_close_s: minTimeToClose } = rule;
  return {
    label: ruleLabel(rule, index),
    index,
    overrides: { ...rule.strategy },
    cap: rule.max_markets ?? Number.POSITIVE_INFINITY,
    matches: (market, nowMs) => {
      if (!isOpenMarket(market, nowMs)) return false;
      if (series && !series(market.seriesTicker)) return false;
      if (events && !events(market.eventTicker)) return false;
      if (minVolume !== undefined && market.volume24h < minVolume) return false;
      if (minOpenInterest !== undefined && market.openInterest < minOpenInterest) return false;
      const spread = spreadOf(market);
      if (minSpread !== undefined && spread < minSpread) return false;
      if (maxSpread !== undefined && spread > maxSpread) return false;
      if (minTimeToClose !== undefined && (market.closeTimeMs === undefined || market.closeTimeMs - nowMs < minTimeToClose * 1000)) return false;
      return true;
    },
  };
}

/** Whether `rule` would select `market` at `nowMs`, caps aside. */
export function ruleMatches(rule: SelectionRule, market: MarketInfo, nowMs: number): boolean {
  return compileRule(rule, 0).matches(market, nowMs);
}

/** The selection order: 24 h volume, then open interest (both descending), then the ticker. */
export function compareByScore(a: MarketInfo, b: MarketInfo): number {
  if (a.volume24h !== b.volume24h) return b.volume24h - a.volume24h;
  if (a.openInterest !== b.openInterest) return b.openInterest - a.openInterest;
  return a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0;
}

/** The explicit markets, then what each rule selects (see the module comment). */
export function selectMarkets(rules: readonly SelectionRule[], markets: readonly MarketInfo[], nowMs: number, options: SelectOptions = {}): SelectedMarket[] {
  const byTicker = new Map<string, MarketInfo>();
  for (const market of markets) if (!byTicker.has(market.ticker)) byTicker.set(market.ticker, market);
  const selected: SelectedMarket[] = [];
  const taken = new Set<string>();
  for (const { ticker, ...overrides } of options.explicit ?? []) {
    if (taken.has(ticker)) continue;
    taken.add(ticker);
    selected.push({ ticker, rule: 'markets', ruleIndex: -1, overrides, market: byTicker.get(ticker) });
  }
  const total = options.maxMarkets ?? Number.POSITIVE_INFINITY;
  const ranked = [...byTicker.values()].sort(compareByScore);
  rules.forEach((rule, index) => {
    const compiled = compileRule(rule, index);
    let count = 0;
    for (const market of ranked) {
      if (count >= compiled.cap || selected.length >= total) return;
      if (taken.has(market.ticker) || !compiled.matches(market, nowMs)) continue;
      taken.add(market.ticker);
      selected.push({ ticker: market.ticker, rule: compiled.label, ruleIndex: index, overrides: { ...compiled.overrides }, market });
      count += 1;
    }
  });
  return selected;
}

/** A selection as the `markets` list the engine takes: each ticker with its overrides. */
export function asMarketConfigs(selection: readonly SelectedMarket[]): MarketConfig[] {
  return selection.map((entry) => ({ ...entry.overrides, ticker: entry.ticker }));
}

/** What changed between two selections. */
export interface SelectionDiff {
  /** selected now, not before */
  readonly entered: readonly SelectedMarket[];
  /** selected before, not now (as they were) */
  readonly left: readonly SelectedMarket[];
  /** selected in both, with other overrides or by another rule (as they are now) */
  readonly changed: readonly SelectedMarket[];
}

export function diffSelections(before: readonly SelectedMarket[], after: readonly SelectedMarket[]): SelectionDiff {
  const previous = new Map(before.map((entry) => [entry.ticker, entry]));
  const now = new Set(after.map((entry) => entry.ticker));
  const entered: SelectedMarket[] = [];
  const changed: SelectedMarket[] = [];
  for (const entry of after) {
    const old = previous.get(entry.ticker);
    if (old === undefined) entered.push(entry);
    else if (old.ruleIndex !== entry.ruleIndex || old.rule !== entry.rule || !sameOverrides(old.overrides, entry.overrides)) changed.push(entry);
  }
  const left = before.filter((entry) => !now.has(entry.ticker));
  return { entered, left, changed };
}

function sameOverrides(a: Partial<StrategyParams>, b: Partial<StrategyParams>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof StrategyParams>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
