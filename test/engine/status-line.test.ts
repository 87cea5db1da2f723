import { expect } from 'chai';
import type { LatencyBuckets } from '../../src/actors/latency-histogram.js';
import type { ActorStatus } from '../../src/actors/messages.js';
import type { GatewayStatistics } from '../../src/gateway/gateway.js';
import { sampleOf, statusEvent, statusFigures } from '../../src/engine/status-line.js';

const gateway = (framesReceived: number): GatewayStatistics => ({
  connectionsOpened: 1,
  framesAfterRemoval: 0,
  connectionsOpen: 1,
  connectionSlots: 1,
  framesReceived,
  framesRouted: framesReceived,
  tickersLive: 0,
  tickersAwaiting: 0,
  sequenceGaps: 0,
  deltasDroppedWhileStale: 0,
  slowConsumerEvents: 0,
  staleNotices: {},
  anomalies: {},
  receivedByType: {},
  routedByType: {},
});
const actor = (shardId: number, live: number, stale: number, intentsEmitted: number, decisionLatency: LatencyBuckets = []): ActorStatus => ({
  shardId,
  threadId: shardId + 10,
  tickers: { starting: 0, live, stale, closed: 0, stopped: 0 },
  phases: {},
  intentsByKind: {},
  framesProcessed: 0,
  intentsEmitted,
  handlerFailures: 0,
  refusedUpdates: 0,
  decisionLatency,
  winding: {},
});

describe('status line', () => {
  it('computes rates between samples and counts tickers of silent actors as stale', () => {
    const before = sampleOf(10_000, gateway(1_000), [actor(0, 4, 0, 100), actor(1, 5, 1, 50)]);
    const actors = [actor(0, 4, 0, 120)];
    const after = sampleOf(12_000, gateway(5_000), actors);
    const figures = statusFigures(before, after, actors, 10, 2);
    expect(figures).to.deep.equal({
      tickersTotal: 10,
      tickersLive: 4,
      staleBooks: 6,
      messagesPerSecond: 2_000,
      intentsPerSecond: 0,
      actorsRunning: 1,
      actorsTotal: 2,
      decisionP50Ms: null,
      decisionP99Ms: null,
    });
    const again = statusFigures(
      sampleOf(0, gateway(0), [actor(0, 4, 0, 100)]),
      sampleOf(2_000, gateway(10), [actor(0, 4, 0, 105)]),
      [actor(0, 4, 0, 105)],
      4,
      1,
    );
    expect(again.intentsPerSecond).to.equal(2.5);
    expect(statusEvent(again).message).to.equal('tickers live 4/4, 5 msgs/s, 2.5 intents/s, stale books 0, actors 1/1');
  });

  it("states the decision latency of the intents since the previous line, from every actor's histogram", () => {
    // actor 0: 3 intents at 0.1 ms before, then 95 at 0.2 ms and 1 at 0.9 ms; actor 1: 3 at 1.5 ms in the interval
    const before = sampleOf(0, gateway(0), [actor(0, 1, 0, 3, [[10, 3]]), actor(1, 1, 0, 0)]);
    const now = [
      actor(0, 1, 0, 99, [
        [10, 3],
        [20, 95],
        [90, 1],
      ]),
      actor(1, 1, 0, 3, [[150, 3]]),
    ];
    const figures = statusFigures(before, sampleOf(1_000, gateway(500), now), now, 2, 2);
    expect([figures.decisionP50Ms, figures.decisionP99Ms]).to.deep.equal([0.21, 1.51]);
    expect(statusEvent(figures).message).to.equal('tickers live 2/2, 500 msgs/s, 99 intents/s, stale books 0, actors 2/2, decision p50 0.21 ms p99 1.51 ms');
    // a restarted actor starts a new histogram: the line counts nothing below zero
    const restarted = [actor(0, 1, 0, 2, [[20, 2]]), actor(1, 1, 0, 3, [[150, 3]])];
    const later = statusFigures(sampleOf(1_000, gateway(500), now), sampleOf(2_000, gateway(900), restarted), restarted, 2, 2);
    expect([later.decisionP50Ms, later.decisionP99Ms]).to.deep.equal([null, null]);
  });
});
