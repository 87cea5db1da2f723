import { expect } from 'chai';
import fc from 'fast-check';
import sinon from 'sinon';
import type { StrategyParams } from '../../src/config/types.js';
import type { ActorEvent, TickerSetup } from '../../src/actors/messages.js';
import { Shard, type ShardEvent } from '../../src/actors/shard.js';
import { messageJson } from '../../src/protocol/frame-scan.js';
import type { Intent } from '../../src/strategy/intent.js';
import { formatEventJson } from '../../src/log/log-event.js';
import { WallClock } from '../../src/clock/clock.js';

const PARAMS: StrategyParams = {
  min_spread: 3,
  bid_size: 5,
  exit_size: 5,
  sum_cushion: 3,
  take_profit: 2,
  quote_ttl_s: 6,
  exit_ttl_s: 20,
  max_inventory: 100,
  reduce_step: 10,
  improve: true,
  thin_queue: 50,
};

/** strategy-spec example 1: YES 42x18, 40x5; NO 54x12, 53x22 -> quote YES 5 @ 43, NO 5 @ 54 */
const snapshot = (ticker: string): string =>
  JSON.stringify({
    type: 'orderbook_snapshot',
    sid: 1,
    seq: 1,
    msg: {
      market_ticker: ticker,
      yes_dollars_fp: [
        ['0.4000', '5.00'],
        ['0.4200', '18.00'],
      ],
      no_dollars_fp: [
        ['0.5300', '22.00'],
        ['0.5400', '12.00'],
      ],
    },
  });
const delta = (ticker: string, price: string, size: string): string =>
  JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 2, msg: { market_ticker: ticker, price_dollars: price, delta_fp: size, side: 'yes' } });

function harness(setups: TickerSetup[], logLevel: 'info' | 'debug' = 'info') {
  const intents: Intent[] = [];
  const events: ShardEvent[] = [];
  const posted: ActorEvent[] = [];
  const submitted: Intent[] = [];
  const shard = new Shard(
    { shardId: 0, threadId: 1, logLevel, orders: { idPrefix: 'run-0.1-', ownOrdersInBook: true } },
    {
      intent: (intent) => intents.push(intent),
      event: (event) => events.push(event),
      post: (event) => posted.push(event),
      submit: (batch) => submitted.push(...batch),
    },
    new WallClock({ now: () => Date.now() }),
  );
  shard.addTickers(setups);
  const deliver = (...frames: string[]): void => shard.handle({ kind: 'DeliverFrames', frames });
  return { shard, intents, events, posted, submitted, deliver };
}

const resting = (intents: readonly Intent[], ticker: string): Set<string> => {
  const open = new Set<string>();
  for (const intent of intents) {
    if (intent.ticker !== ticker) continue;
    const key = `${intent.kind === 'exit' || intent.kind === 'exit_cancel' ? 'exit' : 'entry'}:${intent.side}`;
    if (intent.kind === 'quote' || intent.kind === 'reprice' || intent.kind === 'exit') open.add(key);
    if (intent.kind === 'cancel' || intent.kind === 'exit_cancel') open.delete(key);
  }
  return open;
};

