import { expect } from 'chai';
import fc from 'fast-check';
import { MALFORMED_FRAME } from '../../src/sim/exchange/subscriber.js';
import { delta, harness, snapshot, subscribed } from './gateway-harness.js';

/** Connected, all three books live (book sid 1, seq 1..3), and the recordings cleared. */
function liveHarness(options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options);
  h.connect();
  h.feed(snapshot(1, 1, 'A-1'), snapshot(1, 2, 'A-2'), snapshot(1, 3, 'B-1'));
  h.posted.set(0, []);
  h.posted.set(1, []);
  h.sent.length = 0;
  h.events.length = 0;
  return h;
}

const position = (ticker: string, count: string): string =>
  JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: ticker, position_fp: count, position_cost_dollars: '1.0000' } });

interface BadInput {
  readonly name: string;
  readonly frame: string;
  readonly anomaly: string;
  /** the book sid's next seq after this frame (a frame in sequence consumes one) */
  readonly nextSeq: number;
}

const BAD_INPUTS: readonly BadInput[] = [
  { name: 'not JSON', frame: 'garbage{{', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'a frame cut off mid-JSON (the simulator fault)', frame: MALFORMED_FRAME, anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'JSON but an array', frame: '[1,2,3]', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'JSON but null', frame: 'null', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'JSON but a string', frame: '"orderbook_delta"', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'JSON but a number', frame: '42', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'an object without a type', frame: '{"sid":1,"msg":{"market_ticker":"A-1"}}', anomaly: 'malformed_frame', nextSeq: 4 },
  { name: 'an unknown message type', frame: '{"type":"mystery","sid":9,"msg":{"market_ticker":"A-1"}}', anomaly: 'unknown_type', nextSeq: 4 },
  {
    name: 'a delta without a ticker (in sequence)',
    frame: JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 4, msg: { price_dollars: '0.4000', delta_fp: '1.00', side: 'yes' } }),
    anomaly: 'malformed_frame',
    nextSeq: 5,
  },
  {
    name: 'a delta for a ticker nobody owns (the simulator fault, in sequence)',
    frame: JSON.stringify({
      type: 'orderbook_delta',
      sid: 1,
      seq: 4,
      msg: { market_ticker: 'KXSIMNONE-26JAN01-T0', price_dollars: '0.5000', delta_fp: '1.00', side: 'yes' },
    }),
    anomaly: 'unowned_ticker',
    nextSeq: 5,
  },
  {
    name: 'a ticker update for a ticker nobody owns',
    frame: JSON.stringify({ type: 'ticker', sid: 2, msg: { market_ticker: 'ZZZ-9' } }),
    anomaly: 'unowned_ticker',
    nextSeq: 4,
  },
  {
    name: 'an error reply from the server',
    frame: JSON.stringify({ type: 'error', id: 12, msg: { code: 5, msg: 'Unknown command' } }),
    anomaly: 'error_reply',
    nextSeq: 4,
  },
  { name: 'a duplicate seq', frame: delta(1, 3, 'A-1'), anomaly: 'duplicate_sequence', nextSeq: 4 },
  {
    name: 'a delta without sid and seq',
    frame: JSON.stringify({ type: 'orderbook_delta', msg: { market_ticker: 'A-1', price_dollars: '0.4000', delta_fp: '1.00', side: 'yes' } }),
    anomaly: 'missing_sequence',
    nextSeq: 4,
  },
];

