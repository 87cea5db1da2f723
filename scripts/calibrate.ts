/**
 * `npm run calibrate -- [--seconds N] [--markets N] [--rate N] [--seed N] [--latencies L1,L2]
 *                       [--config FILE] [--window-ms N] [--out DIR]`
 *
 * How far the sandbox's fills and PnL are from the truth on one run. The engine trades in
 * paper mode against its embedded simulator for N seconds while recording its feed
 * (`bin/mm start --config ... --record FILE`); the simulator matched those orders itself, so
 * the paper run's fills journal and summary are the true fills and PnL. The same recording is
 * then backtested in the sandbox with the same strategy, markets and execution settings,
 * under each queue model and latency, and each result is compared with the paper run: fills,
 * volume, realized and net PnL, in total and per market, and fill by fill (the same market,
 * leg, action and price within a time window).
 *
 * Own orders in the feed. A feed recorded while trading holds the account's own orders in its
 * levels: their deltas carry our client_order_id, and when a taker fills one of them the
 * level's (unmarked) decrease and the trade include our size. Backtested as it is, the
 * sandbox's orders queue next to their recorded twins and the maker sees its twins in the book
 * (the backtest's maker assumes its orders are not in the feed). So each variant runs on two
 * feeds: the recording as made (`recorded`), and the same recording with our orders taken out
 * of the book (`without_own`, see withoutOwnOrders): the market as the others' orders made it,
 * with every trade kept, which is what a backtest assumes.
 *
 * Writes into DIR (default logs/calibration/<UTC timestamp>/): the paper run's config, feed,
 * fills journal, summary and logs (paper/), the feed without our orders, each feed's backtest
 * output (summary.json, fills, report.html), and calibration.json with the comparison; prints
 * the comparison as a table. Every step is bounded in time.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { writeBacktest } from '../src/backtest/output.js';
import { readSettingsFile, resolveSettings, type Assignment } from '../src/backtest/settings.js';
import type { SetJson } from '../src/backtest/summary.js';
import { executePlan, type BacktestPlan, type PlannedSet } from '../src/backtest/sweep.js';
import { parseFillRecord } from '../src/portfolio/fill-record.js';
import type { Fill } from '../src/portfolio/fill.js';
import { decodeDelta, decodeFill, decodeSnapshot, type BookSnapshot } from '../src/protocol/decode.js';
import { countToHundredths, dollarsToMicros, hundredthsToCount, microsToDollars, ticksToDollars } from '../src/protocol/fixed.js';
import { frameTimeMs } from '../src/protocol/frame-time.js';
import { isJsonObject } from '../src/protocol/json-object.js';
import type { Side } from '../src/protocol/wire.js';
import { frameLine, gapLine, headerLine, type RecordingEntry, type RecordingHeader } from '../src/replay/recording-format.js';
import { loadRecording } from '../src/replay/recording-reader.js';
import { defaultFeeSchedule } from '../src/sim/defaults.js';
import { fillPriceOnLeg } from '../src/strategy/entry-price.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MM = join(ROOT, 'bin', 'mm');
/** the private channels of the recording account: the sandbox never reads them */
const PRIVATE_TYPES = new Set(['fill', 'market_position', 'user_order']);
/** how far back (frames) from its trade a fill of ours looks for the level decrease that carried it */
const PAIRING_FRAMES = 200;
/** how far apart (ms) a fill of ours and that decrease may be */
const PAIRING_MS = 100;
/** after SIGINT the engine cancels, confirms and writes its summary; past this it is killed */
const STOP_TIMEOUT_MS = 60_000;

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

// ---------------------------------------------------------------------------------------
// The feed without our orders

export interface WithoutOwnStats {
  /** frames read (not counting gaps) */
  readonly frames: number;
  readonly framesWritten: number;
  /** deltas that carried our client order id (our orders resting, changing, leaving, taking) */
  readonly ownDeltas: number;
  /** of those, decreases larger than what we had resting there: our order took others' size, kept as a public decrease */
  readonly ownTaking: number;
  /** our maker fills (private fill frames, not as taker) */
  readonly ownMakerFills: number;
  /** of those, the ones whose size was found in a level decrease just before them and taken out of it */
  readonly ownMakerFillsPaired: number;
  /** snapshots with at least one level made smaller */
  readonly snapshotsAdjusted: number;
  /** private frames (fill, market_position, user_order) left out */
  readonly privateFrames: number;
  /** deltas left with no change at all once our size was taken out */
  readonly deltasEmptied: number;
}

type Levels = Record<Side, Map<number, number>>;

interface MarketLevels {
  /** the level sizes as recorded */
  readonly recorded: Levels;
  /** our resting size per level, as the recording's own deltas and our fills tell it */
  readonly own: Levels;
}

