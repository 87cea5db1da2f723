/**
 * Resolving the selection rules against a venue: list the markets over REST
 * (`GET /markets`, following the cursor), map them to MarketInfo in exact units, apply the
 * rules (./rules.ts), then fetch the fees of the selected markets' series
 * (`GET /series/{ticker}`) for those the market listing carried none for.
 *
 * What is asked of the venue: only open markets (`status=open`), one query per exact event
 * (`event_ticker`) or, failing that, per exact series (`series_ticker`) when every rule names
 * only exact ones; one scan of all open markets as soon as a rule has a wildcard or no
 * ticker filter. The explicit markets are looked up by `tickers`, whatever their status.
 * The rules are applied to everything listed again, so a venue that ignores a filter gives
 * the same selection.
 *
 * A market's series is the one its query named, else the wire's `series_ticker`, else the
 * part of its event ticker before the first dash (Kalshi's event tickers begin with their
 * series: KXHIGHNY-24JAN01 is in KXHIGHNY).
 *
 * A listing that fails (REST error, timeout, 429) fails the resolution: the caller keeps what
 * it had. A market whose fields cannot be read is left out with a warning; a series whose
 * fees cannot be fetched leaves those markets' fees unknown, with a warning.
 */
import type { GetMarketsQuery, GetSeriesResponse, KalshiMarket } from '../adapters/kalshi/rest-client.js';
import type { TimeSource } from '../clock/clock.js';
import type { AppConfig, MarketConfig, SelectionRule } from '../config/types.js';
import { parseFeeMultiplier, parseFeeType, type FeeSchedule } from '../fees/fee-model.js';
import { isJsonObject } from '../protocol/json-object.js';
import { countToHundredths, dollarsToTicks, legacyCentsToTicks, legacyCountToHundredths, ProtocolError } from '../protocol/fixed.js';
import { isExactPattern, selectMarkets, type MarketInfo, type SelectedMarket } from './rules.js';

/** What the resolver needs of a REST client (KalshiRestClient has it). */
export interface MarketDataSource {
  /** every market matching the query, page after page */
  markets(query: GetMarketsQuery): AsyncIterable<KalshiMarket>;
  getSeries(seriesTicker: string): Promise<GetSeriesResponse>;
}

/** The part of the config a resolution reads. */
export interface SelectionSettings {
  readonly rules: readonly SelectionRule[];
  /** most markets in all, the explicit ones included */
  readonly maxMarkets: number;
  /** the config's `markets` */
  readonly explicit: readonly MarketConfig[];
}

export const DEFAULT_MAX_MARKETS = 100;

export function selectionSettings(config: AppConfig): SelectionSettings {
  return {
    rules: config.selection?.rules ?? [],
    maxMarkets: config.selection?.max_markets ?? DEFAULT_MAX_MARKETS,
    explicit: config.markets,
  };
}

export interface ResolvedSelection {
  /** explicit markets first, then what the rules selected, in rule and score order */
  readonly markets: readonly SelectedMarket[];
  /** the time the rules were applied at, ms */
  readonly resolvedAtMs: number;
  /** distinct markets the venue listed */
  readonly listed: number;
  /** the GET /markets queries sent (each followed to its last page) */
  readonly queries: readonly GetMarketsQuery[];
  readonly warnings: readonly string[];
}

/** The explicit markets alone, unresolved: a selection to start from before the venue has answered. */
export function explicitSelection(settings: SelectionSettings, nowMs: number): ResolvedSelection {
  return { markets: selectMarkets([], [], nowMs, { explicit: settings.explicit }), resolvedAtMs: nowMs, listed: 0, queries: [], warnings: [] };
}

export interface ResolveOptions {
  /** markets per page, 1..1000 (Kalshi's largest); default 1000 */
  readonly pageLimit?: number;
  /** fetch the series' fees of selected markets the listing gave none for; default true */
  readonly fetchFees?: boolean;
}

