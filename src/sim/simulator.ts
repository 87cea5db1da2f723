/**
 * startSimulator: the server core (signed upgrade, pings, REST) wired to the exchange
 * (markets, subscribers, paper trading) and the fault switches.
 */
import { parseFeeMultiplier, parseFeeType, type FeeSchedule, type FeeType } from '../fees/fee-model.js';
import type { BookSnapshot } from '../protocol/decode.js';
import { REST_PREFIX, WS_PATH } from '../protocol/wire.js';
import { after, type Clock, type TimerHandle, wallClock } from '../clock/clock.js';
import { SIMULATOR_DEFAULTS, VENUE_DEFAULTS, defaultFeeSchedule } from './defaults.js';
import { Exchange } from './exchange/exchange.js';
import type { MarketCloseType, MarketResult } from './exchange/market-events.js';
import { Subscriber } from './exchange/subscriber.js';
import { FaultController, type FaultKind, type FaultSpec, type RestFaultKind } from './faults.js';
import { Random } from './random.js';
import type { Connection } from './server/connection.js';
import { KeyRegistry } from './server/key-registry.js';
import { startSignedServer } from './server/signed-server.js';
import { generatedTickers } from './tickers.js';
import { WriteLimiter, isRateTier, RATE_TIER_NAMES, type RateTier } from './venue/rate-limit.js';

/** A series' fees as options give them: the wire's fee_type and fee_multiplier (e.g. 0.5). */
export interface FeeOption {
  readonly feeType: FeeType;
  readonly multiplier: number;
}

export interface SimulatorOptions {
  /** default '127.0.0.1' */
  host?: string;
  /** default 0 (any free port) */
  port?: number;
  /** create exactly these markets (they never close on their own) ... */
  tickers?: string[];
  /** ... and/or this many generated ones; default 10 when no tickers are given */
  markets?: number;
  /** seeds the one RNG behind everything; default 1 */
  seed?: number;
  /** default: the real clock */
  clock?: Clock;
  /** key id -> public key PEM (the --keys file format) */
  keys?: Record<string, string>;
  /** how far the handshake timestamp may be from the simulator's now; default 30000 */
  maxSkewMs?: number;
  /** default 10000; 0 disables pings */
  pingIntervalMs?: number;
  /** emit the integer-cent fields of before 12 Mar 2026 instead of dollar strings */
  legacyCents?: boolean;
  /** one market step; default 100 */
  tickMs?: number;
  /** market events per second in a normal market (quiet ones have fewer, busy ones more: see ACTIVITY_PROFILES); default 5 */
  ratePerMarket?: number;
  /** cap on market events per second over all markets; default 5000 */
  maxRateTotal?: number;
  /** chance per step that a generated market closes; default 0.00002 */
  closeChancePerStep?: number;
  faults?: FaultSpec[];
  /** default true; false = markets only advance via step() */
  autoRun?: boolean;
  /** each account's balance when its key is first seen, in cents; default 10,000,000 ($100,000) */
  startingBalanceCents?: number;
  /** the write budget per key: a tier (basic 100 tokens/s ... prestige 8000/s) or 'off'; default 'basic' */
  rateLimit?: RateTier | 'off';
  /** how long canceled/executed orders and their client order ids stay queryable, simulator ms; default 300000 */
  orderRetentionMs?: number;
  /** how long fills stay in GET /portfolio/fills, simulator ms; default 3600000 */
  fillRetentionMs?: number;
  /** the most fills an account keeps, the newest; default 10000 */
  maxFillsPerAccount?: number;
  /** fees of series by series ticker (KXSIMA, or the part of a given ticker before its first dash) */
  feeSchedules?: Record<string, FeeOption>;
  /** fees of every other series; default quadratic x1 (every fourth generated series from KXSIMB also charges makers) */
  defaultFees?: FeeOption;
  /** from a market's `determined` to its `settled` and payout, simulator ms; default 0 (at once) */
  settlementDelayMs?: number;
  /** default true; false: no simulated participants, books start empty and only accounts trade */
  crowd?: boolean;
}

export interface SimulatorStats {
  connections: number;
  framesSent: number;
  bytesSent: number;
  /** largest send backlog of a live connection, bytes */
  bufferedBytes: number;
  steps: number;
  marketEvents: number;
  ordersPlaced: number;
  /** accounts' orders held in memory (resting, and finished ones within their retention) */
  ordersHeld: number;
  clientOrderIdsHeld: number;
  fillsHeld: number;
  faultsFired: Record<FaultKind, number>;
  restFaultsFired: Record<RestFaultKind, number>;
}

