import { expect } from 'chai';
import { OrderBook } from '../../src/book/order-book.js';
import type { BookDelta, BookSnapshot } from '../../src/protocol/decode.js';
import { decodeDelta, decodeSnapshot } from '../../src/protocol/decode.js';

const TICKER = 'KXTEST-26JAN01-T50';

/** YES 42x18, 40x5; NO 54x12, 53x22 (sizes in hundredths). */
function exampleSnapshot(): BookSnapshot {
  return {
    ticker: TICKER,
    yes: [
      [40, 500],
      [42, 1800],
    ],
    no: [
      [53, 2200],
      [54, 1200],
    ],
  };
}

function delta(side: 'yes' | 'no', price: number, size: number, ticker = TICKER): BookDelta {
  return { ticker, side, price, delta: size };
}

function bookWithExample(seq?: number): OrderBook {
  const book = new OrderBook(TICKER);
  book.applySnapshot(exampleSnapshot(), seq);
  return book;
}

describe('OrderBook', () => {
  describe('before the first snapshot', () => {
    it('is stale, has no snapshot and no levels', () => {
      const book = new OrderBook(TICKER);
      expect(book.ticker).to.equal(TICKER);
      expect(book.stale).to.equal(true);
      expect(book.staleReason).to.equal('no snapshot yet');
      expect(book.hasSnapshot).to.equal(false);
      expect(book.snapshotCount).to.equal(0);
      expect(book.bestBid('yes')).to.equal(undefined);
      expect(book.spread()).to.equal(undefined);
      expect(book.lastSeq).to.equal(undefined);
    });

    it('refuses a delta with "delta before snapshot"', () => {
      const book = new OrderBook(TICKER);
      expect(book.applyDelta(delta('yes', 42, 100), 3)).to.equal(false);
      expect(book.stale).to.equal(true);
      expect(book.staleReason).to.equal('delta before snapshot');
      expect(book.sizeAt('yes', 42)).to.equal(0);
    });
  });

  describe('snapshots', () => {
    it('replaces both ladders, clears the stale mark and records the seq', () => {
      const book = bookWithExample(7);
      expect(book.stale).to.equal(false);
      expect(book.staleReason).to.equal(undefined);
      expect(book.hasSnapshot).to.equal(true);
      expect(book.snapshotCount).to.equal(1);
      expect(book.lastSeq).to.equal(7);
      expect(book.bestBid('yes')).to.deep.equal({ price: 42, size: 1800 });
      expect(book.bestBid('no')).to.deep.equal({ price: 54, size: 1200 });

      book.applySnapshot({ ticker: TICKER, yes: [[30, 100]], no: [] }, 9);
      expect(book.bestBid('yes')).to.deep.equal({ price: 30, size: 100 });
      expect(book.sizeAt('yes', 42)).to.equal(0);
      expect(book.bestBid('no')).to.equal(undefined);
      expect(book.snapshotCount).to.equal(2);
      expect(book.lastSeq).to.equal(9);
    });

    it('drops levels with size <= 0 and adds up a price listed twice', () => {
      const book = new OrderBook(TICKER);
      book.applySnapshot({
        ticker: TICKER,
        yes: [
          [41, 0],
          [42, -300],
          [40, 250],
          [40, 150],
        ],
        no: [],
      });
      expect(book.topLevels('yes', 10)).to.deep.equal([[40, 400]]);
    });

    it('makes the book stale again after a stale mark, and a snapshot clears it', () => {
      const book = bookWithExample();
      book.markStale('seq gap on sid 4');
      expect(book.stale).to.equal(true);
      book.applySnapshot(exampleSnapshot());
      expect(book.stale).to.equal(false);
    });

    it('refuses a snapshot for another ticker', () => {
      const book = bookWithExample();
      book.applySnapshot({ ticker: 'OTHER-1', yes: [[10, 100]], no: [] });
      expect(book.stale).to.equal(true);
      expect(book.staleReason).to.equal('message for another ticker: snapshot for OTHER-1');
      expect(book.sizeAt('yes', 10)).to.equal(0);
    });

    it('refuses a malformed snapshot and empties the book', () => {
      const book = bookWithExample();
      book.applySnapshot({ ticker: TICKER, yes: [[101, 100]], no: [] });
      expect(book.stale).to.equal(true);
      expect(book.staleReason).to.match(/^bad snapshot: yes level \[101,100\]/);
      expect(book.bestBid('yes')).to.equal(undefined);
      book.applySnapshot({ ticker: TICKER, yes: [[10, 1.5]], no: [] });
      expect(book.staleReason).to.match(/^bad snapshot/);
    });
  });

  describe('deltas', () => {
    it('adds to a level, creates a level and removes a level at zero', () => {
      const book = bookWithExample();
      expect(book.applyDelta(delta('yes', 42, 200))).to.equal(true);
      expect(book.sizeAt('yes', 42)).to.equal(2000);
      expect(book.applyDelta(delta('no', 50, 700))).to.equal(true);
      expect(book.sizeAt('no', 50)).to.equal(700);
      expect(book.applyDelta(delta('no', 50, -700))).to.equal(true);
      expect(book.topLevels('no', 5)).to.deep.equal([
        [54, 1200],
        [53, 2200],
      ]);
    });

    it('moves the best bid up on a higher level and down when the best level empties', () => {
      const book = bookWithExample();
      book.applyDelta(delta('yes', 45, 300));
      expect(book.bestBid('yes')).to.deep.equal({ price: 45, size: 300 });
      book.applyDelta(delta('yes', 45, -300));
      expect(book.bestBid('yes')).to.deep.equal({ price: 42, size: 1800 });
      book.applyDelta(delta('yes', 42, -1800));
      expect(book.bestBid('yes')).to.deep.equal({ price: 40, size: 500 });
      book.applyDelta(delta('yes', 40, -500));
      expect(book.bestBid('yes')).to.equal(undefined);
      expect(book.spread()).to.equal(undefined);
      book.applyDelta(delta('yes', 1, 100));
      expect(book.bestBid('yes')).to.deep.equal({ price: 1, size: 100 });
    });

    it('keeps fractional sizes exact', () => {
      const book = bookWithExample();
      book.applyDelta(delta('yes', 42, 1));
      book.applyDelta(delta('yes', 42, 2));
      book.applyDelta(delta('yes', 42, -1));
      expect(book.sizeAt('yes', 42)).to.equal(1802);
      book.applyDelta(delta('no', 10, 33));
      book.applyDelta(delta('no', 10, -33));
      expect(book.sizeAt('no', 10)).to.equal(0);
    });

    it('refuses a delta that drives a level below zero and keeps the level as it was', () => {
      const book = bookWithExample();
      expect(book.applyDelta(delta('yes', 40, -501))).to.equal(false);
      expect(book.stale).to.equal(true);
      expect(book.staleReason).to.equal('level negative: yes 40 would be -0.01');
      expect(book.sizeAt('yes', 40)).to.equal(500);
      expect(book.applyDelta(delta('no', 11, -100))).to.equal(false);
    });

    it('treats a seq at or below the last applied one as "seq went backwards"', () => {
      const book = bookWithExample(10);
      expect(book.applyDelta(delta('yes', 42, 100), 14)).to.equal(true);
      expect(book.lastSeq).to.equal(14);
      expect(book.applyDelta(delta('yes', 42, 100), 14)).to.equal(false);
      expect(book.staleReason).to.equal('seq went backwards: 14 after 14');
      expect(book.sizeAt('yes', 42)).to.equal(1900);

      const other = bookWithExample(10);
      expect(other.applyDelta(delta('yes', 42, 100), 9)).to.equal(false);
      expect(other.staleReason).to.equal('seq went backwards: 9 after 10');
    });

    it('accepts seqs that skip numbers (one sid carries many markets)', () => {
      const book = bookWithExample(10);
      expect(book.applyDelta(delta('yes', 42, 100), 15)).to.equal(true);
      expect(book.applyDelta(delta('yes', 42, 100), 40)).to.equal(true);
      expect(book.applyDelta(delta('yes', 42, 100))).to.equal(true);
      expect(book.lastSeq).to.equal(40);
      expect(book.stale).to.equal(false);
    });

    it('refuses a delta for another ticker', () => {
      const book = bookWithExample();
      expect(book.applyDelta(delta('yes', 42, 100, 'OTHER-1'))).to.equal(false);
      expect(book.staleReason).to.equal('message for another ticker: delta for OTHER-1');
      expect(book.sizeAt('yes', 42)).to.equal(1800);
    });

    it('refuses malformed prices and sizes', () => {
      const cases: BookDelta[] = [
        delta('yes', 101, 100),
        delta('yes', -1, 100),
        delta('yes', 42.5, 100),
        delta('yes', 42, 0.5),
        delta('yes', 42, Number.NaN),
        { ticker: TICKER, side: 'maybe' as 'yes', price: 42, delta: 100 },
      ];
      for (const bad of cases) {
        const book = bookWithExample();
        expect(book.applyDelta(bad), JSON.stringify(bad)).to.equal(false);
        expect(book.staleReason).to.match(/^bad delta: /);
        expect(book.sizeAt('yes', 42)).to.equal(1800);
      }
    });

    it('refuses every delta while stale, keeping the first reason, until a snapshot', () => {
      const book = bookWithExample();
      book.markStale('seq gap on sid 4: expected 8, got 9');
      book.markStale('disconnected');
      expect(book.applyDelta(delta('yes', 42, 100))).to.equal(false);
      expect(book.staleReason).to.equal('seq gap on sid 4: expected 8, got 9');
      expect(book.sizeAt('yes', 42)).to.equal(1800);
      book.applySnapshot(exampleSnapshot());
      expect(book.applyDelta(delta('yes', 42, 100))).to.equal(true);
    });
  });

  describe('queries', () => {
    it('derives asks and the spread from the best bids (spec section 1)', () => {
      const book = bookWithExample();
      expect(book.yesAsk()).to.deep.equal({ price: 46, size: 1200 });
      expect(book.noAsk()).to.deep.equal({ price: 58, size: 1800 });
      expect(book.spread()).to.equal(4);
      expect(book.isCrossed()).to.equal(false);
    });

    it('detects locked and crossed books', () => {
      const book = new OrderBook(TICKER);
      book.applySnapshot({ ticker: TICKER, yes: [[46, 100]], no: [[54, 100]] });
      expect(book.spread()).to.equal(0);
      expect(book.isCrossed()).to.equal(true);
      book.applyDelta(delta('yes', 48, 100));
      expect(book.spread()).to.equal(-2);
      expect(book.isCrossed()).to.equal(true);
      book.applyDelta(delta('yes', 48, -100));
      book.applyDelta(delta('yes', 46, -100));
      expect(book.isCrossed()).to.equal(false);
    });

    it('has no asks on an empty ladder', () => {
      const book = new OrderBook(TICKER);
      book.applySnapshot({ ticker: TICKER, yes: [[42, 100]], no: [] });
      expect(book.yesAsk()).to.equal(undefined);
      expect(book.noAsk()).to.deep.equal({ price: 58, size: 100 });
      expect(book.spread()).to.equal(undefined);
      expect(book.isCrossed()).to.equal(false);
    });

    it('lists the top levels best first and at most n of them', () => {
      const book = bookWithExample();
      book.applyDelta(delta('yes', 10, 700));
      expect(book.topLevels('yes', 2)).to.deep.equal([
        [42, 1800],
        [40, 500],
      ]);
      expect(book.topLevels('yes', 10)).to.deep.equal([
        [42, 1800],
        [40, 500],
        [10, 700],
      ]);
      expect(book.topLevels('yes', 0)).to.deep.equal([]);
    });

    it('answers size 0 for empty or impossible prices', () => {
      const book = bookWithExample();
      expect(book.sizeAt('yes', 41)).to.equal(0);
      expect(book.sizeAt('yes', 101)).to.equal(0);
      expect(book.sizeAt('yes', -3)).to.equal(0);
      expect(book.sizeAt('yes', 40.5)).to.equal(0);
    });

    it('exports a snapshot in ascending order that rebuilds the same book', () => {
      const book = bookWithExample();
      book.applyDelta(delta('no', 1, 5));
      book.applyDelta(delta('no', 99, 7));
      const exported = book.toSnapshot();
      expect(exported).to.deep.equal({
        ticker: TICKER,
        yes: [
          [40, 500],
          [42, 1800],
        ],
        no: [
          [1, 5],
          [53, 2200],
          [54, 1200],
          [99, 7],
        ],
      });
      const copy = new OrderBook(TICKER);
      copy.applySnapshot(exported);
      expect(copy.toSnapshot()).to.deep.equal(exported);
    });
  });

  describe('from decoded wire messages', () => {
    it('builds the same exact book from the current and the legacy formats', () => {
      const current = new OrderBook(TICKER);
      current.applySnapshot(
        decodeSnapshot({
          market_ticker: TICKER,
          yes_dollars_fp: [
            ['0.4000', '5.00'],
            ['0.4200', '18.50'],
          ],
          no_dollars_fp: [['0.5400', '12.00']],
        }),
      );
      current.applyDelta(decodeDelta({ market_ticker: TICKER, side: 'yes', price_dollars: '0.4200', delta_fp: '-0.50' }));
      const legacy = new OrderBook(TICKER);
      legacy.applySnapshot(
        decodeSnapshot({
          market_ticker: TICKER,
          yes: [
            [40, 5],
            [42, 19],
          ],
          no: [[54, 12]],
        }),
      );
      legacy.applyDelta(decodeDelta({ market_ticker: TICKER, side: 'yes', price: 42, delta: -1 }));
      expect(current.toSnapshot()).to.deep.equal(legacy.toSnapshot());
      expect(current.bestBid('yes')).to.deep.equal({ price: 42, size: 1800 });
    });
  });
});
