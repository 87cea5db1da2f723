import { expect } from 'chai';
import fc from 'fast-check';
import { CalibrationError, calibrationTickers, entryLatencies, matchFills, parseOptions, withoutOwnOrders } from '../../scripts/calibrate.js';
import type { Fill } from '../../src/portfolio/fill.js';
import { decodeDelta, decodeSnapshot } from '../../src/protocol/decode.js';
import { hundredthsToCount, ticksToDollars } from '../../src/protocol/fixed.js';
import type { Side } from '../../src/protocol/wire.js';
import type { RecordingEntry } from '../../src/replay/recording-format.js';
import { defaultFeeSchedule } from '../../src/sim/defaults.js';

const TICKER = 'KXTEST-26DEC31-T50';
const T0 = Date.UTC(2026, 11, 1);

/** Frames of one market in the simulator's current wire format. */
class Feed {
  readonly entries: RecordingEntry[] = [];
  private seq = 0;
  private ms = T0;

  private push(type: string, msg: Record<string, unknown>, withSeq = true): void {
    this.ms += 1;
    const frame = withSeq ? { type, sid: 1, seq: ++this.seq, msg: { ...msg, ts_ms: this.ms } } : { type, sid: 2, msg: { ...msg, ts_ms: this.ms } };
    this.entries.push({ kind: 'frame', receivedAtMs: this.ms, text: JSON.stringify(frame) });
  }

  snapshot(yes: Array<[number, number]>, no: Array<[number, number]>): this {
    const levels = (side: Array<[number, number]>): string[][] => side.map(([price, size]) => [ticksToDollars(price), hundredthsToCount(size)]);
    this.push('orderbook_snapshot', { market_ticker: TICKER, market_id: 'm-1', yes_dollars_fp: levels(yes), no_dollars_fp: levels(no) });
    return this;
  }

  delta(side: Side, price: number, delta: number, clientOrderId?: string): this {
    this.push('orderbook_delta', {
      market_ticker: TICKER,
      market_id: 'm-1',
      price_dollars: ticksToDollars(price),
      delta_fp: hundredthsToCount(delta),
      side,
      ...(clientOrderId !== undefined ? { client_order_id: clientOrderId } : {}),
    });
    return this;
  }

  private trades = 0;

  /** a public trade against the makers of `side` at `price` (on that leg); `tradeId` defaults to a new one */
  trade(side: Side, price: number, count: number, tradeId = `t-${++this.trades}`): this {
    const yesPrice = side === 'yes' ? price : 100 - price;
    this.push(
      'trade',
      {
        trade_id: tradeId,
        market_ticker: TICKER,
        yes_price_dollars: ticksToDollars(yesPrice),
        no_price_dollars: ticksToDollars(100 - yesPrice),
        count_fp: hundredthsToCount(count),
        taker_side: side === 'yes' ? 'no' : 'yes',
      },
      false,
    );
    return this;
  }

  /** our resting bid on `side` at `price` filled by the trade `tradeId` (the private fill frame) */
  ownFill(side: Side, price: number, count: number, tradeId: string): this {
    const yesPrice = side === 'yes' ? price : 100 - price;
    this.push(
      'fill',
      {
        trade_id: tradeId,
        order_id: 'o',
        client_order_id: 'c-1',
        market_ticker: TICKER,
        is_taker: false,
        side,
        action: 'buy',
        yes_price_dollars: ticksToDollars(yesPrice),
        count_fp: hundredthsToCount(count),
        purchased_side: side,
      },
      false,
    );
    this.push('market_position', { market_ticker: TICKER, position_fp: '0.00' }, false);
    return this;
  }
}

type Book = Record<Side, Map<number, number>>;

/** The book an output recording builds: its snapshots and deltas applied in order. */
function replayBook(entries: readonly RecordingEntry[]): Book {
  const book: Book = { yes: new Map(), no: new Map() };
  for (const entry of entries) {
    if (entry.kind !== 'frame') continue;
    const frame = JSON.parse(entry.text) as { type: string; msg: Record<string, unknown> };
    if (frame.type === 'orderbook_snapshot') {
      const snapshot = decodeSnapshot(frame.msg as never);
      for (const side of ['yes', 'no'] as const) {
        book[side].clear();
        for (const [price, size] of snapshot[side]) book[side].set(price, size);
      }
    } else if (frame.type === 'orderbook_delta') {
      const delta = decodeDelta(frame.msg as never);
      expect(delta.own, 'no delta of the output carries a client order id').to.equal(undefined);
      const size = (book[delta.side].get(delta.price) ?? 0) + delta.delta;
      expect(size, `level ${delta.side} ${delta.price} stays non-negative`).to.be.at.least(0);
      if (size === 0) book[delta.side].delete(delta.price);
      else book[delta.side].set(delta.price, size);
    }
  }
  return book;
}

