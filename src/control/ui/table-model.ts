/**
 * The status page's pure parts: which markets a filter keeps, in which order, which rows of
 * a scrolled table are on screen, and how decimal strings are compared and shortened.
 * No DOM here, so the same code is bundled into the page and tested under node.
 */
import { parseScaled } from '../../protocol/fixed.js';
import type { EngineState, MarketState } from '../engine-state.js';

export type SortKey =
  'ticker' | 'state' | 'yesBid' | 'yesAsk' | 'noBid' | 'noAsk' | 'orders' | 'position' | 'realizedPnl' | 'markedPnl' | 'fees' | 'fills' | 'rejects';

export interface SortOrder {
  readonly key: SortKey;
  readonly descending: boolean;
}

export interface MarketFilter {
  /** part of the ticker, any case; '' keeps every market */
  readonly text: string;
  /** one state, or 'all' */
  readonly state: MarketState['state'] | 'all';
}

/** Worst first, so sorting by state brings the markets that need a look to the top. */
export const STATE_RANK: Readonly<Record<MarketState['state'], number>> = {
  halted: 0,
  reducing: 1,
  stale: 2,
  paused: 3,
  starting: 4,
  quoting: 5,
  closed: 6,
  stopped: 7,
};

const DECIMAL_SCALE = 6; // dollars carry at most 6 decimals, counts 2, prices 4

/** A decimal string as an exact integer of millionths; undefined when absent or not a decimal. */
export function decimalKey(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parseScaled(value, DECIMAL_SCALE, 'value');
  } catch {
    return undefined;
  }
}

type Key = number | string | undefined;

function keyOf(market: MarketState, key: SortKey): Key {
  switch (key) {
    case 'ticker':
      return market.ticker;
    case 'state':
      return STATE_RANK[market.state] ?? 99;
    case 'orders':
      return market.orders.length;
    case 'fills':
      return market.fills;
    case 'rejects':
      return market.rejects;
    default:
      return decimalKey(market[key]);
  }
}

/** Orders two keys; a missing key goes last whichever the direction. */
function compareKeys(a: Key, b: Key, descending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return descending ? -order : order;
}

/** The markets the filter keeps, sorted (ties by ticker); the input is not changed. */
export function selectRows(markets: readonly MarketState[], filter: MarketFilter, sort: SortOrder): MarketState[] {
  const text = filter.text.trim().toUpperCase();
  const kept: Array<{ key: Key; market: MarketState }> = [];
  for (const market of markets) {
    if (filter.state !== 'all' && market.state !== filter.state) continue;
    if (text !== '' && !market.ticker.toUpperCase().includes(text)) continue;
    kept.push({ key: keyOf(market, sort.key), market });
  }
  kept.sort((a, b) => compareKeys(a.key, b.key, sort.descending) || (a.market.ticker < b.market.ticker ? -1 : a.market.ticker > b.market.ticker ? 1 : 0));
  return kept.map((entry) => entry.market);
}

export interface RowWindow {
  /** first row rendered */
  readonly start: number;
  /** one past the last row rendered */
  readonly end: number;
}

/** The rows to render for a scroll position: those on screen plus `overscan` either side. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const onScreen = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total - 1, first) - overscan);
  const end = Math.min(total, first + onScreen + overscan);
  return { start, end: Math.max(start, end) };
}

/** "0.420000" -> "0.42", "12.345600" -> "12.3456": trailing zeros dropped down to `minDecimals`; the text is not reparsed. */
export function shortDecimal(value: string | undefined, minDecimals = 2): string {
  if (value === undefined || value === '') return '';
  const dot = value.indexOf('.');
  if (dot < 0 || !/^-?\d+\.\d+$/.test(value)) return value;
  let end = value.length;
  while (end > dot + 1 + minDecimals && value[end - 1] === '0') end--;
  return value.slice(0, end === dot + 1 ? dot : end);
}

/** Sign of a decimal string: -1, 0 or 1 (0 for anything that is not a number). */
export function signOf(value: string | undefined): -1 | 0 | 1 {
  const key = decimalKey(value);
  return key === undefined || key === 0 ? 0 : key < 0 ? -1 : 1;
}

/** Upper bound (ms) of the bucket holding the q-quantile; Infinity in the last bucket; undefined when empty. */
export function latencyQuantileMs(latency: EngineState['decisionLatency'], q: number): number | undefined {
  const total = latency.counts.reduce((sum, c) => sum + c, 0);
  if (total <= 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < latency.counts.length; bucket++) {
    seen += latency.counts[bucket]!;
    if (seen >= rank) return bucket < latency.boundsMs.length ? latency.boundsMs[bucket] : Infinity;
  }
  return Infinity;
}

/** Sum of the counts of a per-kind record. */
export function totalOf(record: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const value of Object.values(record)) sum += value;
  return sum;
}

/** The newest `limit` entries first, by their ISO time stamps (which sort as text). */
export function newestFirst<T extends { ts: string }>(entries: readonly T[], limit: number): T[] {
  return [...entries].sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0)).slice(0, limit);
}