function emptyLevels(): Levels {
  return { yes: new Map(), no: new Map() };
}

function sizeAt(levels: Levels, side: Side, price: number): number {
  return levels[side].get(price) ?? 0;
}

function setSize(levels: Levels, side: Side, price: number, size: number): void {
  if (size > 0) levels[side].set(price, size);
  else levels[side].delete(price);
}

/** The others' size at a level: the recorded size less ours, never below zero. */
function othersAt(market: MarketLevels, side: Side, price: number): number {
  return Math.max(sizeAt(market.recorded, side, price) - sizeAt(market.own, side, price), 0);
}

interface ParsedFrame {
  readonly type: string;
  readonly frame: Record<string, unknown>;
  readonly msg: Record<string, unknown>;
  readonly ticker: string;
}

function parseFrame(text: string): ParsedFrame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(parsed) || typeof parsed.type !== 'string' || !isJsonObject(parsed.msg)) return undefined;
  const ticker = parsed.msg.market_ticker;
  return { type: parsed.type, frame: parsed, msg: parsed.msg, ticker: typeof ticker === 'string' ? ticker : '' };
}

function requireCurrentFormat(frame: ParsedFrame, index: number): void {
  const legacy =
    frame.type === 'orderbook_delta'
      ? frame.msg.delta_fp === undefined
      : frame.msg.yes_dollars_fp === undefined && frame.msg.no_dollars_fp === undefined && (frame.msg.yes !== undefined || frame.msg.no !== undefined);
  if (legacy)
    throw new CalibrationError(`frame ${index + 1}: the integer-cent wire format of before 12 Mar 2026 is not supported here; record with the current format`);
}

/**
 * The recording with the recording account's own orders taken out of the book, so that it
 * shows the market as a backtest assumes it: others' orders only, every trade kept (the
 * takers who filled our orders would fill the sandbox's in their place).
 *
 * Per market it follows the recorded levels and our resting size at each (the own ledger):
 * a delta carrying our client order id changes the ledger; a private fill of one of our
 * resting orders takes its size off the ledger and off the unmarked level decrease that
 * carried it: the last decrease of that level before the public trade with the fill's
 * trade id (the simulator sends decrease, trade, then our fill), or before the fill itself
 * when no trade has its id, within PAIRING_FRAMES frames and PAIRING_MS. Each book frame
 * is then rewritten as the change of the others' size (recorded less ours): our own deltas
 * vanish, a decrease that filled us shrinks by our part, a snapshot loses what we had
 * resting. The private frames are left out; everything else passes unchanged. Pure:
 * entries in, entries out.
 */
