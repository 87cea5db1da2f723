/**
 * Prometheus metrics of the engine, built at scrape time from the last status sample.
 *
 * Every metric is a prom-client collector whose values are replaced by the sample on each
 * scrape: the engine keeps its own counters, so a scrape only reads (never waits on actors)
 * and a market that left the configuration leaves the output with it. Counters stay
 * counters (a restarted engine restarts them, which Prometheus reads as a reset).
 *
 * Money arrives as exact decimal strings and is parsed exactly (to micro-dollars) before it
 * becomes the float that the exposition format carries; a value with up to 15 significant
 * digits prints back as the same decimal.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricType } from 'prom-client';
import { parseScaled } from '../protocol/fixed.js';
import type { EngineState } from './engine-state.js';

/** A status sample that cannot be turned into metrics: says which field and why. */
export class StateSampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateSampleError';
  }
}

const PREFIX = 'kalshi_mm_';
const MICRO = 1_000_000;

interface MarketFigures {
  readonly market: string;
  readonly position: number;
  readonly realizedPnl: number;
  readonly markedPnl: number;
  readonly fees: number;
  readonly quoting: number;
}

interface LatencyFigures {
  /** upper bounds in seconds, increasing */
  readonly bounds: readonly number[];
  /** per bucket, not cumulative; bounds.length + 1 entries */
  readonly counts: readonly number[];
  readonly sumSeconds: number | undefined;
}