const MAX_PAGE = 1000;
/** tickers per `tickers=` lookup of the explicit markets */
const TICKERS_PER_QUERY = 100;

function hasExactOnly(patterns: readonly string[] | undefined): patterns is readonly string[] {
  return patterns !== undefined && patterns.every(isExactPattern);
}

/** The GET /markets queries that list every market the rules can select (see the module comment). */
export function planQueries(rules: readonly SelectionRule[], explicit: readonly string[] = [], pageLimit = MAX_PAGE): GetMarketsQuery[] {
  const queries: GetMarketsQuery[] = [];
  if (rules.length > 0) {
    if (rules.some((rule) => !hasExactOnly(rule.events) && !hasExactOnly(rule.series))) {
      queries.push({ status: 'open', limit: pageLimit });
    } else {
      const seen = new Set<string>();
      for (const rule of rules) {
        const filters = hasExactOnly(rule.events)
          ? rule.events.map((event) => ({ event_ticker: event }))
          : rule.series!.map((series) => ({ series_ticker: series }));
        for (const filter of filters) {
          const key = JSON.stringify(filter);
          if (seen.has(key)) continue;
          seen.add(key);
          queries.push({ ...filter, status: 'open', limit: pageLimit });
        }
      }
    }
  }
  const tickers = [...new Set(explicit)];
  for (let start = 0; start < tickers.length; start += TICKERS_PER_QUERY) {
    queries.push({ tickers: tickers.slice(start, start + TICKERS_PER_QUERY), limit: pageLimit });
  }
  return queries;
}