function types(entries: readonly RecordingEntry[]): string[] {
  return entries.flatMap((entry) => (entry.kind === 'frame' ? [(JSON.parse(entry.text) as { type: string }).type] : []));
}

describe('scripts/calibrate: the feed without our orders', () => {
  it('drops our resting deltas, takes our filled size out of the decrease that carried it, keeps every trade', () => {
    const feed = new Feed()
      .snapshot([[40, 1000]], [[55, 800]])
      .delta('yes', 40, 500, 'c-1') // our bid rests behind 10 contracts
      .delta('yes', 40, 300) // someone joins behind us
      // a taker sells 18: 10 ahead of us, our 5, then 3 of the one behind
      .delta('yes', 40, -1800)
      .trade('yes', 40, 1000)
      .trade('yes', 40, 500, 'ours')
      .trade('yes', 40, 300)
      .ownFill('yes', 40, 500, 'ours');
    const { entries, stats } = withoutOwnOrders(feed.entries);
    const book = replayBook(entries);
    expect([...book.yes]).to.deep.equal([]); // 10 + 3 of others, all traded
    expect([...book.no]).to.deep.equal([[55, 800]]);
    expect(types(entries)).to.deep.equal(['orderbook_snapshot', 'orderbook_delta', 'orderbook_delta', 'trade', 'trade', 'trade']);
    const decrease = decodeDelta((JSON.parse((entries[2] as { text: string }).text) as { msg: never }).msg);
    expect(decrease.delta).to.equal(-1300);
    expect(stats).to.include({ ownDeltas: 1, ownMakerFills: 1, ownMakerFillsPaired: 1, privateFrames: 2, ownTaking: 0, snapshotsAdjusted: 0 });
  });

  it('two takers in a row fill our order in two pieces: each piece comes off its own decrease', () => {
    // as the simulator sends it: decrease, trade, decrease, trade, then both fills
    const feed = new Feed()
      .snapshot([[94, 0]], [])
      .delta('yes', 94, 500, 'c-1')
      .delta('yes', 94, 100)
      .delta('yes', 94, -200)
      .trade('yes', 94, 200, 'a')
      .delta('yes', 94, -400)
      .trade('yes', 94, 300, 'b')
      .trade('yes', 94, 100, 'c')
      .ownFill('yes', 94, 200, 'a')
      .ownFill('yes', 94, 300, 'b');
    const { entries, stats } = withoutOwnOrders(feed.entries);
    expect(stats).to.include({ ownMakerFills: 2, ownMakerFillsPaired: 2 });
    const changes = entries.flatMap((entry) => {
      const frame = JSON.parse((entry as { text: string }).text) as { type: string; msg: never };
      return frame.type === 'orderbook_delta' ? [decodeDelta(frame.msg).delta] : [];
    });
    expect(changes).to.deep.equal([100, -100]); // the others' 1 contract joins, then trades; our 5 never show
    expect([...replayBook(entries).yes]).to.deep.equal([]);
  });

  it('takes what we had resting out of a later snapshot, and a cancel of ours leaves no trace', () => {
    const feed = new Feed()
      .snapshot([[40, 1000]], [])
      .delta('no', 58, 500, 'c-1')
      .delta('no', 58, 200)
      .snapshot([[40, 1000]], [[58, 700]]) // a resync: our 5 are in the level
      .delta('no', 58, -500, 'c-1');
    const { entries, stats } = withoutOwnOrders(feed.entries);
    expect([...replayBook(entries).no]).to.deep.equal([[58, 200]]);
    const snapshot = decodeSnapshot((JSON.parse((entries[2] as { text: string }).text) as { msg: never }).msg);
    expect(snapshot.no).to.deep.equal([[58, 200]]);
    expect(stats.snapshotsAdjusted).to.equal(1);
    expect(types(entries)).to.deep.equal(['orderbook_snapshot', 'orderbook_delta', 'orderbook_snapshot']);
  });

  it("keeps the part of an own decrease beyond our resting size: our order took others' contracts", () => {
    const feed = new Feed().snapshot([], [[60, 1000]]).delta('no', 60, -400, 'c-2');
    const { entries, stats } = withoutOwnOrders(feed.entries);
    expect([...replayBook(entries).no]).to.deep.equal([[60, 600]]);
    expect(stats.ownTaking).to.equal(1);
  });

  it('refuses the integer-cent wire format with a message naming the frame', () => {
    const legacy: RecordingEntry = {
      kind: 'frame',
      receivedAtMs: T0,
      text: JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 1, msg: { market_ticker: TICKER, price: 40, delta: 5, side: 'yes' } }),
    };
    expect(() => withoutOwnOrders([legacy])).to.throw(CalibrationError, /frame 1: the integer-cent wire format/);
  });

  it("property: the output book is always the others' book, whatever our orders did", () => {
    type Step =
      | { kind: 'crowd'; side: Side; price: number; size: number }
      | { kind: 'rest'; side: Side; price: number; size: number }
      | { kind: 'cancel'; side: Side; price: number }
      | { kind: 'sweep'; side: Side; price: number; share: number; ourFirst: boolean };
    const side = fc.constantFrom<Side>('yes', 'no');
    const price = fc.integer({ min: 40, max: 43 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('crowd' as const), side, price, size: fc.integer({ min: -3000, max: 3000 }) }),
      fc.record({ kind: fc.constant('rest' as const), side, price, size: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('cancel' as const), side, price }),
      fc.record({ kind: fc.constant('sweep' as const), side, price, share: fc.double({ min: 0, max: 1, noNaN: true }), ourFirst: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const crowd: Book = { yes: new Map([[40, 1000]]), no: new Map([[41, 500]]) };
        const own: Book = { yes: new Map(), no: new Map() };
        const feed = new Feed().snapshot([[40, 1000]], [[41, 500]]);
        const get = (book: Book, s: Side, p: number): number => book[s].get(p) ?? 0;
        const set = (book: Book, s: Side, p: number, n: number): void => void (n > 0 ? book[s].set(p, n) : book[s].delete(p));
        let fills = 0;
        let held: Array<{ side: Side; price: number; count: number; tradeId: string }> = [];
        const flush = (): void => {
          for (const fill of held) feed.ownFill(fill.side, fill.price, fill.count, fill.tradeId);
          held = [];
        };
        for (const st of steps) {
          if (st.kind === 'crowd') {
            const change = Math.max(st.size, -get(crowd, st.side, st.price));
            if (change === 0) continue;
            set(crowd, st.side, st.price, get(crowd, st.side, st.price) + change);
            feed.delta(st.side, st.price, change);
          } else if (st.kind === 'rest') {
            set(own, st.side, st.price, get(own, st.side, st.price) + st.size);
            feed.delta(st.side, st.price, st.size, 'c-1');
          } else if (st.kind === 'cancel') {
            const ours = get(own, st.side, st.price);
            if (ours === 0) continue;
            set(own, st.side, st.price, 0);
            feed.delta(st.side, st.price, -ours, 'c-1');
          } else {
            // a taker trades part of the level: ours and the others' in some order, as the simulator sends it
            const ours = get(own, st.side, st.price);
            const others = get(crowd, st.side, st.price);
            const total = Math.floor((ours + others) * st.share);
            if (total === 0) continue;
            const oursTaken = st.ourFirst ? Math.min(ours, total) : Math.max(0, total - others);
            const othersTaken = total - oursTaken;
            set(own, st.side, st.price, ours - oursTaken);
            set(crowd, st.side, st.price, others - othersTaken);
            feed.delta(st.side, st.price, -total);
            if (othersTaken > 0) feed.trade(st.side, st.price, othersTaken);
            if (oursTaken > 0) {
              // our fill comes after the takers of the same step (held until a step that is not a sweep)
              const tradeId = `ours-${fills}`;
              feed.trade(st.side, st.price, oursTaken, tradeId);
              held.push({ side: st.side, price: st.price, count: oursTaken, tradeId });
              fills += 1;
            }
            continue;
          }
          flush();
        }
        flush();
        const { entries, stats } = withoutOwnOrders(feed.entries);
        const book = replayBook(entries);
        for (const s of ['yes', 'no'] as const) expect([...book[s]].sort(), s).to.deep.equal([...crowd[s]].sort());
        expect(stats.ownMakerFillsPaired).to.equal(fills);
        expect(types(entries).filter((type) => type === 'trade').length, 'every trade is kept').to.equal(
          types(feed.entries).filter((type) => type === 'trade').length,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('scripts/calibrate: comparing fills', () => {
  const fill = (tsMs: number, price: number, count = 500, side: 'yes' | 'no' = 'yes', action: 'buy' | 'sell' = 'buy'): Fill => ({
    tsMs,
    ticker: TICKER,
    orderId: 'o',
    side,
    action,
    price,
    count,
    feeMicros: 0,
    isTaker: false,
  });

  it('pairs fills of the same market, leg, action and price within the window, each once', () => {
    const truth = [fill(1000, 40), fill(2000, 40), fill(3000, 41), fill(4000, 42, 500, 'no')];
    const model = [fill(1200, 40), fill(1300, 40, 200), fill(3500, 41, 500, 'yes', 'sell'), fill(9000, 42, 500, 'no'), fill(4100, 42, 500, 'no')];
    // 1000~1200, 2000~1300 (700 ms), 4000~4100; 3000 has a sell at its price, not a buy; 9000 is too late
    const match = matchFills(truth, model, 800);
    expect(match.matched).to.equal(3);
    expect(match.matchedVolume).to.equal(500 + 500 + 200);
    expect(match.recall).to.equal(0.75);
    expect(match.precision).to.equal(0.6);
    expect(match.medianLagMs).to.equal(200);
  });

  it('with nothing to compare: recall and precision 1, no lag', () => {
    expect(matchFills([], [], 1000)).to.deep.equal({ matched: 0, matchedVolume: 0, recall: 1, precision: 1, medianLagMs: null });
  });

  it('measures decision to resting per order from the intents file and the own deltas', () => {
    const feed = new Feed()
      .snapshot([[40, 1000]], [])
      .delta('yes', 40, 500, 'c-1')
      .delta('yes', 40, -500, 'c-1');
    const decidedMs = T0 - 5;
    const intents = [
      JSON.stringify({ ts: new Date(decidedMs).toISOString(), ticker: TICKER, kind: 'quote', client_order_id: 'c-1' }),
      JSON.stringify({ ts: new Date(T0).toISOString(), kind: 'cancel', client_order_id: 'c-1' }),
      '',
    ];
    expect(entryLatencies(intents, feed.entries)).to.deep.equal([T0 + 2 - decidedMs]);
  });
});

describe('scripts/calibrate: options', () => {
  it('has bounded defaults and refuses bad values with the flag named', () => {
    const options = parseOptions([], Date.UTC(2026, 11, 4, 3, 0, 0));
    expect(options).to.include({ seconds: 60, markets: 24, ratePerMarket: 10, seed: 1, windowMs: 1000 });
    expect(options.latencies).to.deep.equal([0, 50]);
    expect(options.out).to.match(/logs\/calibration\/2026-12-04T03-00-00Z$/);
    expect(() => parseOptions(['--seconds', '2'], 0)).to.throw(CalibrationError, /--seconds must be a whole number of at least 5/);
    expect(() => parseOptions(['--seconds', '601'], 0)).to.throw(CalibrationError, /at most 600/);
    expect(() => parseOptions(['--latencies', '0,x'], 0)).to.throw(CalibrationError, /--latencies/);
    expect(() => parseOptions(['--frobnicate'], 0)).to.throw(CalibrationError, /frobnicate/);
    expect(() => parseOptions(['--config', '/nonexistent/x.json'], 0)).to.throw(CalibrationError, /file not found/);
  });

  it('names distinct markets in series the simulator charges alike', () => {
    const tickers = calibrationTickers(40);
    expect(new Set(tickers).size).to.equal(40);
    expect(new Set(tickers.map((ticker) => JSON.stringify(defaultFeeSchedule(ticker.split('-')[0]!)))).size).to.equal(1);
  });
});