export function withoutOwnOrders(entries: readonly RecordingEntry[]): { entries: RecordingEntry[]; stats: WithoutOwnStats } {
  const frames: Array<ParsedFrame | undefined> = entries.map((entry) => (entry.kind === 'frame' ? parseFrame(entry.text) : undefined));
  // pass 1: our maker fills, each paired with the level decrease that carried it
  const pairedAt = new Map<number, number>();
  const unpairedAt = new Map<number, { side: Side; price: number; count: number }>();
  let ownMakerFills = 0;
  let ownMakerFillsPaired = 0;
  const tradeAt = new Map<string, number>();
  frames.forEach((frame, index) => {
    if (frame?.type === 'trade' && typeof frame.msg.trade_id === 'string') tradeAt.set(frame.msg.trade_id, index);
  });
  frames.forEach((frame, index) => {
    if (frame?.type !== 'fill' || frame.msg.is_taker !== false) return;
    const fill = decodeFill(frame.msg as unknown as Parameters<typeof decodeFill>[0]);
    const { leg, price } = fillPriceOnLeg(fill);
    const fillMs = frameTimeMs(frame.msg);
    ownMakerFills += 1;
    // the public trade of the same id comes right after its decrease; without one, look back from the fill
    const trade = tradeAt.get(fill.tradeId);
    const from = trade !== undefined && trade < index ? trade : index;
    for (let back = from - 1; back >= 0 && back >= from - PAIRING_FRAMES; back--) {
      const candidate = frames[back];
      if (candidate?.type !== 'orderbook_delta' || candidate.ticker !== fill.ticker || typeof candidate.msg.client_order_id === 'string') continue;
      requireCurrentFormat(candidate, back);
      const delta = decodeDelta(candidate.msg as unknown as Parameters<typeof decodeDelta>[0]);
      if (delta.side !== leg || delta.price !== price || delta.delta >= 0) continue;
      const deltaMs = frameTimeMs(candidate.msg);
      if (fillMs !== undefined && deltaMs !== undefined && Math.abs(fillMs - deltaMs) > PAIRING_MS) break;
      const room = -delta.delta - (pairedAt.get(back) ?? 0);
      if (room < fill.count) continue;
      pairedAt.set(back, (pairedAt.get(back) ?? 0) + fill.count);
      ownMakerFillsPaired += 1;
      return;
    }
    unpairedAt.set(index, { side: leg, price, count: fill.count });
  });

  // pass 2: rewrite the book as the others' size
  const markets = new Map<string, MarketLevels>();
  const marketOf = (ticker: string): MarketLevels => {
    let market = markets.get(ticker);
    if (!market) markets.set(ticker, (market = { recorded: emptyLevels(), own: emptyLevels() }));
    return market;
  };
  const out: RecordingEntry[] = [];
  let read = 0;
  let ownDeltas = 0;
  let ownTaking = 0;
  let snapshotsAdjusted = 0;
  let privateFrames = 0;
  let deltasEmptied = 0;
  entries.forEach((entry, index) => {
    if (entry.kind === 'gap') {
      out.push(entry);
      return;
    }
    read += 1;
    const frame = frames[index];
    if (frame === undefined) {
      out.push(entry);
      return;
    }
    if (PRIVATE_TYPES.has(frame.type)) {
      privateFrames += 1;
      const unpaired = unpairedAt.get(index);
      if (unpaired !== undefined) {
        // the decrease that carried it was not found: the others' size grows back by it here
        const market = marketOf(frame.ticker);
        const before = othersAt(market, unpaired.side, unpaired.price);
        setSize(market.own, unpaired.side, unpaired.price, sizeAt(market.own, unpaired.side, unpaired.price) - unpaired.count);
        const change = othersAt(market, unpaired.side, unpaired.price) - before;
        if (change !== 0) out.push({ kind: 'frame', receivedAtMs: entry.receivedAtMs, text: deltaText(frame, unpaired.side, unpaired.price, change) });
      }
      return;
    }
    if (frame.type === 'orderbook_snapshot') {
      requireCurrentFormat(frame, index);
      const snapshot = decodeSnapshot(frame.msg as unknown as Parameters<typeof decodeSnapshot>[0]);
      const market = marketOf(snapshot.ticker);
      let adjusted = false;
      for (const side of ['yes', 'no'] as const) {
        market.recorded[side].clear();
        for (const [price, size] of snapshot[side]) setSize(market.recorded, side, price, size);
        // what we had resting can be no more than the level now holds
        for (const [price, size] of [...market.own[side]]) setSize(market.own, side, price, Math.min(size, sizeAt(market.recorded, side, price)));
        if (market.own[side].size > 0) adjusted = true;
      }
      if (adjusted) snapshotsAdjusted += 1;
      out.push({ kind: 'frame', receivedAtMs: entry.receivedAtMs, text: adjusted ? snapshotText(frame, snapshot, market) : entry.text });
      return;
    }
    if (frame.type === 'orderbook_delta') {
      requireCurrentFormat(frame, index);
      const delta = decodeDelta(frame.msg as unknown as Parameters<typeof decodeDelta>[0]);
      const market = marketOf(delta.ticker);
      const before = othersAt(market, delta.side, delta.price);
      setSize(market.recorded, delta.side, delta.price, sizeAt(market.recorded, delta.side, delta.price) + delta.delta);
      if (delta.own) {
        ownDeltas += 1;
        const resting = sizeAt(market.own, delta.side, delta.price);
        if (delta.delta < 0 && -delta.delta > resting) ownTaking += 1;
        setSize(market.own, delta.side, delta.price, Math.max(resting + delta.delta, 0));
      } else {
        const ours = pairedAt.get(index) ?? 0;
        if (ours > 0) setSize(market.own, delta.side, delta.price, Math.max(sizeAt(market.own, delta.side, delta.price) - ours, 0));
      }
      const change = othersAt(market, delta.side, delta.price) - before;
      if (change === 0) {
        if (!delta.own) deltasEmptied += 1;
        return;
      }
      const unchanged = !delta.own && change === delta.delta;
      out.push({ kind: 'frame', receivedAtMs: entry.receivedAtMs, text: unchanged ? entry.text : deltaText(frame, delta.side, delta.price, change) });
      return;
    }
    out.push(entry);
  });
  const framesWritten = out.filter((entry) => entry.kind === 'frame').length;
  return {
    entries: out,
    stats: { frames: read, framesWritten, ownDeltas, ownTaking, ownMakerFills, ownMakerFillsPaired, snapshotsAdjusted, privateFrames, deltasEmptied },
  };
}

/** A delta frame like `frame` (its sid, seq and time) for a change of `change` at one level, without a client order id. */
function deltaText(frame: ParsedFrame, side: Side, price: number, change: number): string {
  const { client_order_id: _own, ...rest } = frame.msg;
  const msg: Record<string, unknown> = {
    market_ticker: frame.ticker,
    ...(rest.market_id !== undefined ? { market_id: rest.market_id } : {}),
    price_dollars: ticksToDollars(price),
    delta_fp: hundredthsToCount(change),
    side,
    ...(rest.ts !== undefined ? { ts: rest.ts } : {}),
    ...(rest.ts_ms !== undefined ? { ts_ms: rest.ts_ms } : {}),
  };
  return JSON.stringify({ ...frame.frame, type: 'orderbook_delta', msg });
}

