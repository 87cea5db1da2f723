/**
 * The results of a backtest as `summary.json`: one entry per parameter set (a single run
 * has one, with no parameters), each per market and in total. Money is exact: 6-decimal
 * dollar strings as in the engine's own summary, counts 2-decimal contract strings, times
 * in seconds with 3 decimals. Nothing depends on the wall clock, so the same inputs give the
 * same file byte for byte.
 *
 * A parameter set run over several recordings adds them up: sums for money and counts, the
 * largest inventory and drawdown of any recording per market, and for the total the
 * drawdown of the recordings' net PnL curves laid end to end in the order given.
 */
import { hundredthsToCount, microsToDollars } from '../protocol/fixed.js';
import type { JobResult } from './run.js';
import type { Assignment, BacktestSettings } from './settings.js';

export const SUMMARY_FORMAT = 'kalshi-mm-backtest';
export const SUMMARY_VERSION = 1;

export const ESTIMATE_NOTE =
  'Sandbox PnL is an estimate, not a result: orders rest in a model of the recorded queue, the replayed book does not react to them, and ' +
  'nobody trades against them but the recorded takers. For resting orders it is an upper bound under optimistic queue models (probabilistic, low latency).';

export interface FiguresJson {
  readonly fills: number;
  readonly volume: string;
  readonly realized: string;
  readonly unrealized_mid: string;
  readonly fees: string;
  /** realized + unrealized (mid) - fees: the marked PnL */
  readonly net: string;
  readonly max_inventory: string;
  readonly max_drawdown: string;
  readonly time_quoted_s: string;
  readonly time_two_sided_s: string;
  readonly orders_sent: { readonly total: number; readonly by_kind: Readonly<Record<string, number>> };
  readonly tokens_spent: number;
}

export interface MarketJson extends FiguresJson {
  readonly ticker: string;
  readonly position: string;
  readonly observed_s: string;
  /** share of the observed time with an order resting, 0..1 with 4 decimals */
  readonly quoted_share: string;
  readonly public_trades: number;
}

export interface SetJson {
  readonly index: number;
  /** each swept key with its value ({} for a single run) */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly settings: BacktestSettings;
  readonly markets: readonly MarketJson[];
  readonly total: FiguresJson & { readonly markets: number; readonly open_markets: number };
  readonly counts: { readonly intents: number; readonly rejects: Readonly<Record<string, number>>; readonly resting_at_end: number; readonly warnings: number };
  readonly problems: readonly string[];
}

export interface RecordingJson {
  readonly path: string;
  readonly session: string;
  readonly tickers: readonly string[];
  readonly first_ts: string | null;
  readonly last_ts: string | null;
  readonly frames: number;
  readonly frames_used: number;
  readonly frames_lost: number;
  readonly truncated: boolean;
}

export interface SummaryJson {
  readonly format: typeof SUMMARY_FORMAT;
  readonly version: number;
  readonly estimate: string;
  readonly recordings: readonly RecordingJson[];
  /** the swept keys, in the order given; empty for a single run */
  readonly swept: readonly string[];
  readonly sets: readonly SetJson[];
}

