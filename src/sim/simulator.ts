/**
 * startSimulator: the server core (signed upgrade, pings, REST) wired to the exchange
 * (markets, subscribers, paper trading) and the fault switches.
 */
import type { BookSnapshot } from '../protocol/decode.js';
import { REST_PREFIX, WS_PATH } from '../protocol/wire.js';
import { realClock, type SimClock, type TimerHandle } from './clock.js';
import { SIMULATOR_DEFAULTS } from './defaults.js';
import { Exchange } from './exchange/exchange.js';
import type { MarketCloseType } from './exchange/market-events.js';
import { Subscriber } from './exchange/subscriber.js';
import { FaultController, type FaultKind, type FaultSpec } from './faults.js';
import { Random } from './random.js';
import type { Connection } from './server/connection.js';
import { KeyRegistry } from './server/key-registry.js';
import { startSignedServer } from './server/signed-server.js';
import { generatedTickers } from './tickers.js';

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
  clock?: SimClock;
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
  faultsFired: Record<FaultKind, number>;
}

export interface FaultSwitches {
  trigger(kind: FaultKind, stallMs?: number): void;
  add(spec: FaultSpec): void;
  clear(): void;
  readonly fired: Readonly<Record<FaultKind, number>>;
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
  closeMarket(ticker: string, eventType?: MarketCloseType): void;
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
  const clock = options.clock ?? realClock;
  const keys = new KeyRegistry();
  for (const [keyId, pem] of Object.entries(options.keys ?? {})) keys.register(keyId, pem);
  const permanent = new Set(configured);
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
    loopTimer = clock.setTimeout(() => {
      exchange.step(1);
      runLoop();
    }, tickMs);
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
    closeMarket: (ticker, eventType = 'determined') => exchange.closeMarket(ticker, eventType),
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
        faultsFired: { ...faults.fired },
      };
    },
    close: async () => {
      if (loopTimer !== undefined) clock.clearTimeout(loopTimer);
      loopTimer = undefined;
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