/** The snapshot frame with the others' size at each level (levels left empty dropped, prices in the recorded order). */
function snapshotText(frame: ParsedFrame, snapshot: BookSnapshot, market: MarketLevels): string {
  const msg: Record<string, unknown> = { ...frame.msg };
  for (const [side, key] of [
    ['yes', 'yes_dollars_fp'],
    ['no', 'no_dollars_fp'],
  ] as const) {
    if (msg[key] === undefined) continue;
    msg[key] = snapshot[side].flatMap(([price]) => {
      const others = othersAt(market, side, price);
      return others > 0 ? [[ticksToDollars(price), hundredthsToCount(others)]] : [];
    });
  }
  return JSON.stringify({ ...frame.frame, msg });
}

/** Writes entries as a recording (gzip JSON lines, one part) with the given header. */
export async function writeRecording(path: string, header: RecordingHeader, entries: readonly RecordingEntry[]): Promise<void> {
  const { format: _format, version: _version, part: _part, ...session } = header;
  async function* lines(): AsyncGenerator<string> {
    yield headerLine(session, 1);
    let chunk = '';
    for (const entry of entries) {
      chunk += entry.kind === 'frame' ? frameLine(entry.receivedAtMs, entry.text) : gapLine(entry.receivedAtMs, entry.lost);
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  await pipeline(Readable.from(lines()), createGzip({ level: 6 }), createWriteStream(path, { flags: 'wx' }));
}

// ---------------------------------------------------------------------------------------
// Comparing fills

export interface FillMatch {
  /** fills of the truth with a counterpart in the model */
  readonly matched: number;
  /** contracts (hundredths) the matched pairs have in common */
  readonly matchedVolume: number;
  /** matched / true fills */
  readonly recall: number;
  /** matched / model fills */
  readonly precision: number;
  /** median |model time - true time| of the matched pairs, ms */
  readonly medianLagMs: number | null;
}

/**
 * Pairs each true fill with the earliest unpaired model fill of the same market, leg, action
 * and price no more than `windowMs` away, in time order.
 */
export function matchFills(truth: readonly Fill[], model: readonly Fill[], windowMs: number): FillMatch {
  const byKey = new Map<string, Fill[]>();
  const key = (fill: Fill): string => `${fill.ticker}|${fill.side}|${fill.action}|${fill.price}`;
  for (const fill of [...model].sort((a, b) => a.tsMs - b.tsMs)) {
    const list = byKey.get(key(fill)) ?? [];
    list.push(fill);
    byKey.set(key(fill), list);
  }
  const used = new Set<Fill>();
  const lags: number[] = [];
  let matched = 0;
  let matchedVolume = 0;
  for (const fill of [...truth].sort((a, b) => a.tsMs - b.tsMs)) {
    const candidate = (byKey.get(key(fill)) ?? []).find((other) => !used.has(other) && Math.abs(other.tsMs - fill.tsMs) <= windowMs);
    if (!candidate) continue;
    used.add(candidate);
    matched += 1;
    matchedVolume += Math.min(candidate.count, fill.count);
    lags.push(Math.abs(candidate.tsMs - fill.tsMs));
  }
  lags.sort((a, b) => a - b);
  return {
    matched,
    matchedVolume,
    recall: truth.length === 0 ? 1 : matched / truth.length,
    precision: model.length === 0 ? 1 : matched / model.length,
    medianLagMs: lags.length === 0 ? null : lags[Math.floor((lags.length - 1) / 2)]!,
  };
}

// ---------------------------------------------------------------------------------------
// The paper run

export interface CalibrationOptions {
  readonly seconds: number;
  readonly markets: number;
  readonly ratePerMarket: number;
  readonly seed: number;
  /** sandbox latencies to try (entry and cancel alike), ms; the measured one (p10 of decision to resting) is added */
  readonly latencies: readonly number[];
  readonly windowMs: number;
  readonly config: string | undefined;
  readonly out: string;
}

const SERIES = ['KXCALA', 'KXCALB', 'KXCALC', 'KXCALD', 'KXCALE', 'KXCALF', 'KXCALG', 'KXCALH'];
const MONTHS = ['26DEC31', '27JAN29', '27FEB26', '27MAR31'];

/** Market tickers for the run: Kalshi-shaped, distinct, in series the simulator charges with Kalshi's default schedule. */
export function calibrationTickers(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `${SERIES[index % SERIES.length]}-${MONTHS[Math.floor(index / SERIES.length) % MONTHS.length]}-T${10 + index}`,
  );
}

/** The config of the paper run: the given file's strategy (and markets) on the embedded simulator, risk limits off, logs in `dir`. */
export function paperConfig(options: CalibrationOptions, dir: string): Record<string, unknown> {
  let strategy: Record<string, unknown> | undefined;
  let markets: unknown;
  let execution: Record<string, unknown> = {};
  if (options.config !== undefined) {
    const source = readSettingsFile(options.config);
    strategy = source.strategy;
    markets = source.markets;
    execution = source.execution ?? {};
  }
  return {
    exchange: { env: 'sim' },
    markets: markets ?? calibrationTickers(options.markets).map((ticker) => ({ ticker })),
    ...(strategy !== undefined ? { strategy } : {}),
    runtime: { workers: 2 },
    control: { enabled: false },
    execution: { ...execution, mode: 'paper' },
    // the sandbox has no risk gate: nothing here may refuse what it would send
    risk: Object.fromEntries(
      ['position_contracts', 'position_dollars', 'exposure_dollars', 'open_orders', 'orders_per_second', 'max_drawdown_dollars', 'daily_loss_dollars'].map(
        (key) => [key, 'off'],
      ),
    ),
    log: {
      level: 'info',
      intents_file: join(dir, 'intents.jsonl'),
      events_file: join(dir, 'events.jsonl'),
      fills_file: join(dir, 'fills.jsonl'),
      summary_file: join(dir, 'summary.json'),
      console: 'off',
    },
    sim: { seed: options.seed, rate_per_market: options.ratePerMarket, max_rate_total: 100_000 },
  };
}

/** Runs `bin/mm start` for `seconds`, then SIGINT; resolves with its output once it has stopped in order. */
async function runPaper(configPath: string, recordingPath: string, seconds: number, consolePath: string): Promise<string> {
  const child = spawn(MM, ['start', '--config', configPath, '--record', recordingPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolveExit(code));
  });
  let runTimer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    exited.then(() => 'exited' as const),
    new Promise<'time'>((resolveTimer) => (runTimer = setTimeout(() => resolveTimer('time'), seconds * 1000))),
  ]);
  clearTimeout(runTimer);
  const exitedEarly = first === 'exited';
  if (!exitedEarly) child.kill('SIGINT');
  let killTimer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((resolveTimeout) => (killTimer = setTimeout(() => resolveTimeout('timeout'), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(killTimer);
  writeFileSync(consolePath, output);
  if (code === 'timeout') {
    child.kill('SIGKILL');
    throw new CalibrationError(`the paper run did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGINT; killed (its output: ${consolePath})`);
  }
  if (exitedEarly)
    throw new CalibrationError(`the paper run ended by itself before ${seconds} s, exit code ${code} (its output: ${consolePath}):\n${output.slice(-2000)}`);
  if (code !== 0) throw new CalibrationError(`the paper run exited with code ${code} (its output: ${consolePath}):\n${output.slice(-2000)}`);
  return output;
}

/** From each order's decision (intents file) to its first resting delta in the feed, ms, sorted. */
export function entryLatencies(intentLines: readonly string[], entries: readonly RecordingEntry[]): number[] {
  const decided = new Map<string, number>();
  for (const line of intentLines) {
    if (line.trim() === '') continue;
    const intent = JSON.parse(line) as { ts?: string; client_order_id?: string; kind?: string };
    if (typeof intent.client_order_id !== 'string' || typeof intent.ts !== 'string' || intent.kind === 'cancel') continue;
    if (!decided.has(intent.client_order_id)) decided.set(intent.client_order_id, Date.parse(intent.ts));
  }
  const latencies: number[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'frame' || !entry.text.includes('client_order_id')) continue;
    const frame = parseFrame(entry.text);
    if (frame?.type !== 'orderbook_delta') continue;
    const id = frame.msg.client_order_id;
    if (typeof id !== 'string' || seen.has(id)) continue;
    const delta = decodeDelta(frame.msg as unknown as Parameters<typeof decodeDelta>[0]);
    if (delta.delta <= 0) continue;
    seen.add(id);
    const at = decided.get(id);
    const restedMs = frameTimeMs(frame.msg);
    if (at !== undefined && restedMs !== undefined) latencies.push(restedMs - at);
  }
  return latencies.sort((a, b) => a - b);
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

// ---------------------------------------------------------------------------------------
// The comparison

interface PaperMarket {
  readonly ticker: string;
  readonly position: string;
  readonly realized: string;
  readonly unrealized_mid: string;
  readonly fees: string;
  readonly net: string;
  readonly volume: string;
  readonly fills: number;
  readonly orders_sent: { readonly total: number };
}

interface PaperSummary {
  readonly markets: readonly PaperMarket[];
  readonly total: Omit<PaperMarket, 'ticker' | 'position'> & { readonly abs_position: string };
}

interface Figures {
  readonly fills: number;
  readonly volume: string;
  readonly realized: string;
  readonly unrealized_mid: string;
  readonly fees: string;
  readonly net: string;
  readonly orders_sent: number;
}

function paperFigures(market: Omit<PaperMarket, 'ticker' | 'position'>): Figures {
  return {
    fills: market.fills,
    volume: market.volume,
    realized: market.realized,
    unrealized_mid: market.unrealized_mid,
    fees: market.fees,
    net: market.net,
    orders_sent: market.orders_sent.total,
  };
}

function modelFigures(market: SetJson['total'] | SetJson['markets'][number]): Figures {
  return {
    fills: market.fills,
    volume: market.volume,
    realized: market.realized,
    unrealized_mid: market.unrealized_mid,
    fees: market.fees,
    net: market.net,
    orders_sent: market.orders_sent.total,
  };
}

function money(text: string): number {
  return dollarsToMicros(text);
}

function ratio(model: number, truth: number): number | null {
  return truth === 0 ? null : Math.round((model / truth) * 1000) / 1000;
}

function countHundredths(text: string): number {
  return countToHundredths(text);
}

export interface VariantComparison {
  readonly feed: 'recorded' | 'without_own';
  readonly queue_model: string;
  readonly latency_ms: number;
  readonly total: Figures;
  /** sandbox less paper, dollars */
  readonly error: { readonly realized: string; readonly net: string; readonly fills: number; readonly volume: string };
  /** sandbox over paper */
  readonly ratio: { readonly fills: number | null; readonly volume: number | null; readonly realized: number | null; readonly net: number | null };
  /** sum over markets of |sandbox net - paper net|, dollars */
  readonly abs_net_error_by_market: string;
  readonly fill_match: FillMatch & { readonly matched_volume: string };
  /** per market; position: at the end, contracts (+ YES, - NO) */
  readonly markets: ReadonlyArray<{
    readonly ticker: string;
    readonly paper: Figures;
    readonly sandbox: Figures;
    readonly position: { readonly paper: string; readonly sandbox: string };
  }>;
}

export function compareVariant(
  feed: VariantComparison['feed'],
  set: SetJson,
  paper: PaperSummary,
  paperFills: readonly Fill[],
  modelFills: readonly Fill[],
  windowMs: number,
): VariantComparison {
  const total = modelFigures(set.total);
  const truth = paperFigures(paper.total);
  const byTicker = new Map(set.markets.map((market) => [market.ticker, market]));
  let absNet = 0;
  const markets = paper.markets.map((market) => {
    const model = byTicker.get(market.ticker);
    const sandbox: Figures = model
      ? modelFigures(model)
      : { fills: 0, volume: '0.00', realized: '0.000000', unrealized_mid: '0.000000', fees: '0.000000', net: '0.000000', orders_sent: 0 };
    absNet += Math.abs(money(sandbox.net) - money(market.net));
    return { ticker: market.ticker, paper: paperFigures(market), sandbox, position: { paper: market.position, sandbox: model?.position ?? '0.00' } };
  });
  const match = matchFills(paperFills, modelFills, windowMs);
  return {
    feed,
    queue_model: set.settings.backtest.queue_model,
    latency_ms: set.settings.backtest.entry_latency_ms,
    total,
    error: {
      realized: microsToDollars(money(total.realized) - money(truth.realized)),
      net: microsToDollars(money(total.net) - money(truth.net)),
      fills: total.fills - truth.fills,
      volume: hundredthsToCount(countHundredths(total.volume) - countHundredths(truth.volume)),
    },
    ratio: {
      fills: ratio(total.fills, truth.fills),
      volume: ratio(countHundredths(total.volume), countHundredths(truth.volume)),
      realized: ratio(money(total.realized), money(truth.realized)),
      net: ratio(money(total.net), money(truth.net)),
    },
    abs_net_error_by_market: microsToDollars(absNet),
    fill_match: { ...match, matched_volume: hundredthsToCount(match.matchedVolume) },
    markets,
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)].join('\n');
}

function percent(value: number | null): string {
  return value === null ? '-' : `${Math.round(value * 100)}%`;
}

function readFills(path: string): Fill[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseFillRecord);
}