describe('Shard', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  it('quotes each ticker from its own snapshot and reports credit and state', () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    const quotes = h.intents.filter((intent) => intent.kind === 'quote').map((intent) => `${intent.ticker} ${intent.side} ${intent.price} ${intent.size}`);
    expect(quotes).to.have.members(['A-1 yes 43 500', 'A-1 no 54 500', 'B-1 yes 43 500', 'B-1 no 54 500']);
    expect(h.posted[0]).to.deep.equal({ kind: 'FramesProcessed', frames: 2 });
    const states = h.posted.find((event) => event.kind === 'MakerStatesReported');
    expect(states && states.kind === 'MakerStatesReported' ? states.states.map((state) => state.ticker) : []).to.have.members(['A-1', 'B-1']);
    // the intents go to the execution actor too, each order with a client order id of this shard
    expect(h.submitted).to.deep.equal(h.intents);
    expect(h.submitted.map((intent) => intent.clientOrderId)).to.deep.equal(['run-0.1-1', 'run-0.1-2', 'run-0.1-3', 'run-0.1-4']);
    expect(h.shard.status().tickers.live).to.equal(2);
  });

  it('hands the orders of each frame to the execution actor as soon as that frame is handled, not after the whole batch', () => {
    const calls: string[][] = [];
    const shard = new Shard(
      { shardId: 0, threadId: 1, logLevel: 'info', orders: { idPrefix: 'run-0.1-', ownOrdersInBook: true } },
      {
        intent: () => undefined,
        event: () => undefined,
        post: (event) => calls.push([`post ${event.kind}`]),
        submit: (batch) => calls.push(batch.map((intent) => intent.ticker)),
      },
      new WallClock({ now: () => Date.now() }),
    );
    shard.addTickers([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    calls.length = 0;
    shard.handle({ kind: 'DeliverFrames', frames: [snapshot('A-1'), snapshot('B-1')] });
    // one submit per frame, both before the batch's reports to the gateway
    expect(calls.slice(0, 3)).to.deep.equal([['A-1', 'A-1'], ['B-1', 'B-1'], ['post FramesProcessed']]);
  });

  it('winds a leaving market down, reports it in the status, and drops it on removeTickers while the others trade on', () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    h.intents.length = 0;
    expect(h.shard.windDown(['A-1', 'X-9'], 'keep_until_flat')).to.equal(1);
    expect(h.intents.map((intent) => `${intent.ticker} ${intent.kind} ${intent.reason}`)).to.deep.equal(['A-1 cancel winding_down', 'A-1 cancel winding_down']);
    expect(h.shard.status().winding).to.deep.equal({ 'A-1': { policy: 'keep_until_flat', position: 0, resting: 0 } });
    // it no longer bids on a new top; B-1 does
    h.intents.length = 0;
    h.deliver(delta('A-1', '0.4200', '-18.00'), delta('B-1', '0.4200', '-18.00'));
    expect(h.intents.filter((intent) => intent.ticker === 'A-1')).to.deep.equal([]);
    expect(h.intents.some((intent) => intent.ticker === 'B-1')).to.equal(true);
    expect(h.shard.removeTickers(['A-1'])).to.equal(1);
    expect(h.shard.status().phases).to.deep.equal({ 'B-1': 'live' });
    expect(h.shard.status().winding).to.deep.equal({});
    expect(h.events.find((event) => event.kind === 'market_removed')?.ticker).to.equal('A-1');
    // a late frame for it is refused as not hosted, not handled
    h.deliver(delta('A-1', '0.4000', '1.00'));
    expect(h.events.some((event) => event.kind === 'frame_unreadable' || /does not host/.test(event.message))).to.equal(true);
  });

  it('cancels what a market still has resting when it is removed, and a restored leaving market winds down at once', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(snapshot('A-1'));
    h.intents.length = 0;
    h.shard.removeTickers(['A-1']);
    expect(h.intents.map((intent) => `${intent.kind} ${intent.reason}`)).to.deep.equal(['cancel shutdown', 'cancel shutdown']);
    h.shard.addTickers([{ ticker: 'C-1', params: PARAMS, windDown: 'flatten' }]);
    h.intents.length = 0;
    h.deliver(snapshot('C-1'));
    expect(h.intents).to.deep.equal([]);
    expect(h.shard.status().winding['C-1']?.policy).to.equal('flatten');
  });

  it('isolates a ticker whose frame throws: it cancels, asks for a snapshot, and the others keep running', () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    h.intents.length = 0;
    h.posted.length = 0;
    h.deliver(delta('A-1', 'not-a-price', '1.00'), delta('B-1', '0.4200', '-18.00'));
    const cancels = h.intents.filter((intent) => intent.ticker === 'A-1');
    expect(cancels.map((intent) => intent.kind)).to.have.members(['cancel', 'cancel']);
    expect(cancels.every((intent) => intent.reason === 'stale_book')).to.equal(true);
    expect(h.posted).to.deep.include({ kind: 'SnapshotRequested', tickers: ['A-1'], reason: 'handler_failed' });
    expect(h.events.find((event) => event.kind === 'ticker_isolated')?.ticker).to.equal('A-1');
    // B-1 lost its best YES level (42): it decided again (reprices)
    expect(h.intents.some((intent) => intent.ticker === 'B-1')).to.equal(true);
    const status = h.shard.status();
    expect(status.tickers).to.include({ live: 1, stale: 1 });
    expect(status.handlerFailures).to.equal(1);
    // a fresh snapshot brings A-1 back
    h.deliver(snapshot('A-1'));
    expect(h.shard.status().tickers.live).to.equal(2);
  });

  it('a delta the book refuses (level below zero) makes the ticker stale and asks for a snapshot', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(snapshot('A-1'));
    h.posted.length = 0;
    h.deliver(delta('A-1', '0.4200', '-50.00'));
    expect(h.posted).to.deep.include({ kind: 'SnapshotRequested', tickers: ['A-1'], reason: 'book_refused_update' });
    expect(resting(h.intents, 'A-1').size).to.equal(0);
    expect(h.shard.status().tickers.stale).to.equal(1);
  });

  it('marks books stale on command, cancelling what rests on them', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(snapshot('A-1'));
    h.shard.handle({ kind: 'MarkStale', tickers: ['A-1'], reason: 'sequence_gap' });
    expect(resting(h.intents, 'A-1').size).to.equal(0);
    expect(h.intents.at(-1)?.reason).to.equal('stale_book');
    h.deliver(delta('A-1', '0.4200', '1.00'));
    expect(h.intents.at(-1)?.kind).to.equal('cancel'); // no decision on a stale book
  });

  it('runs the TTL timers inside the actor', async () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(snapshot('A-1'));
    h.intents.length = 0;
    await clock.tickAsync(6_001);
    expect(h.intents.map((intent) => `${intent.kind}:${intent.reason}`)).to.include.members(['cancel:ttl', 'quote:ttl_refresh']);
  });

  it('restores a ticker from a reported state: what rested is cancelled as stale', () => {
    const first = harness([{ ticker: 'A-1', params: PARAMS }]);
    first.deliver(snapshot('A-1'));
    const report = first.posted.find((event) => event.kind === 'MakerStatesReported');
    const state = report && report.kind === 'MakerStatesReported' ? report.states[0]!.state : undefined;
    expect(state).not.to.equal(undefined);
    const second = harness([{ ticker: 'A-1', params: PARAMS, restoredState: state! }]);
    expect(second.intents.map((intent) => `${intent.kind} ${intent.side} ${intent.reason}`)).to.have.members(['cancel yes stale_book', 'cancel no stale_book']);
    expect(second.shard.status().tickers.stale).to.equal(1);
  });

  it('shuts down: everything resting is cancelled with reason shutdown, and nothing happens afterwards', async () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    const report = h.shard.stop();
    expect(report.intentsEmitted).to.equal(h.intents.length);
    expect(resting(h.intents, 'A-1').size + resting(h.intents, 'B-1').size).to.equal(0);
    expect(h.intents.filter((intent) => intent.kind === 'cancel').every((intent) => intent.reason === 'shutdown')).to.equal(true);
    const count = h.intents.length;
    h.deliver(snapshot('A-1'));
    await clock.tickAsync(60_000);
    expect(h.intents.length).to.equal(count);
    expect(h.shard.status().tickers.stopped).to.equal(2);
  });

  it('records the decision latency of the intents a delivered batch caused, from the receipt of the batch', () => {
    let nowMs = 5_000;
    const intents: Intent[] = [];
    const shard = new Shard(
      { shardId: 0, threadId: 1, logLevel: 'info' },
      { intent: (intent) => intents.push(intent), event: () => undefined, post: () => undefined },
      new WallClock({ now: () => Date.now() }),
      () => nowMs,
    );
    shard.addTickers([{ ticker: 'A-1', params: PARAMS }]);
    nowMs = 5_000.42; // the actor decides 0.42 ms after the gateway received the batch's first frame
    shard.handle({ kind: 'DeliverFrames', frames: [snapshot('A-1')], receivedAt: 5_000 });
    expect(intents).to.have.length(2);
    expect(shard.status().decisionLatency).to.deep.equal([[42, 2]]);
    // a batch without a stamp (a replay of old messages, a test) is not measured
    shard.handle({ kind: 'DeliverFrames', frames: [delta('A-1', '0.4200', '-18.00')] });
    expect(intents.length).to.be.greaterThan(2);
    expect(shard.status().decisionLatency).to.deep.equal([[42, 2]]);
  });

  const marketFrames = [
    JSON.stringify({ type: 'trade', sid: 3, seq: 1, msg: { trade_id: 't', market_ticker: 'A-1', yes_price_dollars: '0.4200', count_fp: '2.00' } }),
    JSON.stringify({ type: 'ticker', sid: 2, msg: { market_ticker: 'A-1', yes_bid_dollars: '0.4200', yes_ask_dollars: '0.4600' } }),
    JSON.stringify({
      type: 'fill',
      sid: 4,
      msg: { trade_id: 'f', order_id: 'o', market_ticker: 'A-1', is_taker: false, yes_price_dollars: '0.4300', count_fp: '5.00', outcome_side: 'yes' },
    }),
    JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: 'A-1', position_fp: '5.00', position_cost_dollars: '2.1500' } }),
  ];

  it('logs fills and positions as info events; public trades and ticker updates only at debug', () => {
    const atInfo = harness([{ ticker: 'A-1', params: PARAMS }]);
    atInfo.deliver(snapshot('A-1'), ...marketFrames);
    expect(atInfo.events.filter((event) => event.level === 'info').map((event) => event.kind)).to.deep.equal(['book_live', 'fill', 'position']);
    expect(atInfo.events.map((event) => event.kind)).to.not.include.members(['trade', 'ticker']);

    const atDebug = harness([{ ticker: 'A-1', params: PARAMS }], 'debug');
    atDebug.deliver(snapshot('A-1'), ...marketFrames);
    const marketData = atDebug.events.filter((event) => event.kind === 'trade' || event.kind === 'ticker');
    expect(marketData.map((event) => [event.kind, event.level, event.message])).to.deep.equal([
      ['trade', 'debug', '2.00 @ 0.4200'],
      ['ticker', 'debug', 'bid 0.4200 ask 0.4600'],
    ]);
    expect(atDebug.events.filter((event) => event.level === 'info').map((event) => event.kind)).to.deep.equal(['book_live', 'fill', 'position']);
  });

  it('states a fill at the price of the leg it bought', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    const fill = (side: string, yesPrice: string) =>
      JSON.stringify({
        type: 'fill',
        sid: 4,
        msg: { trade_id: `f-${side}`, order_id: 'o', market_ticker: 'A-1', is_taker: false, yes_price_dollars: yesPrice, count_fp: '3.00', outcome_side: side },
      });
    h.deliver(snapshot('A-1'), fill('no', '0.1600'), fill('yes', '0.4300'));
    expect(h.events.filter((event) => event.kind === 'fill').map((event) => event.message)).to.deep.equal(['no 3.00 @ 0.8400', 'yes 3.00 @ 0.4300']);
  });

  it('states a position with its exact size and cost', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(
      snapshot('A-1'),
      JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: 'A-1', position_fp: '-12.50', position_cost_dollars: '7.5000' } }),
      JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: 'A-1', position_fp: '0.00' } }),
    );
    expect(h.events.filter((event) => event.kind === 'position').map((event) => event.message)).to.deep.equal([
      'now -12.50 (cost 7.5000)',
      'now 0.00 (cost ?)',
    ]);
  });

  it('logs the top book levels at debug level only', () => {
    const quiet = harness([{ ticker: 'A-1', params: PARAMS }]);
    quiet.deliver(snapshot('A-1'));
    expect(quiet.events.filter((event) => event.kind === 'book')).to.deep.equal([]);
    const verbose = harness([{ ticker: 'A-1', params: PARAMS }], 'debug');
    verbose.deliver(snapshot('A-1'));
    const ladder = verbose.events.find((event) => event.kind === 'book');
    expect(ladder?.level).to.equal('debug');
    expect(ladder?.data).to.deep.equal({
      yes: [
        [42, 1800],
        [40, 500],
      ],
      no: [
        [54, 1200],
        [53, 2200],
      ],
    });
  });

  it('starts a ticker fresh, and says so, when its reported state is unusable', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS, restoredState: { broken: true } as never }]);
    expect(h.events.find((event) => event.kind === 'state_not_restored')?.ticker).to.equal('A-1');
    h.deliver(snapshot('A-1'));
    expect(h.shard.status().tickers.live).to.equal(1);
  });

  it('counts a refused update and logs it with the raw frame', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.deliver(snapshot('A-1'));
    const refused = delta('A-1', '0.4200', '-50.00');
    h.deliver(refused);
    expect(h.shard.status().refusedUpdates).to.equal(1);
    const logged = h.events.find((event) => event.kind === 'book_refused_update');
    expect(logged?.ticker).to.equal('A-1');
    expect(logged?.data?.frame).to.equal(refused);
  });

  it('isolates the ticker of a frame it cannot parse but the gateway could route, with the frame logged', () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    h.posted.length = 0;
    const broken = '{"type":"orderbook_delta","sid":1,"seq":3,"msg":{"market_ticker":"A-1"}'; // one brace short
    h.deliver(broken);
    expect(h.events.find((event) => event.kind === 'malformed_frame')?.data?.frame).to.equal(broken);
    expect(resting(h.intents, 'A-1').size).to.equal(0);
    expect(resting(h.intents, 'B-1').size).to.equal(2);
    expect(h.posted).to.deep.include({ kind: 'SnapshotRequested', tickers: ['A-1'], reason: 'handler_failed' });
    expect(h.shard.status().tickers).to.include({ live: 1, stale: 1 });
  });

  it('traces stale notices and turns to live with the number of intents emitted before each', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    const trace = (): string[] =>
      h.events.filter((event) => event.kind === 'book_stale' || event.kind === 'book_live').map((event) => `${event.kind} ${JSON.stringify(event.data)}`);
    h.deliver(snapshot('A-1')); // 2 quotes
    h.shard.handle({ kind: 'MarkStale', tickers: ['A-1'], reason: 'disconnected' }); // 2 cancels
    h.shard.handle({ kind: 'MarkStale', tickers: ['A-1'], reason: 'sequence_gap' }); // already stale: a notice, nothing to cancel
    h.deliver(snapshot('A-1')); // 2 quotes
    h.deliver(delta('A-1', '0.4200', '-50.00')); // refused: 2 cancels
    expect(h.intents.map((intent) => intent.kind)).to.deep.equal(['quote', 'quote', 'cancel', 'cancel', 'quote', 'quote', 'cancel', 'cancel']);
    expect(trace()).to.deep.equal([
      'book_live {"intentsBefore":0}',
      'book_stale {"reason":"disconnected","notice":true,"phase":"stale","intentsBefore":2}',
      'book_stale {"reason":"sequence_gap","notice":true,"phase":"stale","intentsBefore":4}',
      'book_live {"intentsBefore":4}',
      'book_stale {"reason":"level negative: yes 42 would be -32.00","notice":false,"phase":"stale","intentsBefore":6}',
    ]);
  });

  it("answers a book query with the ticker's phase and its levels in wire order", () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    expect(h.shard.book('A-1')).to.deep.equal({ phase: 'starting', book: { ticker: 'A-1', yes: [], no: [] } });
    h.deliver(snapshot('A-1'), delta('A-1', '0.4000', '-2.00'));
    expect(h.shard.book('A-1')).to.deep.equal({
      phase: 'live',
      book: {
        ticker: 'A-1',
        yes: [
          [40, 300],
          [42, 1800],
        ],
        no: [
          [53, 2200],
          [54, 1200],
        ],
      },
    });
    expect(h.shard.book('NOT-HOSTED')).to.equal(undefined);
  });

  it('the first market_position after a restart wins over the restored inventory, even before the fresh snapshot', () => {
    const position = (count: string, cost: string): string =>
      JSON.stringify({ type: 'market_position', sid: 5, msg: { market_ticker: 'A-1', position_fp: count, position_cost_dollars: cost } });
    const first = harness([{ ticker: 'A-1', params: PARAMS }]);
    first.deliver(snapshot('A-1'), position('10.00', '5.0000')); // entry 50: exit at 52
    expect(first.intents.some((intent) => intent.kind === 'exit' && intent.price === 52)).to.equal(true);
    const reports = first.posted.filter((event) => event.kind === 'MakerStatesReported');
    const lastReport = reports.at(-1);
    const state = lastReport && lastReport.kind === 'MakerStatesReported' ? lastReport.states[0]!.state : undefined;
    expect(state?.position).to.equal(1_000);
    const second = harness([{ ticker: 'A-1', params: PARAMS, restoredState: state! }]);
    second.deliver(position('20.00', '8.4000')); // strategy-spec example 5: entry 42
    expect(second.intents.filter((intent) => intent.kind !== 'cancel' && intent.kind !== 'exit_cancel')).to.deep.equal([]); // stale: nothing decided
    second.deliver(snapshot('A-1'));
    const decided = second.intents
      .filter((intent) => intent.reason !== 'stale_book')
      .map((intent) => `${intent.kind} ${intent.side} ${intent.size} @ ${intent.price}`);
    expect(decided).to.deep.equal(['quote yes 500 @ 42', 'quote no 500 @ 55', 'exit yes 500 @ 44']);
  });

  it('never throws, whatever frames it is handed', () => {
    const h = harness([
      { ticker: 'A-1', params: PARAMS },
      { ticker: 'B-1', params: PARAMS },
    ]);
    h.deliver(snapshot('A-1'), snapshot('B-1'));
    const value = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.integer({ min: -200, max: 200 }),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom('0.4200', '-1.00', '5.00', '1.0000', 'yes', 'no', '99.99'),
    );
    const frame = fc
      .record({
        type: fc.constantFrom('orderbook_snapshot', 'orderbook_delta', 'market_position', 'fill', 'market_lifecycle_v2', 'trade', 'ticker', 'other'),
        sid: fc.integer({ min: 1, max: 5 }),
        seq: fc.nat(),
        msg: fc.record(
          {
            market_ticker: fc.constantFrom('A-1', 'B-1', 'C-1'),
            price_dollars: value,
            delta_fp: value,
            side: value,
            position_fp: value,
            position_cost_dollars: value,
            yes_dollars_fp: fc.oneof(value, fc.array(fc.tuple(value, value), { maxLength: 3 })),
            no_dollars_fp: fc.oneof(value, fc.array(fc.tuple(value, value), { maxLength: 3 })),
            yes_price_dollars: value,
            count_fp: value,
            outcome_side: value,
            event_type: value,
          },
          { requiredKeys: ['market_ticker'] },
        ),
      })
      .map((record) => JSON.stringify(record));
    const cut = frame.chain((text) => fc.nat({ max: text.length }).map((length) => text.slice(0, length)));
    fc.assert(
      fc.property(fc.array(fc.oneof(frame, cut, fc.string()), { maxLength: 20 }), (frames) => {
        expect(() => h.deliver(...frames)).not.to.throw();
      }),
      { numRuns: 300 },
    );
    expect(h.shard.status().framesProcessed).to.be.greaterThan(2);
  });

  it('adds a ticker at runtime (control plane addTickers)', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }]);
    h.shard.addTickers([{ ticker: 'C-1', params: PARAMS }]);
    h.deliver(snapshot('C-1'));
    expect(h.intents.filter((intent) => intent.ticker === 'C-1' && intent.kind === 'quote')).to.have.length(2);
    expect(h.shard.status().tickers).to.include({ live: 1, starting: 1 });
  });
});