function stringField(market: KalshiMarket, name: string): string | undefined {
  const value = market[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A price field: the dollar string, else the legacy integer cents, else `absent`. */
function price(market: KalshiMarket, name: 'yes_bid' | 'yes_ask', absent: number): number {
  const dollars = market[`${name}_dollars`];
  if (dollars !== undefined && dollars !== null) return dollarsToTicks(dollars, `${name}_dollars`);
  const cents = market[name];
  if (cents !== undefined && cents !== null) return legacyCentsToTicks(cents, name);
  return absent;
}

/** A count field: the fixed-point string, else the legacy integer contracts, else 0. */
function count(market: KalshiMarket, name: string): number {
  const fixed = market[`${name}_fp`];
  if (fixed !== undefined && fixed !== null) return countToHundredths(fixed, `${name}_fp`);
  const whole = market[name];
  if (whole !== undefined && whole !== null) return legacyCountToHundredths(whole, name);
  return 0;
}

function feesOf(fields: Readonly<Record<string, unknown>>): FeeSchedule | undefined {
  if (fields.fee_type === undefined || fields.fee_type === null || fields.fee_multiplier === undefined || fields.fee_multiplier === null) return undefined;
  return { feeType: parseFeeType(fields.fee_type), multiplierMilli: parseFeeMultiplier(fields.fee_multiplier) };
}

function beforeFirstDash(text: string): string {
  const dash = text.indexOf('-');
  return dash > 0 ? text.slice(0, dash) : text;
}

function beforeLastDash(text: string): string {
  const dash = text.lastIndexOf('-');
  return dash > 0 ? text.slice(0, dash) : text;
}

/**
 * A listed market in exact units. Throws a ProtocolError on a field that cannot be read.
 * A missing bid is 0 and a missing ask 100 (an ask of 0 cannot be, and means none too).
 */
export function marketInfoFrom(market: KalshiMarket, seriesTicker?: string): MarketInfo {
  if (typeof market.ticker !== 'string' || market.ticker === '') throw new ProtocolError('market: no ticker');
  const eventTicker = stringField(market, 'event_ticker') ?? beforeLastDash(market.ticker);
  const yesBid = price(market, 'yes_bid', 0);
  const ask = price(market, 'yes_ask', 100);
  const yesAsk = ask === 0 ? 100 : ask;
  if (yesBid >= yesAsk) throw new ProtocolError(`market ${market.ticker}: YES bid ${yesBid} is not below the ask ${yesAsk}`);
  const closeText = stringField(market, 'close_time');
  const closeMs = closeText === undefined ? Number.NaN : Date.parse(closeText);
  const fees = feesOf(market);
  return {
    ticker: market.ticker,
    eventTicker,
    seriesTicker: seriesTicker ?? stringField(market, 'series_ticker') ?? beforeFirstDash(eventTicker),
    status: typeof market.status === 'string' ? market.status : '',
    yesBid,
    yesAsk,
    volume24h: count(market, 'volume_24h'),
    openInterest: count(market, 'open_interest'),
    closeTimeMs: Number.isFinite(closeMs) ? closeMs : undefined,
    ...(fees !== undefined ? { fees } : {}),
  };
}

/** Lists the markets the rules need, applies them, completes the selected markets' fees. */
export async function resolveSelection(
  source: MarketDataSource,
  settings: SelectionSettings,
  clock: TimeSource,
  options: ResolveOptions = {},
): Promise<ResolvedSelection> {
  const pageLimit = options.pageLimit ?? MAX_PAGE;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > MAX_PAGE)
    throw new RangeError(`pageLimit must be an integer in 1..${MAX_PAGE}, got ${pageLimit}`);
  const queries = planQueries(
    settings.rules,
    settings.explicit.map((market) => market.ticker),
    pageLimit,
  );
  const warnings: string[] = [];
  const listed = new Map<string, MarketInfo>();
  for (const query of queries) {
    for await (const market of source.markets(query)) {
      if (!isJsonObject(market)) {
        warnings.push(`a listed market is not an object: ${JSON.stringify(market)?.slice(0, 60)}`);
        continue;
      }
      const ticker = typeof market.ticker === 'string' ? market.ticker : undefined;
      if (ticker !== undefined && listed.has(ticker)) continue;
      try {
        const info = marketInfoFrom(market, query.series_ticker);
        listed.set(info.ticker, info);
      } catch (error) {
        warnings.push(`${ticker ?? 'a market without a ticker'} left out: ${(error as Error).message}`);
      }
    }
  }
  const nowMs = clock.now();
  let markets = selectMarkets(settings.rules, [...listed.values()], nowMs, { explicit: settings.explicit, maxMarkets: settings.maxMarkets });
  for (const entry of markets) if (entry.ruleIndex < 0 && entry.market === undefined) warnings.push(`${entry.ticker} (in markets) is not listed by the venue`);
  if (options.fetchFees ?? true) markets = await withSeriesFees(source, markets, warnings);
  return { markets, resolvedAtMs: nowMs, listed: listed.size, queries, warnings };
}

/** The selection with the fees of each series some selected market lacks, one GET /series per series. */
async function withSeriesFees(source: MarketDataSource, markets: SelectedMarket[], warnings: string[]): Promise<SelectedMarket[]> {
  const wanted = [...new Set(markets.flatMap((entry) => (entry.market !== undefined && entry.market.fees === undefined ? [entry.market.seriesTicker] : [])))];
  if (wanted.length === 0) return markets;
  const fees = new Map<string, FeeSchedule>();
  for (const series of wanted) {
    try {
      const schedule = feesOf((await source.getSeries(series)).series);
      if (schedule === undefined) warnings.push(`series ${series} carries no fee_type/fee_multiplier: its markets' fees are unknown`);
      else fees.set(series, schedule);
    } catch (error) {
      warnings.push(`series ${series}: fees unknown: ${(error as Error).message}`);
    }
  }
  return markets.map((entry) => {
    const schedule = entry.market !== undefined && entry.market.fees === undefined ? fees.get(entry.market.seriesTicker) : undefined;
    return schedule === undefined ? entry : { ...entry, market: { ...entry.market!, fees: schedule } };
  });
}
