/**
 * The periodic status line: tickers live, messages/s, intents/s, stale books, decision
 * latency. Rates and latencies are computed between two consecutive samples.
 */
import { combineBuckets, quantileMs } from '../actors/latency-histogram.js';
import type { ActorStatus } from '../actors/messages.js';
import type { GatewayStatistics } from '../gateway/gateway.js';
import type { RuntimeEvent } from '../log/runtime-event.js';

export interface StatusSample {
  readonly atMs: number;
  readonly framesReceived: number;
  readonly intentsEmitted: number;
  /** the actors' decision latency histograms, added up */
  readonly decisionLatency: readonly number[];
}

export interface StatusFigures {
  readonly tickersTotal: number;
  readonly tickersLive: number;
  readonly staleBooks: number;
  readonly messagesPerSecond: number;
  readonly intentsPerSecond: number;
  readonly actorsRunning: number;
  readonly actorsTotal: number;
  /** decision latency of the intents since the previous sample (ms, 10 µs buckets); null without any */
  readonly decisionP50Ms: number | null;
  readonly decisionP99Ms: number | null;
}

export function sampleOf(atMs: number, gateway: GatewayStatistics, actors: readonly ActorStatus[]): StatusSample {
  return {
    atMs,
    framesReceived: gateway.framesReceived,
    intentsEmitted: actors.reduce((sum, actor) => sum + actor.intentsEmitted, 0),
    decisionLatency: combineBuckets(actors.map((actor) => actor.decisionLatency)),
  };
}

export function statusFigures(
  previous: StatusSample,
  current: StatusSample,
  actors: readonly ActorStatus[],
  tickersTotal: number,
  actorsTotal: number,
): StatusFigures {
  const seconds = Math.max(0.001, (current.atMs - previous.atMs) / 1000);
  // an actor restarted since holds fewer counts than before: nothing below zero
  const interval = current.decisionLatency.map((count, bucket) => Math.max(0, count - (previous.decisionLatency[bucket] ?? 0)));
  let live = 0;
  let stale = 0;
  for (const actor of actors) {
    live += actor.tickers.live;
    stale += actor.tickers.stale + actor.tickers.starting;
  }
  // tickers of actors that did not answer count as stale: nothing vouches for their books
  const unanswered = tickersTotal - actors.reduce((sum, actor) => sum + Object.values(actor.tickers).reduce((a, b) => a + b, 0), 0);
  return {
    tickersTotal,
    tickersLive: live,
    staleBooks: stale + Math.max(0, unanswered),
    messagesPerSecond: Math.round((current.framesReceived - previous.framesReceived) / seconds),
    intentsPerSecond: Math.round((Math.max(0, current.intentsEmitted - previous.intentsEmitted) / seconds) * 10) / 10,
    actorsRunning: actors.length,
    actorsTotal,
    decisionP50Ms: quantileMs(interval, 0.5) ?? null,
    decisionP99Ms: quantileMs(interval, 0.99) ?? null,
  };
}

/** The status line; `trading` adds the orders and PnL summary when intents become orders. */
export function statusEvent(figures: StatusFigures, trading?: string): RuntimeEvent {
  return {
    level: 'info',
    kind: 'status',
    message:
      `tickers live ${figures.tickersLive}/${figures.tickersTotal}, ${figures.messagesPerSecond} msgs/s, ` +
      `${figures.intentsPerSecond} intents/s, stale books ${figures.staleBooks}, actors ${figures.actorsRunning}/${figures.actorsTotal}` +
      (figures.decisionP99Ms === null ? '' : `, decision p50 ${latencyText(figures.decisionP50Ms)} p99 ${latencyText(figures.decisionP99Ms)}`) +
      (trading === undefined ? '' : `; ${trading}`),
    data: { ...figures },
  };
}

function latencyText(ms: number | null): string {
  return ms === null ? '-' : Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : 'over 20 ms';
}