/** One parameter set and what its jobs (one per recording, in order) gave. */
export interface SetResult {
  readonly index: number;
  readonly parameters: readonly Assignment[];
  readonly settings: BacktestSettings;
  readonly jobs: readonly JobResult[];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function addCounts(into: Map<string, number>, counts: Readonly<Record<string, number>>): void {
  for (const [kind, n] of Object.entries(counts)) into.set(kind, (into.get(kind) ?? 0) + n);
}

function sorted(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

interface Acc {
  fills: number;
  volume: number;
  realized: number;
  unrealized: number;
  fees: number;
  net: number;
  position: number;
  maxInventory: number;
  maxDrawdown: number;
  quotedMs: number;
  twoSidedMs: number;
  observedMs: number;
  trades: number;
  orders: Map<string, number>;
  tokens: number;
}

function emptyAcc(): Acc {
  return {
    fills: 0,
    volume: 0,
    realized: 0,
    unrealized: 0,
    fees: 0,
    net: 0,
    position: 0,
    maxInventory: 0,
    maxDrawdown: 0,
    quotedMs: 0,
    twoSidedMs: 0,
    observedMs: 0,
    trades: 0,
    orders: new Map(),
    tokens: 0,
  };
}

function figures(acc: Acc): FiguresJson {
  return {
    fills: acc.fills,
    volume: hundredthsToCount(acc.volume),
    realized: microsToDollars(acc.realized),
    unrealized_mid: microsToDollars(acc.unrealized),
    fees: microsToDollars(acc.fees),
    net: microsToDollars(acc.net),
    max_inventory: hundredthsToCount(acc.maxInventory),
    max_drawdown: microsToDollars(acc.maxDrawdown),
    time_quoted_s: seconds(acc.quotedMs),
    time_two_sided_s: seconds(acc.twoSidedMs),
    orders_sent: { total: [...acc.orders.values()].reduce((a, b) => a + b, 0), by_kind: sorted(acc.orders) },
    tokens_spent: acc.tokens,
  };
}

/** The drawdown of net PnL curves laid end to end (each starts where the previous ended). */
export function chainedDrawdown(curves: readonly (readonly number[])[]): number {
  let offset = 0;
  let peak = 0;
  let max = 0;
  for (const curve of curves) {
    for (const value of curve) {
      const level = offset + value;
      if (level > peak) peak = level;
      if (peak - level > max) max = peak - level;
    }
    offset += curve.at(-1) ?? 0;
  }
  return max;
}

export function setJson(result: SetResult): SetJson {
  const byTicker = new Map<string, Acc>();
  const total = emptyAcc();
  let intents = 0;
  let restingAtEnd = 0;
  let warnings = 0;
  const rejects = new Map<string, number>();
  const problems: string[] = [];
  for (const job of result.jobs) {
    intents += job.counts.intents;
    restingAtEnd += job.counts.restingAtEnd;
    warnings += job.counts.warnings;
    addCounts(rejects, job.counts.rejects);
    for (const problem of job.problems) if (problems.length < 20) problems.push(problem);
    for (const market of job.markets) {
      const { pnl } = market;
      let acc = byTicker.get(pnl.ticker);
      if (!acc) byTicker.set(pnl.ticker, (acc = emptyAcc()));
      for (const into of [acc, total]) {
        into.fills += pnl.fills;
        into.volume += pnl.volume;
        into.realized += pnl.realizedMicros;
        into.unrealized += pnl.unrealizedMidMicros;
        into.fees += pnl.feesMicros;
        into.net += pnl.netMicros;
        into.quotedMs += market.quotedMs;
        into.twoSidedMs += market.twoSidedMs;
        into.tokens += pnl.tokensSpent;
        addCounts(into.orders, pnl.ordersSent.byKind);
      }
      acc.position += pnl.position;
      acc.maxInventory = Math.max(acc.maxInventory, pnl.maxAbsPosition);
      acc.maxDrawdown = Math.max(acc.maxDrawdown, market.maxDrawdownMicros);
      acc.observedMs += market.observedMs;
      acc.trades += market.publicTrades;
      total.maxInventory = Math.max(total.maxInventory, pnl.maxAbsPosition);
    }
  }
  total.maxDrawdown = chainedDrawdown(result.jobs.map((job) => job.series.netMicros));
  const markets = [...byTicker.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ticker, acc]): MarketJson => ({
      ticker,
      position: hundredthsToCount(acc.position),
      ...figures(acc),
      observed_s: seconds(acc.observedMs),
      quoted_share: acc.observedMs > 0 ? Math.min(1, acc.quotedMs / acc.observedMs).toFixed(4) : '0.0000',
      public_trades: acc.trades,
    }));
  return {
    index: result.index,
    parameters: Object.fromEntries(result.parameters.map(({ key, value }) => [key, value])),
    settings: result.settings,
    markets,
    total: { ...figures(total), markets: markets.length, open_markets: [...byTicker.values()].filter((acc) => acc.position !== 0).length },
    counts: { intents, rejects: sorted(rejects), resting_at_end: restingAtEnd, warnings },
    problems,
  };
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function buildSummary(sets: readonly SetResult[], swept: readonly string[]): SummaryJson {
  const recordings = (sets[0]?.jobs ?? []).map((job): RecordingJson => ({
    path: job.recording,
    session: job.session,
    tickers: job.tickers,
    first_ts: iso(job.firstMs),
    last_ts: iso(job.lastMs),
    frames: job.counts.frames,
    frames_used: job.counts.framesUsed,
    frames_lost: job.counts.framesLost,
    truncated: job.counts.truncated,
  }));
  return { format: SUMMARY_FORMAT, version: SUMMARY_VERSION, estimate: ESTIMATE_NOTE, recordings, swept, sets: sets.map(setJson) };
}
