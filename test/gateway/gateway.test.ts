import { expect } from 'chai';
import { delta, harness, snapshot, subscribed } from './gateway-harness.js';

describe('Gateway', () => {
  it("subscribes on connect and routes each ticker's frames to its owner, raw", () => {
    const h = harness();
    h.connect();
    expect(h.sent[0]).to.deep.equal({
      id: 1,
      cmd: 'subscribe',
      params: { channels: ['orderbook_delta', 'ticker', 'trade', 'fill', 'market_positions'], market_tickers: ['A-1', 'A-2', 'B-1'] },
    });
    const frames = [snapshot(1, 1, 'A-1'), snapshot(1, 2, 'B-1'), snapshot(1, 3, 'A-2'), delta(1, 4, 'B-1'), delta(1, 5, 'A-1')];
    h.feed(...frames);
    expect(h.framesTo(0)).to.deep.equal([frames[0], frames[2], frames[4]]);
    expect(h.framesTo(1)).to.deep.equal([frames[1], frames[3]]);
    expect(h.gateway.statistics().tickersLive).to.equal(3);
  });

  it('holds back deltas for a ticker until its snapshot arrived', () => {
    const h = harness();
    h.connect();
    h.feed(delta(1, 1, 'A-1'), snapshot(1, 2, 'A-1'), delta(1, 3, 'A-1'));
    expect(h.framesTo(0)).to.deep.equal([snapshot(1, 2, 'A-1'), delta(1, 3, 'A-1')]);
    expect(h.gateway.statistics().deltasDroppedWhileStale).to.equal(1);
  });

  it('on a book gap: marks every ticker of the sid stale at once, requests snapshots, resumes each on its snapshot', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'), snapshot(1, 3, 'B-1'));
    h.sent.length = 0;
    h.feed(delta(1, 7, 'A-1')); // 4..6 lost
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'sequence_gap' }]);
    expect(h.commandsTo(1)).to.deep.equal([{ kind: 'MarkStale', tickers: ['B-1'], reason: 'sequence_gap' }]);
    expect(h.sent).to.deep.equal([{ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['A-1', 'A-2', 'B-1'] } }]);
    expect(h.framesTo(0)).not.to.include(delta(1, 7, 'A-1'));
    // snapshots come back in sequence; deltas of tickers still waiting are dropped
    h.feed(snapshot(1, 8, 'A-1', 3), delta(1, 9, 'A-1'), delta(1, 10, 'B-1'), snapshot(1, 11, 'B-1', 3));
    expect(h.framesTo(0).slice(-2)).to.deep.equal([snapshot(1, 8, 'A-1', 3), delta(1, 9, 'A-1')]);
    expect(h.framesTo(1).slice(-1)).to.deep.equal([snapshot(1, 11, 'B-1', 3)]);
    const statistics = h.gateway.statistics();
    expect(statistics.sequenceGaps).to.equal(1);
    expect(statistics.tickersLive).to.equal(2);
  });

  it('counts control replies in the sequence: an ok on the book sid is no gap', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), JSON.stringify({ type: 'ok', id: 9, sid: 1, seq: 2, msg: { market_tickers: ['A-1'] } }), delta(1, 3, 'A-1'));
    expect(h.gateway.statistics().sequenceGaps).to.equal(0);
    expect(h.framesTo(0)).to.deep.equal([snapshot(1, 1, 'A-1'), delta(1, 3, 'A-1')]);
  });

  it('drops duplicates', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), delta(1, 2, 'A-1'), delta(1, 2, 'A-1'));
    expect(h.framesTo(0)).to.have.length(2);
    expect(h.gateway.statistics().anomalies).to.include({ duplicate_sequence: 1 });
  });

  it('only logs a gap on the trade channel: no book goes stale', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'));
    const trade = (seq: number): string =>
      JSON.stringify({ type: 'trade', sid: 3, seq, msg: { market_ticker: 'A-1', trade_id: 'x', yes_price_dollars: '0.4000', count_fp: '1.00' } });
    h.feed(trade(1), trade(5));
    expect(h.commandsTo(0)).to.deep.equal([]);
    expect(h.events.some((event) => event.kind === 'sequence_gap' && /trade/.test(event.message))).to.equal(true);
    expect(h.framesTo(0)).to.include(trade(5));
  });

  it('survives every malformed input class, counting and logging each with the raw frame', () => {
    const h = harness();
    h.connect();
    h.feed(
      'garbage{{',
      '{"no":"type"}',
      '{"type":"mystery","sid":1}',
      JSON.stringify({ type: 'orderbook_delta', msg: { market_ticker: 'A-1' } }),
      JSON.stringify({ type: 'ticker', sid: 2, msg: { market_ticker: 'ZZZ-9' } }),
      JSON.stringify({ type: 'ticker', sid: 2, msg: {} }),
      JSON.stringify({ type: 'error', id: 77, msg: { code: 8, msg: 'Unknown channel name' } }),
    );
    expect(h.gateway.statistics().anomalies).to.deep.equal({
      malformed_frame: 3,
      unknown_type: 1,
      missing_sequence: 1,
      unowned_ticker: 1,
      error_reply: 1,
    });
    const unknown = h.events.find((event) => event.kind === 'unknown_type');
    expect(unknown?.data?.frame).to.equal('{"type":"mystery","sid":1}');
    expect(h.framesTo(0)).to.deep.equal([]);
  });

  it('resubscribes a book sid killed by a terminal error, after marking its books stale', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'), snapshot(1, 3, 'B-1'));
    h.sent.length = 0;
    h.feed(JSON.stringify({ type: 'error', sid: 1, seq: 4, msg: { code: 25, msg: 'Subscription buffer overflow' } }));
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'subscription_lost' }]);
    expect(h.sent).to.have.length(1);
    expect(h.sent[0]).to.deep.include({ cmd: 'subscribe' });
    expect((h.sent[0] as { params: { channels: string[]; market_tickers: string[] } }).params).to.deep.equal({
      channels: ['orderbook_delta'],
      market_tickers: ['A-1', 'A-2', 'B-1'],
    });
  });

  it('marks every live book stale on a disconnect, and a new connection starts a new sequence space', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), delta(1, 2, 'A-1'));
    h.gateway.connectionClosed(1, 'closed by the server');
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1'], reason: 'disconnected' }]);
    h.gateway.connectionOpened(2);
    h.feed(subscribed(1, 'orderbook_delta', 1), snapshot(1, 1, 'A-1'), delta(1, 2, 'A-1'));
    expect(h.gateway.statistics().sequenceGaps).to.equal(0);
    expect(h.gateway.statistics().anomalies).to.deep.equal({});
    expect(h.framesTo(0).slice(-2)).to.deep.equal([snapshot(1, 1, 'A-1'), delta(1, 2, 'A-1')]);
  });

  it('stops feeding an actor past the credit bound, marks its books stale, and resnapshots once it caught up', () => {
    const h = harness({ maxOutstanding: 3, resumeBelow: 1 });
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'), delta(1, 3, 'A-1'));
    h.sent.length = 0;
    h.feed(delta(1, 4, 'A-2'), delta(1, 5, 'A-1'));
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'slow_consumer' }]);
    expect(h.gateway.statistics().slowConsumerEvents).to.equal(1);
    expect(h.sent).to.deep.equal([]);
    h.gateway.framesProcessed(0, 1);
    expect(h.sent).to.deep.equal([]);
    h.gateway.framesProcessed(0, 2);
    expect(h.sent).to.deep.equal([{ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['A-1', 'A-2'] } }]);
  });

  it('replays the latest position and resnapshots when a restarted actor comes up', () => {
    const h = harness();
    h.connect();
    const position = (count: string): string => JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: 'B-1', position_fp: count } });
    h.feed(snapshot(1, 1, 'B-1'), position('3.00'), position('5.00'));
    h.gateway.actorDown(1);
    h.outboxes.set(1, undefined);
    h.feed(delta(1, 2, 'B-1'));
    h.posted.set(1, []);
    h.outboxes.set(1, h.makeOutbox(1));
    h.sent.length = 0;
    h.gateway.actorUp(1);
    h.flush();
    expect(h.framesTo(1)).to.deep.equal([position('5.00')]);
    expect(h.sent).to.deep.equal([{ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['B-1'] } }]);
  });

  it('requests overdue snapshots again', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'));
    h.sent.length = 0;
    h.gateway.sweep();
    expect(h.sent).to.deep.equal([]);
    h.advance(6_000);
    h.gateway.sweep();
    expect(h.sent).to.deep.equal([{ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['B-1'] } }]);
  });

  it('asks for snapshots of tickers an actor isolated', () => {
    const h = harness();
    h.connect();
    h.feed(snapshot(1, 1, 'A-1'), delta(1, 2, 'A-1'));
    h.sent.length = 0;
    h.gateway.snapshotRequested(['A-1'], 'handler_failed');
    h.feed(delta(1, 3, 'A-1'));
    expect(h.framesTo(0)).not.to.include(delta(1, 3, 'A-1'));
    expect(h.sent).to.have.length(1);
  });
});
