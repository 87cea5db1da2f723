import { expect } from 'chai';
import type { ActorStatus } from '../../src/actors/messages.js';
import type { GatewayStatistics } from '../../src/gateway/gateway.js';
import { sampleOf, statusEvent, statusFigures } from '../../src/gateway/status-line.js';

const gateway = (framesReceived: number): GatewayStatistics => ({
  connectionsOpened: 1, framesReceived, framesRouted: framesReceived, tickersLive: 0, tickersAwaiting: 0, sequenceGaps: 0,
  deltasDroppedWhileStale: 0, slowConsumerEvents: 0, staleNotices: {}, anomalies: {},
});
const actor = (shardId: number, live: number, stale: number, intentsEmitted: number): ActorStatus => ({
  shardId, threadId: shardId + 10, tickers: { starting: 0, live, stale, closed: 0, stopped: 0 },
  framesProcessed: 0, intentsEmitted, handlerFailures: 0, refusedUpdates: 0,
});

describe('status line', () => {
  it('computes rates between samples and counts tickers of silent actors as stale', () => {
    const before = sampleOf(10_000, gateway(1_000), [actor(0, 4, 0, 100), actor(1, 5, 1, 50)]);
    const actors = [actor(0, 4, 0, 120)];
    const after = sampleOf(12_000, gateway(5_000), actors);
    const figures = statusFigures(before, after, actors, 10, 2);
    expect(figures).to.deep.equal({
      tickersTotal: 10, tickersLive: 4, staleBooks: 6, messagesPerSecond: 2_000, intentsPerSecond: 0, actorsRunning: 1, actorsTotal: 2,
    });
    const again = statusFigures(sampleOf(0, gateway(0), [actor(0, 4, 0, 100)]), sampleOf(2_000, gateway(10), [actor(0, 4, 0, 105)]), [actor(0, 4, 0, 105)], 4, 1);
    expect(again.intentsPerSecond).to.equal(2.5);
    expect(statusEvent(again).message).to.equal('tickers live 4/4, 5 msgs/s, 2.5 intents/s, stale books 0, actors 1/1');
  });
});
