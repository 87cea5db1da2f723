/**
 * The engine's state for the control server (metrics, the status page, /api/state), built
 * from one status sample: the gateway's counters, every actor's status and the execution
 * actor's (orders, PnL, risk). The sampler takes a sample on a timer; a scrape or a page
 * reads the last one and never waits on an actor.
 */
import type { ActorStatus } from '../actors/messages.js';
import { BUCKET_MS, BUCKETS, combineBuckets } from '../actors/latency-histogram.js';
import type { ControlActions, EngineState, EngineStateSource, MarketState } from '../control/engine-state.js';
import type { ExecutionMode } from '../config/types.js';
import type { ExecutionHandle } from '../execution/execution-actor.js';
import type { ExecutionStatus } from '../execution/execution-protocol.js';
import type { GatewayStatistics } from '../gateway/gateway.js';
import { hundredthsToCount, microsToDollars, ticksToDollars } from '../protocol/fixed.js';

/** Histogram bounds for the page and /metrics: the actors' 10 µs buckets summed into these. */
const LATENCY_BOUNDS_MS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20];

function latencyHistogram(actors: readonly ActorStatus[]): EngineState['decisionLatency'] {
  const fine = combineBuckets(actors.map((actor) => actor.decisionLatency));
  const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  let sumMs = 0;
  fine.forEach((count, bucket) => {
    if (count <= 0) return;
    const upperMs = bucket >= BUCKETS ? Infinity : (bucket + 1) * BUCKET_MS;
    sumMs += count * (bucket >= BUCKETS ? BUCKETS * BUCKET_MS : upperMs);
    const index = LATENCY_BOUNDS_MS.findIndex((bound) => upperMs <= bound + 1e-9);
    counts[index < 0 ? LATENCY_BOUNDS_MS.length : index]! += count;
  });
  return { boundsMs: LATENCY_BOUNDS_MS, counts, sumMs };
}

function sumRecords(records: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) for (const [key, value] of Object.entries(record)) out[key] = (out[key] ?? 0) + value;
  return out;
}

export interface StateInputs {
  readonly mode: ExecutionMode;
  readonly tickers: readonly string[];
  readonly gateway: GatewayStatistics;
  readonly connected: boolean;
  readonly actors: readonly ActorStatus[];
  readonly actorRestarts: number;
  /** markets whose actor kept dying and is not restarted */
  readonly halted?: readonly string[];
  readonly execution: ExecutionStatus | undefined;
  readonly nowMs: number;
}