export interface FaultSwitches {
  /** a socket fault now on every connection; a REST fault (rest_error, rest_timeout, rest_lost) on the next write */
  trigger(kind: FaultKind | RestFaultKind, stallMs?: number): void;
  add(spec: FaultSpec): void;
  clear(): void;
  readonly fired: Readonly<Record<FaultKind, number>>;
  readonly restFired: Readonly<Record<RestFaultKind, number>>;
}

export interface Simulator {
  readonly url: string;
  readonly restUrl: string;
  readonly port: number;
  readonly tickers: readonly string[];
  readonly faults: FaultSwitches;
  registerKey(keyId: string, publicKeyPem: string): void;
  bookSnapshot(ticker: string): BookSnapshot;
  /** Overwrites a paper position (for every registered key when keyId is omitted) and pushes market_position. */
  setPosition(ticker: string, positionHundredths: number, costE4: number, keyId?: string): void;
  /**
   * Moves a market to a closing stage (default `determined`, with `result` or the side of its
   * fair price); a determined market settles after settlementDelayMs and pays positions out.
   */
  closeMarket(ticker: string, eventType?: MarketCloseType, result?: MarketResult): void;
  /** Pauses trading on the whole exchange: orders refused (503), the crowd stops, cancel_order_on_pause orders cancelled. */
  pause(): void;
  resume(): void;
  /** Overwrites an account's cash, in cents (test hook). */
  setBalance(keyId: string, cents: number): void;
  step(count?: number): void;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const configured = options.tickers ?? [];
  checkTickers(configured);
  const generatedCount = options.markets ?? (configured.length === 0 ? 10 : 0);
  if (!Number.isInteger(generatedCount) || generatedCount < 0) throw new RangeError(`markets must be a non-negative integer, got ${generatedCount}`);
  const tickMs = positive(options.tickMs ?? 100, 'tickMs');
  const clock = options.clock ?? wallClock;
  const keys = new KeyRegistry();
  for (const [keyId, pem] of Object.entries(options.keys ?? {})) keys.register(keyId, pem);
  const permanent = new Set(configured);
  const rateLimit = options.rateLimit ?? VENUE_DEFAULTS.rateTier;
  if (rateLimit !== 'off' && !isRateTier(rateLimit))
    throw new RangeError(`rateLimit must be 'off' or one of ${RATE_TIER_NAMES.join(', ')}, got ${JSON.stringify(rateLimit)}`);
  const feeScheduleOf = feeRule(options.feeSchedules ?? {}, options.defaultFees);
  const startingBalanceCents = options.startingBalanceCents ?? VENUE_DEFAULTS.startingBalanceCents;
  if (!Number.isSafeInteger(startingBalanceCents) || startingBalanceCents < 0) {
    throw new RangeError(`startingBalanceCents must be a non-negative integer, got ${startingBalanceCents}`);
  }
  const exchange = new Exchange({
    tickers: [...configured, ...generatedTickers(generatedCount, permanent)],
    permanent,
    random: new Random(options.seed ?? SIMULATOR_DEFAULTS.seed),
    clock,
    legacyCents: options.legacyCents ?? false,
    ratePerMarket: nonNegative(options.ratePerMarket ?? SIMULATOR_DEFAULTS.ratePerMarket, 'ratePerMarket'),
    maxRateTotal: nonNegative(options.maxRateTotal ?? SIMULATOR_DEFAULTS.maxRateTotal, 'maxRateTotal'),
    tickMs,
    closeChancePerStep: nonNegative(options.closeChancePerStep ?? 0.00002, 'closeChancePerStep'),
    feeScheduleOf,
    startingBalanceE4: startingBalanceCents * 100,
    orderRetentionMs: nonNegative(options.orderRetentionMs ?? VENUE_DEFAULTS.orderRetentionMs, 'orderRetentionMs'),
    fillRetentionMs: nonNegative(options.fillRetentionMs ?? VENUE_DEFAULTS.fillRetentionMs, 'fillRetentionMs'),
    maxFillsPerAccount: nonNegative(options.maxFillsPerAccount ?? VENUE_DEFAULTS.maxFillsPerAccount, 'maxFillsPerAccount'),
    limiter: rateLimit === 'off' ? undefined : new WriteLimiter(rateLimit),
    settlementDelayMs: nonNegative(options.settlementDelayMs ?? VENUE_DEFAULTS.settlementDelayMs, 'settlementDelayMs'),
    crowd: options.crowd ?? true,
  });
  const faults = new FaultController(clock);
  const totals = { framesSent: 0, bytesSent: 0 };
  const server = await startSignedServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    wsPath: WS_PATH,
    restPrefix: REST_PREFIX,
    clock,
    keys,
    maxSkewMs: nonNegative(options.maxSkewMs ?? 30_000, 'maxSkewMs'),
    pingIntervalMs: nonNegative(options.pingIntervalMs ?? 10_000, 'pingIntervalMs'),
    routes: exchange.paper.routes(REST_PREFIX),
    restFault: () => faults.restWrite(),
    onConnection: (connection: Connection) => {
      const subscriber = new Subscriber(connection, exchange, faults);
      exchange.attach(subscriber);
      faults.attach(subscriber);
      connection.onClose(() => {
        exchange.detach(subscriber);
        faults.detach(subscriber);
        totals.framesSent += connection.framesSent;
        totals.bytesSent += connection.bytesSent;
      });
    },
  });
  faults.start(options.faults ?? []);

  let loopTimer: TimerHandle | undefined;
  const runLoop = (): void => {
    loopTimer = after(
      clock,
      () => {
        exchange.step(1);
        runLoop();
      },
      tickMs,
    );
  };
  if (options.autoRun ?? true) runLoop();

  return {
    url: server.url,
    restUrl: server.restUrl,
    port: server.port,
    tickers: [...exchange.markets.keys()],
    faults,
    registerKey: (keyId, publicKeyPem) => keys.register(keyId, publicKeyPem),
    bookSnapshot: (ticker) => exchange.bookSnapshot(ticker),
    setPosition: (ticker, positionHundredths, costE4, keyId) => {
      exchange.bookSnapshot(ticker);
      if (!Number.isSafeInteger(positionHundredths) || !Number.isSafeInteger(costE4)) {
        throw new RangeError('position and cost must be integers (hundredths, e4)');
      }
      for (const account of keyId !== undefined ? [keyId] : keys.keyIds) {
        exchange.paper.setPosition(account, ticker, positionHundredths, costE4);
      }
    },
    closeMarket: (ticker, eventType = 'determined', result) => exchange.closeMarket(ticker, eventType, result),
    pause: () => exchange.pause(),
    resume: () => exchange.resume(),
    setBalance: (keyId, cents) => {
      if (!Number.isSafeInteger(cents)) throw new RangeError(`balance must be an integer of cents, got ${cents}`);
      exchange.paper.desk.accounts.setCash(keyId, cents * 100);
    },
    step: (count = 1) => exchange.step(count),
    stats: () => {
      const live = [...server.connections];
      return {
        connections: live.length,
        framesSent: totals.framesSent + live.reduce((sum, connection) => sum + connection.framesSent, 0),
        bytesSent: totals.bytesSent + live.reduce((sum, connection) => sum + connection.bytesSent, 0),
        bufferedBytes: live.reduce((most, connection) => Math.max(most, connection.bufferedAmount), 0),
        steps: exchange.steps,
        marketEvents: exchange.marketEvents,
        ordersPlaced: exchange.paper.ordersPlaced,
        ordersHeld: exchange.paper.desk.store.size,
        clientOrderIdsHeld: exchange.paper.desk.store.clientOrderIdsHeld,
        fillsHeld: exchange.paper.desk.store.fillsHeld,
        faultsFired: { ...faults.fired },
        restFaultsFired: { ...faults.restFired },
      };
    },
    close: async () => {
      if (loopTimer !== undefined) clock.clearTimer(loopTimer);
      loopTimer = undefined;
      exchange.dispose();
      faults.clear();
      await server.close();
    },
  };
}

