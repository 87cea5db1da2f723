/**
 * One backtest job: a recording run through the engine's own parts in one thread, at full
 * speed, in exchange time:
 *
 *   recording frames -> SandboxVenue (the public feed: books and trades)
 *                    -> Shard (book + maker per ticker, orders on) -> intents
 *   intents -> ExecutionCore -> SandboxVenue (orders rest in the queue model)
 *   venue fills and answers -> ExecutionCore (portfolio, fills journal) -> Shard (order events)
 *
 * Time is an ExchangeClock driven by the frames (no wall clock, no sockets, no timers of the
 * host). Between frames the promises of the venue's answers are let run until nothing moves,
 * and before a frame the clock is stepped to each venue answer due by then, so an answer
 * comes at the time its latency says. The same recording and settings give the same fills,
 * byte for byte.
 *
 * Only public market data is used: private frames of a recorded session (fills, positions,
 * user orders) belong to the real account and are skipped.
 */
import { Shard } from '../actors/shard.js';
import { ExchangeClock } from '../clock/exchange-clock.js';
import { ExecutionCore } from '../execution/execution-core.js';
import type { ExecutionEvent } from '../execution/messages.js';
import { feedEvent, SandboxVenue } from '../execution/sandbox-venue.js';
import { WriteBudget } from '../execution/write-budget.js';
import type { RuntimeEvent } from '../log/runtime-event.js';
import type { Fill } from '../portfolio/fill.js';
import type { MarketPnl } from '../portfolio/portfolio.js';
import type { BookDelta, BookSnapshot } from '../protocol/decode.js';
import { frameTimeMs } from '../protocol/frame-time.js';
import { isJsonObject } from '../protocol/json-object.js';
import { openRecording } from '../replay/recording-reader.js';
import { feeSchedule, marketParams, queueConfig, type BacktestSettings } from './settings.js';

/** Frame types the sandbox or the makers read; everything else (control replies, private channels, ticker) is skipped. */
const MARKET_TYPES = new Set(['orderbook_snapshot', 'orderbook_delta', 'trade', 'market_lifecycle_v2']);
const PROBLEMS_KEPT = 20;

/** One market's figures at the end of a job. */
export interface MarketResult {
  readonly pnl: MarketPnl;
  /** the largest fall of net PnL (marked to the mid, after fees) from a previous high, µ$ */
  readonly maxDrawdownMicros: number;
  readonly quotedMs: number;
  readonly twoSidedMs: number;
  /** feed time seen for the market, ms */
  readonly observedMs: number;
  readonly publicTrades: number;
}

/** Values over time, one entry per sample (columns). */
export interface Series {
  readonly t: number[];
  readonly netMicros: number[];
  readonly realizedMicros: number[];
  readonly markets: Record<string, { position: number[]; netMicros: number[]; yesBid: Array<number | null>; yesAsk: Array<number | null> }>;
}

export interface JobResult {
  readonly recording: string;
  readonly session: string;
  readonly tickers: readonly string[];
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
  readonly fills: Fill[];
  readonly markets: MarketResult[];
  readonly totalDrawdownMicros: number;
  readonly series: Series;
  readonly counts: {
    readonly frames: number;
    readonly framesUsed: number;
    readonly framesLost: number;
    readonly intents: number;
    readonly requests: Readonly<Record<string, number>>;
    readonly rejects: Readonly<Record<string, number>>;
    readonly tokensSpent: number;
    readonly restingAtEnd: number;
    readonly warnings: number;
    readonly truncated: boolean;
  };
  /** the first warnings and errors (unreadable frames, refused book updates, execution problems) */
  readonly problems: string[];
}

export interface RunOptions {
  /** called now and then with the frames read and the exchange time reached */
  readonly onProgress?: (frames: number, exchangeMs: number) => void;
  readonly progressEvery?: number;
}

class Drawdown {
  peak = 0;
  max = 0;
  update(value: number): void {
    if (value > this.peak) this.peak = value;
    if (this.peak - value > this.max) this.max = this.peak - value;
  }
}