export function engineState(inputs: StateInputs): EngineState {
  const { gateway, actors, execution } = inputs;
  const phases: Record<string, string> = Object.assign({}, ...actors.map((actor) => actor.phases));
  const haltedTickers = new Set(inputs.halted ?? []);
  const pnl = new Map((execution?.markets ?? []).map((market) => [market.ticker, market]));
  const ordersOf = new Map<string, MarketState['orders']>();
  for (const order of execution?.orders ?? []) {
    const list = ordersOf.get(order.ticker) ?? [];
    list.push({
      clientOrderId: order.clientOrderId,
      side: order.leg,
      action: order.action,
      price: ticksToDollars(order.price),
      size: hundredthsToCount(Math.max(0, order.remaining)),
      status: order.status,
    });
    ordersOf.set(order.ticker, list);
  }
  const riskState = execution?.risk.state ?? 'active';
  const marketRisk = new Map((execution?.risk.markets ?? []).map((market) => [market.ticker, market.state]));
  const markets: MarketState[] = inputs.tickers.map((ticker) => {
    const market = pnl.get(ticker);
    const phase = phases[ticker] ?? 'starting';
    const risk = marketRisk.get(ticker) ?? riskState;
    const state: MarketState['state'] = haltedTickers.has(ticker)
      ? 'halted'
      : phase === 'closed' || phase === 'stopped' || phase === 'starting' || phase === 'stale'
        ? phase
        : risk === 'halted' || risk === 'paused' || risk === 'reducing'
          ? risk
          : 'quoting';
    const yesBid = market?.yesBid ?? null;
    const noBid = market?.noBid ?? null;
    return {
      ticker,
      state,
      ...(yesBid !== null ? { yesBid: ticksToDollars(yesBid), noAsk: ticksToDollars(100 - yesBid) } : {}),
      ...(noBid !== null ? { noBid: ticksToDollars(noBid), yesAsk: ticksToDollars(100 - noBid) } : {}),
      orders: ordersOf.get(ticker) ?? [],
      position: hundredthsToCount(market?.position ?? 0),
      realizedPnl: microsToDollars(market?.realizedMicros ?? 0),
      markedPnl: microsToDollars(market?.netMicros ?? 0),
      fees: microsToDollars(market?.feesMicros ?? 0),
      fills: market?.fills ?? 0,
      ordersSent: market?.ordersSent.total ?? 0,
      rejects: 0,
    };
  });
  const total = execution?.total;
  const counters = execution?.counters;
  return {
    ts: new Date(inputs.nowMs).toISOString(),
    mode: inputs.mode,
    risk: riskState === 'paused' ? 'reducing' : riskState,
    connection: {
      connected: inputs.connected,
      reconnects: Math.max(0, gateway.connectionsOpened - 1),
      sequenceGaps: gateway.sequenceGaps,
      resyncs: Object.values(gateway.staleNotices).reduce((sum, count) => sum + count, 0),
      staleBooks: markets.filter((market) => market.state === 'stale' || market.state === 'starting').length,
    },
    frames: { received: { ...gateway.receivedByType }, routed: { ...gateway.routedByType } },
    intents: sumRecords(actors.map((actor) => actor.intentsByKind)),
    orders: {
      sent: { ...(counters?.requests ?? {}) },
      rejects: { ...(counters?.rejects ?? {}) },
      fills: counters?.fills ?? 0,
      rateLimited: counters?.rateLimited ?? 0,
      tokensSpent: counters?.tokensSpent ?? 0,
      tokensLeft: counters?.tokensLeft ?? 0,
    },
    decisionLatency: latencyHistogram(actors),
    actorRestarts: inputs.actorRestarts,
    totals: {
      realizedPnl: microsToDollars(total?.realizedMicros ?? 0),
      markedPnl: microsToDollars(total?.netMicros ?? 0),
      fees: microsToDollars(total?.feesMicros ?? 0),
      exposure: microsToDollars(execution?.risk.exposureMicros ?? total?.costMicros ?? 0),
      position: hundredthsToCount(total?.absPosition ?? 0),
    },
    markets,
    recentFills: [...(execution?.recentFills ?? [])].reverse().map((fill) => ({
      ts: fill.ts,
      ticker: fill.ticker,
      side: fill.side,
      action: fill.action,
      price: fill.price,
      count: fill.count,
      fee: fill.fee,
      is_taker: fill.is_taker,
    })),
    recentRejects: [...(execution?.recentRejects ?? [])].reverse(),
  };
}

/** The last sample, for the control server. */
export class StateSampler implements EngineStateSource {
  #latest: EngineState;

  constructor(initial: EngineState) {
    this.#latest = initial;
  }

  update(state: EngineState): void {
    this.#latest = state;
  }

  latest(): EngineState {
    return this.#latest;
  }
}

/** The control API's actions, carried out by the execution actor (in announce mode nothing trades, so nothing to do). */
export function controlActions(
  execution: ExecutionHandle | undefined,
  afterwards: () => void,
  reload: () => Promise<{ ok: boolean; message: string }> = async () => ({ ok: false, message: 'reload is not available' }),
): ControlActions {
  return {
    async perform(action, ticker, who) {
      if (action === 'reload') {
        const result = await reload();
        afterwards();
        return { ok: result.ok, message: result.message };
      }
      if (!execution) return { ok: false, message: `execution.mode announce sends no orders: nothing to ${action}` };
      const result = await execution.control(action, ticker, who);
      afterwards();
      return result;
    },
  };
}