function checkTickers(tickers: readonly string[]): void {
  const seen = new Set<string>();
  for (const ticker of tickers) {
    if (typeof ticker !== 'string' || !/^[A-Z0-9][A-Z0-9._-]*$/.test(ticker)) throw new RangeError(`not a market ticker: ${JSON.stringify(ticker)}`);
    if (seen.has(ticker)) throw new RangeError(`market ticker given twice: ${ticker}`);
    seen.add(ticker);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}

/** The series -> fee schedule rule of the options; a bad fee type or multiplier is a RangeError. */
function feeRule(bySeries: Record<string, FeeOption>, fallback: FeeOption | undefined): (seriesTicker: string) => FeeSchedule {
  const schedules = new Map<string, FeeSchedule>();
  for (const [series, option] of Object.entries(bySeries)) schedules.set(series, feeSchedule(option, `feeSchedules.${series}`));
  const otherwise = fallback !== undefined ? feeSchedule(fallback, 'defaultFees') : undefined;
  return (seriesTicker) => schedules.get(seriesTicker) ?? otherwise ?? defaultFeeSchedule(seriesTicker);
}

function feeSchedule(option: FeeOption, name: string): FeeSchedule {
  try {
    return { feeType: parseFeeType(option?.feeType), multiplierMilli: parseFeeMultiplier(option?.multiplier) };
  } catch (err) {
    throw new RangeError(`${name}: ${(err as Error).message}`);
  }
}