export async function runRecording(path: string, settings: BacktestSettings, options: RunOptions = {}): Promise<JobResult> {
  const reader = await openRecording(path);
  const { header } = reader;
  const setups = marketParams(settings, header.tickers);
  const tickers = setups.map((setup) => setup.ticker);
  const hosted = new Set(tickers);
  const clock = new ExchangeClock();
  const problems: string[] = [];
  let warnings = 0;
  const note = (text: string): void => {
    warnings += 1;
    if (problems.length < PROBLEMS_KEPT) problems.push(text);
  };
  const noteEvent = (event: RuntimeEvent): void => {
    if (event.level === 'warn' || event.level === 'error') note(`${event.kind}${event.ticker ? ` ${event.ticker}` : ''}: ${event.message}`);
  };

  for (const ticker of tickers)
    if (!header.tickers.includes(ticker)) note(`market ${ticker} is not among the recording's tickers (${header.tickers.join(', ')})`);
  const schedule = feeSchedule(settings.backtest);
  const venue = new SandboxVenue({ clock, queue: queueConfig(settings.backtest), feeSchedule: () => schedule, onProblem: note });
  const { execution } = settings;
  const budget = new WriteBudget(execution.write_tokens_per_s > 0 ? { tokensPerSecond: execution.write_tokens_per_s } : { tier: execution.write_tier }, 0);

  // order events reach the shard in one batch per turn, as the execution actor posts them
  let pending: ExecutionEvent[] = [];
  let deliveries = 0;
  let shard: Shard | undefined;
  const deliver = (): void => {
    const events = pending;
    pending = [];
    deliveries += 1;
    shard!.execution({ kind: 'OrderEventsPosted', events });
  };
  const fills: Fill[] = [];
  let fillsSinceSample = 0;
  const core = new ExecutionCore({
    venue,
    clock,
    budget,
    minOrderLifeMs: execution.min_order_life_ms,
    emit: (_ticker, event) => {
      if (pending.length === 0) queueMicrotask(deliver);
      pending.push(event);
    },
    journal: (fill) => {
      fills.push(fill);
      fillsSinceSample += 1;
    },
    log: noteEvent,
    feeSchedule: () => schedule,
  });
  let intents = 0;
  shard = new Shard(
    { shardId: 0, threadId: 0, logLevel: 'info', orders: { idPrefix: 'bt-', ownOrdersInBook: false } },
    { intent: () => void (intents += 1), event: noteEvent, post: () => undefined, submit: (batch) => core.submit(batch) },
    clock,
    () => 0,
  );
  shard.addTickers(setups.map(({ ticker, params }) => ({ ticker, params })));

  /** Lets answered requests and delivered events run until nothing more happens. */
  const drain = async (): Promise<void> => {
    for (;;) {
      const before = venue.answers + deliveries;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (venue.answers + deliveries === before && pending.length === 0) return;
    }
  };
  /** Steps the clock to each venue answer due by `timeMs`. */
  const catchUp = async (timeMs: number): Promise<void> => {
    for (let due = venue.nextDueMs(); due !== undefined && due <= timeMs; due = venue.nextDueMs()) {
      clock.advanceTo(Math.max(due, clock.now()));
      await drain();
      if (venue.nextDueMs() === due) break;
    }
  };

  // samples
  const series: Series = { t: [], netMicros: [], realizedMicros: [], markets: {} };
  for (const ticker of tickers) series.markets[ticker] = { position: [], netMicros: [], yesBid: [], yesAsk: [] };
  const marketDrawdown = new Map(tickers.map((ticker) => [ticker, new Drawdown()]));
  const totalDrawdown = new Drawdown();
  const sampleMs = settings.backtest.sample_ms;
  let nextSampleMs = -Infinity;
  const sample = (): void => {
    const now = clock.now();
    let net = 0;
    let realized = 0;
    series.t.push(now);
    for (const ticker of tickers) {
      const market = core.portfolio.marketFigures(ticker);
      net += market.netMicros;
      realized += market.realizedMicros;
      marketDrawdown.get(ticker)!.update(market.netMicros);
      const column = series.markets[ticker]!;
      column.position.push(market.position);
      column.netMicros.push(market.netMicros);
      column.yesBid.push(market.yesBid);
      column.yesAsk.push(market.noBid === null ? null : 100 - market.noBid);
    }
    series.netMicros.push(net);
    series.realizedMicros.push(realized);
    totalDrawdown.update(net);
    nextSampleMs = Math.floor(now / sampleMs) * sampleMs + sampleMs;
    fillsSinceSample = 0;
  };
  const mark = (): void => {
    for (const top of shard!.marks()) {
      core.portfolio.mark(top.ticker, {
        ...(top.yesBid !== undefined ? { yesBid: top.yesBid } : {}),
        ...(top.noBid !== undefined ? { noBid: top.noBid } : {}),
      });
    }
  };

  let frames = 0;
  /** Feeds a frame's message to the sandbox; returns the book snapshot or delta it decoded to. */
  const feed = (type: string, msg: Record<string, unknown>): BookSnapshot | BookDelta | undefined => {
    let decoded: BookSnapshot | BookDelta | undefined;
    try {
      const event = feedEvent(type, msg);
      if (event !== undefined) {
        if (event.kind === 'snapshot') decoded = event.snapshot;
        else if (event.kind === 'delta') decoded = event.delta;
        venue.ingest(event);
      }
    } catch (error) {
      note(`frame ${frames} skipped by the sandbox: ${(error as Error).message}`);
    }
    return decoded;
  };
  let framesUsed = 0;
  let framesLost = 0;
  const progressEvery = options.progressEvery ?? 5000;
  for await (const batch of reader.batches()) {
    for (const entry of batch) {
      if (entry.kind === 'gap') {
        framesLost += entry.lost;
        continue;
      }
      frames += 1;
      if (options.onProgress && frames % progressEvery === 0) options.onProgress(frames, clock.now());
      let parsed: unknown;
      try {
        parsed = JSON.parse(entry.text);
      } catch {
        note(`frame ${frames} is not JSON`);
        continue;
      }
      if (!isJsonObject(parsed) || typeof parsed.type !== 'string' || !MARKET_TYPES.has(parsed.type) || !isJsonObject(parsed.msg)) continue;
      const ticker = parsed.msg.market_ticker;
      if (typeof ticker !== 'string' || !hosted.has(ticker)) continue;
      framesUsed += 1;
      const timeMs = frameTimeMs(parsed.msg);
      if (timeMs !== undefined && clock.started) await catchUp(timeMs);
      const answers = venue.answers;
      const msg = parsed.msg;
      const type = parsed.type;
      // as clock.atFrame(timeMs, step), without making the step for a clock already going;
      // the book update is decoded once for the sandbox and the shard (when it is fed now)
      if (timeMs !== undefined) clock.advanceTo(timeMs);
      let decoded: BookSnapshot | BookDelta | undefined;
      if (clock.started) decoded = feed(type, msg);
      else clock.atFrame(undefined, () => void feed(type, msg));
      if (parsed.type !== 'trade') shard.deliverParsed(entry.text, parsed, 0, decoded);
      if (venue.answers !== answers || pending.length > 0 || fillsSinceSample > 0) await drain();
      // positions are marked only here and at the end: nothing reads the marks in between (no risk gate)
      if (clock.started && (clock.now() >= nextSampleMs || fillsSinceSample > 0)) {
        mark();
        sample();
      }
    }
  }
  const endMs = clock.now();
  const quoteTimes = new Map(venue.quoteTimes(endMs).map((times) => [times.ticker, times]));
  // the end: the makers cancel what rests; their cancels are let arrive
  shard.stop();
  await drain();
  const lastDue = venue.nextDueMs();
  if (lastDue !== undefined) await catchUp(lastDue + settings.backtest.entry_latency_ms + settings.backtest.cancel_latency_ms);
  const restingAtEnd = (await venue.listResting(tickers)).length;
  mark();
  if (clock.started) sample();
  options.onProgress?.(frames, endMs);

  const counters = core.counters();
  const markets: MarketResult[] = tickers.map((ticker) => {
    const times = quoteTimes.get(ticker);
    const observedMs = times?.firstMs !== undefined && times.lastMs !== undefined ? times.lastMs - times.firstMs : 0;
    return {
      pnl: core.portfolio.market(ticker),
      maxDrawdownMicros: marketDrawdown.get(ticker)!.max,
      quotedMs: times?.quotedMs ?? 0,
      twoSidedMs: times?.twoSidedMs ?? 0,
      observedMs,
      publicTrades: times?.trades ?? 0,
    };
  });
  return {
    recording: path,
    session: header.session,
    tickers,
    firstMs: series.t[0],
    lastMs: endMs || undefined,
    fills,
    markets,
    totalDrawdownMicros: totalDrawdown.max,
    series,
    counts: {
      frames,
      framesUsed,
      framesLost,
      intents,
      requests: counters.requests,
      rejects: counters.rejects,
      tokensSpent: counters.tokensSpent,
      restingAtEnd,
      warnings,
      truncated: reader.truncated,
    },
    problems,
  };
}