// ---------------------------------------------------------------------------------------
// The command

function positiveInteger(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw new CalibrationError(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return value;
}

export function parseOptions(argv: readonly string[], nowMs: number): CalibrationOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        seconds: { type: 'string' },
        markets: { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        latencies: { type: 'string' },
        'window-ms': { type: 'string' },
        config: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new CalibrationError((error as Error).message);
  }
  const seconds = positiveInteger('seconds', values.seconds, 60, 5);
  if (seconds > 600) throw new CalibrationError(`--seconds is at most 600, got ${seconds}`);
  const latencies = (values.latencies ?? '0,50').split(',').map((part) => positiveInteger('latencies', part.trim(), 0, 0));
  if (values.config !== undefined && !existsSync(values.config)) throw new CalibrationError(`--config ${values.config}: file not found`);
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return {
    seconds,
    markets: positiveInteger('markets', values.markets, 24),
    ratePerMarket: positiveInteger('rate', values.rate, 10),
    seed: positiveInteger('seed', values.seed, 1, 0),
    latencies,
    windowMs: positiveInteger('window-ms', values['window-ms'], 1000, 0),
    config: values.config,
    out: resolve(values.out ?? join('logs', 'calibration', stamp)),
  };
}

function say(text: string): void {
  process.stderr.write(`calibrate: ${text}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), Date.now());
  if (existsSync(options.out)) throw new CalibrationError(`${options.out} exists; give another --out`);
  const paperDir = join(options.out, 'paper');
  mkdirSync(paperDir, { recursive: true });
  const configPath = join(paperDir, 'config.json');
  const config = paperConfig(options, paperDir);
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const tickers = (config.markets as Array<{ ticker: string }>).map((market) => market.ticker);

  // one fee schedule for the sandbox: the simulator's, when every market shares it
  const schedules = new Set(tickers.map((ticker) => JSON.stringify(defaultFeeSchedule(ticker.split('-')[0]!))));
  const schedule = defaultFeeSchedule(tickers[0]!.split('-')[0]!);
  const feeNote =
    schedules.size === 1
      ? undefined
      : "the markets have different fee schedules in the simulator; the sandbox charges one schedule (the first market's) for all";
  if (feeNote) say(feeNote);

  // the backtests' settings are checked before anything runs (a bad strategy value is a ConfigError here)
  const source = readSettingsFile(configPath);
  try {
    resolveSettings(source, [], configPath);
  } catch (error) {
    throw new CalibrationError(
      `${options.config !== undefined ? `the sections taken from ${options.config} (into ${configPath})` : configPath}: ${(error as Error).message}`,
    );
  }

  const recordingPath = join(paperDir, 'feed.jsonl.gz');
  say(
    `paper run: ${tickers.length} markets on the embedded simulator (seed ${options.seed}, ${options.ratePerMarket} events/s per market) for ${options.seconds} s`,
  );
  const paperStarted = Date.now();
  const paperOutput = await runPaper(configPath, recordingPath, options.seconds, join(paperDir, 'console.txt'));
  const paperSeconds = (Date.now() - paperStarted) / 1000;
  const paper = JSON.parse(readFileSync(join(paperDir, 'summary.json'), 'utf8')) as PaperSummary;
  const paperFills = readFills(join(paperDir, 'fills.jsonl'));

  say('taking our orders out of the recorded book');
  const recording = await loadRecording(recordingPath);
  const withoutOwn = withoutOwnOrders(recording.entries);
  const withoutOwnPath = join(options.out, 'feed-without-own.jsonl.gz');
  await writeRecording(withoutOwnPath, { ...recording.header, session: `${recording.header.session}-without-own` }, withoutOwn.entries);
  // decision to resting includes any wait for write tokens, which the backtest's core models itself;
  // the fastest tenth went out at once: their latency is the venue's and the wire's alone
  const latencies = entryLatencies(readFileSync(join(paperDir, 'intents.jsonl'), 'utf8').split('\n'), recording.entries);
  const measuredMs = quantile(latencies, 0.1);
  const tried = [...new Set([...options.latencies, ...(measuredMs !== null ? [Math.max(0, Math.round(measuredMs))] : [])])].sort((a, b) => a - b);

  // the same settings as the paper run, each queue model at each latency; every (feed, set) a job of one sweep
  const fixed: Assignment[] = [
    { key: 'backtest.fee_type', value: schedule.feeType },
    { key: 'backtest.fee_multiplier', value: schedule.multiplierMilli / 1000 },
  ];
  const variants = ['risk_averse', 'probabilistic'].flatMap((model) => tried.map((latency) => ({ model, latency })));
  const sets: PlannedSet[] = variants.map(({ model, latency }, index) => {
    const parameters: Assignment[] = [
      { key: 'backtest.queue_model', value: model },
      { key: 'backtest.entry_latency_ms', value: latency },
      { key: 'backtest.cancel_latency_ms', value: latency },
    ];
    return { index, parameters, settings: resolveSettings(source, [...fixed, ...parameters], configPath) };
  });
  const feeds = [
    { feed: 'recorded' as const, path: recordingPath },
    { feed: 'without_own' as const, path: withoutOwnPath },
  ];
  const plan: BacktestPlan = {
    recordings: feeds.map((feed) => feed.path),
    swept: ['backtest.queue_model', 'backtest.entry_latency_ms', 'backtest.cancel_latency_ms'],
    sets,
  };
  say(`backtests: ${sets.length} parameter sets x ${feeds.length} feeds`);
  const backtestStarted = Date.now();
  const results = await executePlan(plan);
  const backtestSeconds = (Date.now() - backtestStarted) / 1000;

  const comparisons: VariantComparison[] = [];
  const outputs: Record<string, string> = {};
  for (const [feedIndex, feed] of feeds.entries()) {
    const perFeed = results.map((set) => ({ ...set, jobs: [set.jobs[feedIndex]!] }));
    const written = writeBacktest(join(options.out, `backtest-${feed.feed.replace('_', '-')}`), perFeed, plan.swept);
    outputs[feed.feed] = written.directory;
    written.summary.sets.forEach((set, index) => {
      comparisons.push(compareVariant(feed.feed, set, paper, paperFills, perFeed[index]!.jobs[0]!.fills, options.windowMs));
    });
  }

  const recordedSummary = JSON.parse(readFileSync(join(outputs.recorded!, 'summary.json'), 'utf8')) as {
    recordings: Array<{ first_ts: string | null; last_ts: string | null; frames: number }>;
  };
  const feedInfo = recordedSummary.recordings[0]!;
  const result = {
    format: 'kalshi-mm-calibration',
    version: 1,
    measured_at: new Date(paperStarted).toISOString(),
    note: 'Sandbox PnL is an estimate; the paper run is the truth here (the simulator matched its orders). error = sandbox - paper.',
    run: {
      seconds: options.seconds,
      wall_seconds: Math.round(paperSeconds),
      markets: tickers.length,
      seed: options.seed,
      rate_per_market: options.ratePerMarket,
      feed: { frames: feedInfo.frames, first_ts: feedInfo.first_ts, last_ts: feedInfo.last_ts },
      fee_schedule: { fee_type: schedule.feeType, fee_multiplier: schedule.multiplierMilli / 1000, ...(feeNote ? { note: feeNote } : {}) },
      fill_window_ms: options.windowMs,
      backtest_seconds: Math.round(backtestSeconds * 10) / 10,
    },
    paper: {
      total: paperFigures(paper.total),
      position: paper.total.abs_position,
      unrealized_mid: paper.total.unrealized_mid,
      summary: join(paperDir, 'summary.json'),
      fills: join(paperDir, 'fills.jsonl'),
    },
    // from an order's intent to its first resting delta in the feed (write-token waits included); p10 is tried as a sandbox latency
    decision_to_resting_ms: { samples: latencies.length, p10: measuredMs, p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9) },
    own_orders: withoutOwn.stats,
    files: { recording: recordingPath, without_own: withoutOwnPath, backtests: outputs },
    variants: comparisons,
  };
  const jsonPath = join(options.out, 'calibration.json');
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);

  const truth = result.paper.total;
  const rows: string[][] = [
    ['paper (truth)', String(truth.fills), truth.volume, truth.realized, truth.net, '', '', '', String(truth.orders_sent)],
    ...comparisons.map((c) => [
      `${c.feed} ${c.queue_model} ${c.latency_ms}ms`,
      String(c.total.fills),
      c.total.volume,
      c.total.realized,
      c.total.net,
      c.error.net,
      percent(c.fill_match.recall),
      percent(c.fill_match.precision),
      String(c.total.orders_sent),
    ]),
  ];
  process.stdout.write(`\n${table(['run', 'fills', 'volume', 'realized', 'net', 'net error', 'recall', 'precision', 'orders'], rows)}\n\n`);
  const stats = withoutOwn.stats;
  process.stdout.write(
    `feed: ${feedInfo.frames} frames, ${feedInfo.first_ts} .. ${feedInfo.last_ts}; own deltas ${stats.ownDeltas}, own maker fills ${stats.ownMakerFills} (${stats.ownMakerFillsPaired} paired with their decrease); ` +
      `decision to resting p10 ${measuredMs ?? '-'} ms, p50 ${quantile(latencies, 0.5) ?? '-'} ms (${latencies.length} orders; p10 is tried as a latency)\n` +
      `recall: true fills the sandbox also made (same market, leg, action, price, within ${options.windowMs} ms); precision: sandbox fills that were true\n` +
      `wrote ${jsonPath}${paperOutput.includes('none remain') ? '' : ' (the paper run did not confirm that no order remained)'}\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    await main();
  } catch (error) {
    if (error instanceof CalibrationError || ['ConfigError', 'RecordingError', 'ProtocolError', 'FillRecordError'].includes((error as Error).name)) {
      process.stderr.write(`calibrate: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else {
      throw error;
    }
  }
}