/** The sample, checked and converted to the numbers Prometheus carries. */
interface Figures {
  readonly state: EngineState;
  readonly timestampSeconds: number;
  readonly latency: LatencyFigures;
  readonly totals: { realizedPnl: number; markedPnl: number; fees: number; exposure: number; position: number };
  readonly markets: readonly MarketFigures[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new StateSampleError(`${what}: expected a count (a finite number >= 0), got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

function counts(value: unknown, what: string): Record<string, number> {
  if (!isRecord(value)) throw new StateSampleError(`${what}: expected an object of counts`);
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value)) out[key] = count(v, `${what}.${key}`);
  return out;
}

function dollars(value: unknown, what: string): number {
  try {
    return parseScaled(value, 6, what) / MICRO;
  } catch (error) {
    throw new StateSampleError((error as Error).message);
  }
}

function contracts(value: unknown, what: string): number {
  try {
    return parseScaled(value, 2, what) / 100;
  } catch (error) {
    throw new StateSampleError((error as Error).message);
  }
}

function latencyFigures(value: unknown): LatencyFigures {
  if (!isRecord(value) || !Array.isArray(value['boundsMs']) || !Array.isArray(value['counts'])) {
    throw new StateSampleError('decisionLatency: expected { boundsMs: number[], counts: number[] }');
  }
  const boundsMs = value['boundsMs'] as unknown[];
  const bucketCounts = value['counts'] as unknown[];
  if (bucketCounts.length !== boundsMs.length + 1) {
    throw new StateSampleError(`decisionLatency: ${boundsMs.length} bounds need ${boundsMs.length + 1} counts (the last is +Inf), got ${bucketCounts.length}`);
  }
  const bounds: number[] = [];
  boundsMs.forEach((bound, index) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || (index > 0 && bound <= (boundsMs[index - 1] as number))) {
      throw new StateSampleError(`decisionLatency.boundsMs[${index}]: bounds must be finite and increasing, got ${String(bound)}`);
    }
    bounds.push(bound / 1000);
  });
  const sumMs = value['sumMs'];
  return {
    bounds,
    counts: bucketCounts.map((c, index) => count(c, `decisionLatency.counts[${index}]`)),
    sumSeconds: sumMs === undefined ? undefined : count(sumMs, 'decisionLatency.sumMs') / 1000,
  };
}

/** Checks the sample and converts what Prometheus needs; throws StateSampleError on a bad field. */
export function figuresOf(state: EngineState): Figures {
  if (!isRecord(state)) throw new StateSampleError('state: expected an object');
  const timestampMs = typeof state.ts === 'string' ? Date.parse(state.ts) : Number.NaN;
  if (!Number.isFinite(timestampMs)) throw new StateSampleError(`ts: expected an ISO-8601 time, got ${JSON.stringify(state.ts)}`);
  if (!isRecord(state.connection)) throw new StateSampleError('connection: expected an object');
  for (const key of ['reconnects', 'sequenceGaps', 'resyncs', 'staleBooks'] as const) count(state.connection[key], `connection.${key}`);
  if (!isRecord(state.frames)) throw new StateSampleError('frames: expected an object');
  counts(state.frames.received, 'frames.received');
  counts(state.frames.routed, 'frames.routed');
  counts(state.intents, 'intents');
  if (!isRecord(state.orders)) throw new StateSampleError('orders: expected an object');
  counts(state.orders.sent, 'orders.sent');
  counts(state.orders.rejects, 'orders.rejects');
  for (const key of ['fills', 'rateLimited', 'tokensSpent', 'tokensLeft'] as const) count(state.orders[key], `orders.${key}`);
  count(state.actorRestarts, 'actorRestarts');
  if (!isRecord(state.totals)) throw new StateSampleError('totals: expected an object');
  if (!Array.isArray(state.markets)) throw new StateSampleError('markets: expected an array');
  const markets = state.markets.map((market, index): MarketFigures => {
    if (!isRecord(market) || typeof market.ticker !== 'string' || market.ticker === '') {
      throw new StateSampleError(`markets[${index}]: expected a market with a ticker`);
    }
    const what = `markets[${index}] (${market.ticker})`;
    return {
      market: market.ticker,
      position: contracts(market.position, `${what}.position`),
      realizedPnl: dollars(market.realizedPnl, `${what}.realizedPnl`),
      markedPnl: dollars(market.markedPnl, `${what}.markedPnl`),
      fees: dollars(market.fees, `${what}.fees`),
      quoting: market.state === 'quoting' ? 1 : 0,
    };
  });
  return {
    state,
    timestampSeconds: timestampMs / 1000,
    latency: latencyFigures(state.decisionLatency),
    totals: {
      realizedPnl: dollars(state.totals.realizedPnl, 'totals.realizedPnl'),
      markedPnl: dollars(state.totals.markedPnl, 'totals.markedPnl'),
      fees: dollars(state.totals.fees, 'totals.fees'),
      exposure: dollars(state.totals.exposure, 'totals.exposure'),
      position: contracts(state.totals.position, 'totals.position'),
    },
    markets,
  };
}

type Labelled = Record<string, number>;

/**
 * A histogram whose buckets come whole from the sample (the engine keeps the counts): the
 * exported buckets are cumulative, as the format wants, and `_sum` is there when the engine
 * keeps a sum.
 */
class SampledHistogram extends Histogram<'le'> {
  readonly #read: () => LatencyFigures;
  readonly #name: string;
  readonly #help: string;

  constructor(registry: Registry, name: string, help: string, read: () => LatencyFigures) {
    // the buckets given here are never used: get() answers from the sample
    super({ name, help, registers: [registry], buckets: [1] });
    this.#read = read;
    this.#name = name;
    this.#help = help;
  }

  #values(): Array<{ metricName: string; labels: { le?: string | number }; value: number }> {
    const { bounds, counts: bucketCounts, sumSeconds } = this.#read();
    const values: Array<{ metricName: string; labels: { le?: string | number }; value: number }> = [];
    let cumulative = 0;
    bucketCounts.forEach((c, index) => {
      cumulative += c;
      values.push({ metricName: `${this.#name}_bucket`, labels: { le: index < bounds.length ? bounds[index]! : '+Inf' }, value: cumulative });
    });
    if (sumSeconds !== undefined) values.push({ metricName: `${this.#name}_sum`, labels: {}, value: sumSeconds });
    values.push({ metricName: `${this.#name}_count`, labels: {}, value: cumulative });
    return values;
  }

  override async get(): Promise<Awaited<ReturnType<Histogram<'le'>['get']>>> {
    return { name: this.#name, help: this.#help, type: 'histogram' as unknown as MetricType, aggregator: 'sum', values: this.#values(), collect: () => {} };
  }

  /** prom-client's text export asks this first. */
  async getForPromString(): Promise<Awaited<ReturnType<Histogram<'le'>['get']>>> {
    return this.get();
  }
}

/** The engine's metrics on their own registry (nothing global, so several servers can run in one process). */
export class ControlMetrics {
  readonly registry = new Registry();
  #figures: Figures | undefined;

