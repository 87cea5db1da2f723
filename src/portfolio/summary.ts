/**
 * The PnL summary in three shapes: JSON for `logs/summary.json` (exact: dollar strings at 6
 * decimals, counts at 2), a fixed-width console table, and a one-line status text. The table and
 * the line round money to fewer decimals for reading (half away from zero); the JSON never rounds.
 */

import { hundredthsToCount, microsToDollars, ticksToDollars } from '../protocol/fixed.js';
import type { MarketPnl, OrdersSent, SettlementResult, TotalPnl } from './portfolio.js';

export interface OrdersSentJson {
  readonly total: number;
  readonly by_kind: Readonly<Record<string, number>>;
}

/** Money fields shared by a market and the total, as 6-decimal dollar strings; counts as 2-decimal count strings. */
export interface PnlFiguresJson {
  readonly cost: string;
  readonly realized: string;
  readonly unrealized_mid: string;
  readonly unrealized_bid: string;
  readonly fees: string;
  readonly net: string;
  readonly volume: string;
  readonly fills: number;
  readonly orders_sent: OrdersSentJson;
  readonly tokens_spent: number;
  readonly rate_limited: number;
}

export interface MarketSummaryJson extends PnlFiguresJson {
  readonly ticker: string;
  readonly position: string;
  readonly max_abs_position: string;
  /** best bids as 4-decimal dollar strings, null when none */
  readonly yes_bid: string | null;
  readonly no_bid: string | null;
  readonly settlement: SettlementResult | null;
}

export interface TotalSummaryJson extends PnlFiguresJson {
  readonly markets: number;
  readonly open_markets: number;
  readonly abs_position: string;
  readonly max_abs_position: string;
}

export interface SummaryJson {
  /** present when the caller passed the time of the summary */
  readonly as_of?: string;
  readonly markets: readonly MarketSummaryJson[];
  readonly total: TotalSummaryJson;
}

/** What a summary reads: a Portfolio, or anything with the same two reads. */
export interface PnlSource {
  markets(): readonly MarketPnl[];
  total(): TotalPnl;
}

function ordersJson(orders: OrdersSent): OrdersSentJson {
  return { total: orders.total, by_kind: { ...orders.byKind } };
}

function figuresJson(f: MarketPnl | TotalPnl): PnlFiguresJson {
  return {
    cost: microsToDollars(f.costMicros),
    realized: microsToDollars(f.realizedMicros),
    unrealized_mid: microsToDollars(f.unrealizedMidMicros),
    unrealized_bid: microsToDollars(f.unrealizedBidMicros),
    fees: microsToDollars(f.feesMicros),
    net: microsToDollars(f.netMicros),
    volume: hundredthsToCount(f.volume),
    fills: f.fills,
    orders_sent: ordersJson(f.ordersSent),
    tokens_spent: f.tokensSpent,
    rate_limited: f.rateLimited,
  };
}

export function marketSummaryJson(m: MarketPnl): MarketSummaryJson {
  return {
    ticker: m.ticker,
    position: hundredthsToCount(m.position),
    max_abs_position: hundredthsToCount(m.maxAbsPosition),
    ...figuresJson(m),
    yes_bid: m.yesBid === null ? null : ticksToDollars(m.yesBid),
    no_bid: m.noBid === null ? null : ticksToDollars(m.noBid),
    settlement: m.settlement,
  };
}

export function totalSummaryJson(t: TotalPnl): TotalSummaryJson {
  return {
    markets: t.markets,
    open_markets: t.openMarkets,
    abs_position: hundredthsToCount(t.absPosition),
    max_abs_position: hundredthsToCount(t.maxAbsPosition),
    ...figuresJson(t),
  };
}

/** The summary object for logs/summary.json; `asOfMs` (epoch ms), when given, is written as ISO-8601. */
export function buildSummary(source: PnlSource, asOfMs?: number): SummaryJson {
  const markets = source.markets().map(marketSummaryJson);
  const total = totalSummaryJson(source.total());
  if (asOfMs === undefined) return { markets, total };
  if (!Number.isSafeInteger(asOfMs) || asOfMs < 0) throw new RangeError(`summary: asOfMs must be a non-negative integer, got ${asOfMs}`);
  return { as_of: new Date(asOfMs).toISOString(), markets, total };
}

/**
 * µ$ as dollars rounded to `decimals` (0..6), half away from zero. `signed` puts "+" before a
 * positive amount; a value that rounds to zero carries no sign.
 */
export function formatMicros(micros: number, decimals = 2, signed = false): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`micros must be a safe integer, got ${micros}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) throw new RangeError(`decimals must be 0..6, got ${decimals}`);
  const step = 10 ** (6 - decimals);
  const a = Math.abs(micros);
  const units = Math.floor(a / step) + (a % step >= step / 2 ? 1 : 0); // half away from zero
  const sign = units === 0 ? '' : micros < 0 ? '-' : signed ? '+' : '';
  const scale = 10 ** decimals;
  const whole = Math.floor(units / scale);
  return decimals === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(units % scale).padStart(decimals, '0')}`;
}

export interface TableOptions {
  /** decimals shown for money, 0..6; 4 unless told */
  readonly decimals?: number;
}

/**
 * A fixed-width table: a header, one row per market, a TOTAL row. Columns: market, position
 * (signed contracts; for TOTAL the sum of |position|), realized, net (realized + marked to the
 * mid − fees), fees, volume (contracts), fills, orders sent. Text columns are left-aligned,
 * numbers right-aligned; no trailing spaces.
 */
export function formatSummaryTable(source: PnlSource, options: TableOptions = {}): string {
  const decimals = options.decimals ?? 4;
  const header = ['MARKET', 'POSITION', 'REALIZED', 'NET', 'FEES', 'VOLUME', 'FILLS', 'ORDERS'];
  const money = (micros: number, signed: boolean): string => formatMicros(micros, decimals, signed);
  const rows = source
    .markets()
    .map((m) => [
      m.ticker,
      hundredthsToCount(m.position),
      money(m.realizedMicros, true),
      money(m.netMicros, true),
      money(m.feesMicros, false),
      hundredthsToCount(m.volume),
      String(m.fills),
      String(m.ordersSent.total),
    ]);
  const t = source.total();
  const totalRow = [
    'TOTAL',
    hundredthsToCount(t.absPosition),
    money(t.realizedMicros, true),
    money(t.netMicros, true),
    money(t.feesMicros, false),
    hundredthsToCount(t.volume),
    String(t.fills),
    String(t.ordersSent.total),
  ];
  const all = [header, ...rows, totalRow];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line), rule, line(totalRow)].join('\n');
}

/** One line of status: `pnl +1.23 (realized +0.50, fees 0.02) pos 3 mkts` (money to the cent). */
export function summaryLine(total: TotalPnl): string {
  return `pnl ${formatMicros(total.netMicros, 2, true)} (realized ${formatMicros(total.realizedMicros, 2, true)}, fees ${formatMicros(total.feesMicros, 2)}) pos ${total.openMarkets} mkts`;
}