describe('Gateway under bad input and faults', () => {
  for (const input of BAD_INPUTS) {
    it(`${input.name}: logged with the raw frame, counted, nothing routed, the next frame flows`, () => {
      const h = liveHarness();
      h.feed(input.frame);
      expect(h.gateway.statistics().anomalies).to.deep.equal({ [input.anomaly]: 1 });
      const logged = h.events.filter((event) => event.kind === input.anomaly);
      expect(logged).to.have.length(1);
      expect(logged[0]!.data?.frame).to.equal(input.frame);
      expect(h.framesTo(0)).to.deep.equal([]);
      expect(h.framesTo(1)).to.deep.equal([]);
      // recovered: no book went stale, and the next frame in sequence is delivered
      const next = delta(1, input.nextSeq, 'A-1');
      h.feed(next);
      expect(h.framesTo(0)).to.deep.equal([next]);
      expect(h.commandsTo(0)).to.deep.equal([]);
      expect(h.gateway.statistics()).to.include({ tickersLive: 3, sequenceGaps: 0 });
    });
  }

  it('logs a long bad frame cut to a readable length, with its full length', () => {
    const h = liveHarness();
    const long = JSON.stringify({ type: 'mystery', msg: { padding: 'x'.repeat(5_000) } });
    h.feed(long);
    const logged = String(h.events.find((event) => event.kind === 'unknown_type')?.data?.frame);
    expect(logged.startsWith(long.slice(0, 300))).to.equal(true);
    expect(logged.endsWith(`... (${long.length} chars)`)).to.equal(true);
    expect(logged.length).to.be.below(400);
  });

  it('logs every bad frame of a class at first, then one in 1000, while the count stays exact', () => {
    const h = liveHarness();
    for (let index = 0; index < 2_500; index++) h.feed('garbage{{');
    expect(h.gateway.statistics().anomalies).to.deep.equal({ malformed_frame: 2_500 });
    // the first 20, then the 1000th and the 2000th
    expect(h.events.filter((event) => event.kind === 'malformed_frame')).to.have.length(22);
  });

  it('a seq gap on the book sid: logged with the frame and counted, the books stale at once, resynchronised per snapshot', () => {
    const h = liveHarness();
    const gapFrame = delta(1, 6, 'A-1'); // 4 and 5 lost
    h.feed(gapFrame);
    const gap = h.events.find((event) => event.kind === 'sequence_gap');
    expect(gap?.data).to.include({ sid: 1, expected: 4, received: 6, booksMarkedStale: 3, frame: gapFrame });
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'sequence_gap' }]);
    expect(h.commandsTo(1)).to.deep.equal([{ kind: 'MarkStale', tickers: ['B-1'], reason: 'sequence_gap' }]);
    expect(h.framesTo(0)).to.deep.equal([]); // the frame after the gap is not applied to a stale book
    expect(h.sent).to.deep.equal([{ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['A-1', 'A-2', 'B-1'] } }]);
    expect(h.gateway.statistics()).to.deep.include({ sequenceGaps: 1, tickersLive: 0, staleNotices: { sequence_gap: 3 } });
    h.feed(snapshot(1, 7, 'A-1', 3), snapshot(1, 8, 'A-2', 3), snapshot(1, 9, 'B-1', 3), delta(1, 10, 'B-1'));
    expect(h.gateway.statistics().tickersLive).to.equal(3);
    expect(h.framesTo(1)).to.deep.equal([snapshot(1, 9, 'B-1', 3), delta(1, 10, 'B-1')]);
  });

  it('a disconnect: every live book told at once, and the count of notices is reported', () => {
    const h = liveHarness();
    h.feed(JSON.stringify({ type: 'error', sid: 1, seq: 4, msg: { code: 25, msg: 'Subscription buffer overflow' } })); // all three stale (subscription_lost)
    h.feed(snapshot(1, 1, 'A-1')); // the resubscribed sid brings A-1 back
    h.gateway.connectionClosed(1, 'closed by the server (code 1006)');
    expect(h.commandsTo(0).at(-1)).to.deep.equal({ kind: 'MarkStale', tickers: ['A-1'], reason: 'disconnected' });
    expect(h.events.find((event) => event.kind === 'connection_closed')?.data).to.include({ generation: 1, booksMarkedStale: 1 });
    expect(h.gateway.statistics().staleNotices).to.deep.equal({ subscription_lost: 3, disconnected: 1 });
  });

  it('a failure while handling a frame (a bug) is logged with the frame and resynchronises every book instead of escaping', () => {
    let failNext = false;
    const h = liveHarness({
      directory: (inner) => ({
        outbox: (shard) => {
          if (failNext) {
            failNext = false;
            throw new Error('routing table corrupted');
          }
          return inner.outbox(shard);
        },
      }),
    });
    failNext = true;
    const frame = delta(1, 4, 'A-1');
    expect(() => h.feed(frame)).not.to.throw();
    const logged = h.events.find((event) => event.kind === 'handler_failed');
    expect(logged?.message).to.contain('routing table corrupted');
    expect(logged?.data?.frame).to.equal(frame);
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'handler_failed' }]);
    expect(h.commandsTo(1)).to.deep.equal([{ kind: 'MarkStale', tickers: ['B-1'], reason: 'handler_failed' }]);
    expect(h.sent).to.have.length(1);
    h.feed(snapshot(1, 5, 'A-1', 3), delta(1, 6, 'A-1'));
    expect(h.framesTo(0)).to.deep.equal([snapshot(1, 5, 'A-1', 3), delta(1, 6, 'A-1')]);
  });

  it('never throws and never fails inside, whatever the server sends', () => {
    const knownTypes = [
      'orderbook_snapshot',
      'orderbook_delta',
      'ticker',
      'trade',
      'fill',
      'market_position',
      'market_lifecycle_v2',
      'event_lifecycle',
      'subscribed',
      'ok',
      'unsubscribed',
      'error',
      'other',
    ];
    const field = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.string({ maxLength: 4 }), fc.constant(null), fc.double(), fc.jsonValue({ maxDepth: 1 }));
    const structured = fc
      .record(
        {
          type: fc.oneof(fc.constantFrom(...knownTypes), field),
          id: field,
          sid: field,
          seq: field,
          msg: fc.oneof(
            fc.record(
              {
                market_ticker: fc.oneof(fc.constantFrom('A-1', 'A-2', 'B-1', 'ZZZ-9', ''), field),
                channel: fc.oneof(fc.constantFrom('orderbook_delta', 'trade'), field),
                sid: field,
                code: field,
                msg: field,
              },
              { requiredKeys: [] },
            ),
            field,
          ),
        },
        { requiredKeys: [] },
      )
      .map((frame) => JSON.stringify(frame));
    const cut = structured.chain((text) => fc.nat({ max: text.length }).map((length) => text.slice(0, length)));
    const anyFrame = fc.oneof(structured, cut, fc.string(), fc.json());
    fc.assert(
      fc.property(fc.array(anyFrame, { maxLength: 30 }), (frames) => {
        const h = liveHarness();
        for (const text of frames) h.gateway.frame(text);
        h.flush();
        const statistics = h.gateway.statistics();
        expect(statistics.framesReceived).to.equal(3 + frames.length + 6); // snapshots, fuzz, subscribed acks
        expect(statistics.anomalies).not.to.have.property('handler_failed');
      }),
      { numRuns: 300 },
    );
  });

  it('the first market_position after a reconnect wins: routed at once, and the one replayed to a restarted actor', () => {
    const h = liveHarness();
    h.feed(position('B-1', '3.00'));
    h.gateway.connectionClosed(1, 'closed by the server (code 1006)');
    h.gateway.connectionOpened(2);
    h.feed(subscribed(1, 'orderbook_delta', 1), subscribed(1, 'market_positions', 5));
    // the book is still waiting for its snapshot, the position is not held back
    h.feed(delta(1, 1, 'B-1'), position('B-1', '7.00'));
    expect(h.framesTo(1)).to.deep.equal([position('B-1', '3.00'), position('B-1', '7.00')]);
    // the actor dies and comes back: it gets the position of after the reconnect, not the older one
    h.gateway.actorDown(1);
    h.outboxes.set(1, undefined);
    h.posted.set(1, []);
    h.outboxes.set(1, h.makeOutbox(1));
    h.gateway.actorUp(1);
    h.flush();
    expect(h.framesTo(1)).to.deep.equal([position('B-1', '7.00')]);
  });

  it('a slow consumer gets the latest position replayed once it caught up, with the positions it missed dropped', () => {
    const h = liveHarness({ maxOutstanding: 2, resumeBelow: 0 });
    h.gateway.framesProcessed(0, 2); // the two snapshots
    h.feed(delta(1, 4, 'A-1'), delta(1, 5, 'A-1'), delta(1, 6, 'A-1')); // the third one overloads shard 0
    expect(h.commandsTo(0)).to.deep.equal([{ kind: 'MarkStale', tickers: ['A-1', 'A-2'], reason: 'slow_consumer' }]);
    h.feed(position('A-1', '2.00'), position('A-1', '4.00'));
    expect(h.framesTo(0)).to.deep.equal([delta(1, 4, 'A-1'), delta(1, 5, 'A-1')]);
    h.gateway.framesProcessed(0, 2);
    h.flush();
    expect(h.framesTo(0).slice(2)).to.deep.equal([position('A-1', '4.00')]);
    expect(h.sent.at(-1)).to.deep.equal({ id: 3, cmd: 'update_subscription', params: { sid: 1, action: 'get_snapshot', market_tickers: ['A-1', 'A-2'] } });
  });
});