  constructor() {
    const figures = (): Figures => {
      if (this.#figures === undefined) throw new StateSampleError('no sample taken for this scrape');
      return this.#figures;
    };
    const state = (): EngineState => figures().state;
    const registers = [this.registry];

    const counter = (name: string, help: string, read: () => number): void => {
      const metric: Counter = new Counter({
        name: PREFIX + name,
        help,
        registers,
        collect: () => {
          metric.reset();
          metric.inc(read());
        },
      });
    };
    const countersBy = (name: string, help: string, label: string, read: () => Labelled): void => {
      const metric: Counter<string> = new Counter({
        name: PREFIX + name,
        help,
        labelNames: [label],
        registers,
        collect: () => {
          metric.reset();
          for (const [key, value] of Object.entries(read())) metric.inc({ [label]: key }, value);
        },
      });
    };
    const gauge = (name: string, help: string, read: () => number): void => {
      const metric: Gauge = new Gauge({
        name: PREFIX + name,
        help,
        registers,
        collect: () => {
          metric.set(read());
        },
      });
    };
    const gaugesBy = (name: string, help: string, label: string, read: () => Labelled): void => {
      const metric: Gauge<string> = new Gauge({
        name: PREFIX + name,
        help,
        labelNames: [label],
        registers,
        collect: () => {
          metric.reset();
          for (const [key, value] of Object.entries(read())) metric.set({ [label]: key }, value);
        },
      });
    };
    const perMarket = (name: string, help: string, read: (market: MarketFigures) => number): void => {
      const metric: Gauge<'market'> = new Gauge({
        name: PREFIX + name,
        help,
        labelNames: ['market'],
        registers,
        collect: () => {
          metric.reset();
          for (const market of figures().markets) metric.set({ market: market.market }, read(market));
        },
      });
    };

    gauge('state_timestamp_seconds', 'Time of the status sample these metrics come from (Unix seconds).', () => figures().timestampSeconds);
    gaugesBy('mode', 'Trading mode: 1 for the mode the engine runs in.', 'mode', () => ({ [state().mode]: 1 }));
    gaugesBy('risk_state', 'Risk state: 1 for the current one (active, reducing, halted).', 'state', () =>
      Object.fromEntries(['active', 'reducing', 'halted'].map((s) => [s, s === state().risk ? 1 : 0])),
    );
    gauge('connected', 'Whether the market data socket is connected (1) or not (0).', () => (state().connection.connected ? 1 : 0));
    counter('reconnects_total', 'Socket reconnections since start.', () => state().connection.reconnects);
    counter('sequence_gaps_total', 'Sequence gaps detected on subscriptions.', () => state().connection.sequenceGaps);
    counter('resyncs_total', 'Book resynchronisations.', () => state().connection.resyncs);
    gauge('stale_books', 'Books stale right now.', () => state().connection.staleBooks);
    countersBy('frames_received_total', 'Frames received from the venue, per channel.', 'channel', () => state().frames.received);
    countersBy('frames_routed_total', 'Frames routed to actors, per channel.', 'channel', () => state().frames.routed);
    countersBy('intents_total', 'Intents emitted by the makers, per kind.', 'kind', () => state().intents);
    countersBy('orders_sent_total', 'Order requests sent to the venue, per kind.', 'kind', () => state().orders.sent);
    countersBy('order_rejects_total', 'Order requests the venue or the risk gate rejected, per reason.', 'reason', () => state().orders.rejects);
    counter('fills_total', 'Fills received.', () => state().orders.fills);
    counter('rate_limited_total', 'Requests answered 429 (rate limited) by the venue.', () => state().orders.rateLimited);
    counter('write_tokens_spent_total', 'Write budget tokens spent.', () => state().orders.tokensSpent);
    gauge('write_tokens_left', 'Write budget tokens left now.', () => state().orders.tokensLeft);
    counter('actor_restarts_total', 'Actor threads restarted after a fault.', () => state().actorRestarts);
    new SampledHistogram(this.registry, `${PREFIX}decision_latency_seconds`, 'Time from a frame arriving to the intents it caused.', () => figures().latency);
    gauge('realized_pnl_dollars', 'Realized PnL, all markets.', () => figures().totals.realizedPnl);
    gauge('marked_pnl_dollars', 'Marked (mark-to-market) PnL, all markets.', () => figures().totals.markedPnl);
    gauge('fees_dollars', 'Fees paid, all markets.', () => figures().totals.fees);
    gauge('exposure_dollars', 'Exposure, all markets.', () => figures().totals.exposure);
    gauge('position_contracts', 'Net position, all markets (+YES / -NO).', () => figures().totals.position);
    perMarket('market_position_contracts', 'Position per market in contracts (+YES / -NO).', (m) => m.position);
    perMarket('market_realized_pnl_dollars', 'Realized PnL per market.', (m) => m.realizedPnl);
    perMarket('market_marked_pnl_dollars', 'Marked PnL per market.', (m) => m.markedPnl);
    perMarket('market_fees_dollars', 'Fees paid per market.', (m) => m.fees);
    perMarket('market_quoting', 'Whether the market is quoting (1) or not (0).', (m) => m.quoting);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for this sample; StateSampleError when the sample is malformed. */
  async render(state: EngineState): Promise<string> {
    // checked and converted before any collector runs, so a bad field fails the whole scrape
    // with its name rather than half-filling the output
    this.#figures = figuresOf(state);
    return this.registry.metrics();
  }
}