describe('Shard event data from the frame text', () => {
  const tickerMsg = {
    market_ticker: 'A-1',
    price_dollars: '0.4300',
    yes_bid_dollars: '0.4200',
    yes_ask_dollars: '0.4400',
    volume_fp: '10.00',
    ts: 1_800_000_000,
  };
  const tradeMsg = { trade_id: 'x"}{\\', market_ticker: 'A-1', yes_price_dollars: '0.4300', count_fp: '5.00', taker_side: 'yes', ts: 1_800_000_000 };
  const frameOf = (type: string, msg: object): string => JSON.stringify({ type, sid: 2, seq: 7, msg });

  it('cuts the message of a compact frame whose last key is msg', () => {
    expect(messageJson(frameOf('ticker', tickerMsg))).to.equal(JSON.stringify(tickerMsg));
    expect(messageJson(frameOf('trade', tradeMsg))).to.equal(JSON.stringify(tradeMsg));
    expect(messageJson(JSON.stringify({ msg: { nested: { a: [1, { b: '}' }] } } }))).to.equal('{"nested":{"a":[1,{"b":"}"}]}}');
  });

  it('declines frames of another shape', () => {
    expect(messageJson(JSON.stringify({ type: 'trade', msg: tradeMsg, seq: { a: 1 } }))).to.equal(undefined); // a key after msg
    expect(messageJson(JSON.stringify({ meta: { x: 1 }, msg: tradeMsg }))).to.equal(undefined); // an object before msg
    expect(messageJson(JSON.stringify({ type: 'trade', msg: tradeMsg }, null, 1))).to.equal(undefined); // not compact
    expect(messageJson(JSON.stringify({ type: 'trade', msg: 'text' }))).to.equal(undefined);
    expect(messageJson('{"type":"trade"}')).to.equal(undefined);
  });

  it("never gives text that parses to another object than the frame's msg (property)", () => {
    const value = fc.jsonValue();
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), value, fc.dictionary(fc.string(), value), (before, msg, after) => {
        for (const frame of [
          { ...before, msg },
          { ...before, msg, ...after },
        ]) {
          const text = JSON.stringify(frame);
          const cut = messageJson(text);
          if (cut !== undefined) expect(JSON.parse(cut)).to.deep.equal((JSON.parse(text) as { msg: unknown }).msg);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes ticker and trade events with the message text, the line parsing to the same object as before', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }], 'debug');
    h.deliver(frameOf('ticker', tickerMsg), frameOf('trade', tradeMsg));
    const written = h.events.filter((event) => event.kind === 'ticker' || event.kind === 'trade');
    expect(written.map((event) => event.dataJson)).to.deep.equal([JSON.stringify(tickerMsg), JSON.stringify(tradeMsg)]);
    for (const event of written) {
      const stamped = { ts: '2027-01-15T08:00:00.000Z', ...event };
      const { dataJson: _dataJson, ...before } = stamped;
      expect(JSON.parse(formatEventJson(stamped))).to.deep.equal(JSON.parse(JSON.stringify(before)));
      expect(formatEventJson(stamped)).to.equal(JSON.stringify(before));
    }
  });

  it('falls back to serializing the message when the frame has another shape', () => {
    const h = harness([{ ticker: 'A-1', params: PARAMS }], 'debug');
    h.deliver(JSON.stringify({ type: 'trade', msg: tradeMsg, seq: 7 }));
    const trade = h.events.find((event) => event.kind === 'trade')!;
    expect(trade).to.not.have.property('dataJson');
    expect(trade.data).to.deep.equal(tradeMsg);
  });
});
