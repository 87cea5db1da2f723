import { expect } from 'chai';
import { DualMaker } from '../../src/strategy/dual-maker.js';
import { excludingOwn, ownLevels, OwnOrderLedger } from '../../src/strategy/own-orders.js';
import { SPEC_DEFAULTS, TICKER, bookOf } from './fixtures.js';

describe('strategy/own-orders', () => {
  it('places entry bids on their own ladder and exits on the other leg at 100 - price', () => {
    const levels = ownLevels(
      { yes: { price: 43, size: 500, postedMs: 0 }, no: undefined },
      { yes: { price: 44, size: 300, postedMs: 0 }, no: { price: 60, size: 200, postedMs: 0 } },
    );
    expect(levels).to.deep.equal([
      { side: 'yes', price: 43, size: 500 },
      { side: 'no', price: 56, size: 300 },
      { side: 'yes', price: 40, size: 200 },
    ]);
  });

  it('takes own size off a level and skips a level that holds only own size', () => {
    const book = bookOf(
      [
        [42, 18],
        [43, 5],
      ],
      [
        [54, 12],
        [53, 22],
      ],
    );
    const view = excludingOwn(book, [{ side: 'yes', price: 43, size: 500 }]);
    expect(view.bestBid('yes')).to.deep.equal({ price: 42, size: 1800 });
    expect(view.bestBid('no')).to.deep.equal({ price: 54, size: 1200 });
    expect(view.spread()).to.equal(4);
    const partly = excludingOwn(book, [{ side: 'no', price: 54, size: 500 }]);
    expect(partly.bestBid('no')).to.deep.equal({ price: 54, size: 700 });
  });

  it('never takes off more than a level holds (an order still in flight)', () => {
    const book = bookOf([[42, 3]], [[54, 12]]);
    const view = excludingOwn(book, [{ side: 'yes', price: 42, size: 500 }]);
    expect(view.bestBid('yes')).to.equal(undefined);
    expect(view.spread()).to.equal(undefined);
  });

  it('keeps a maker whose bids rest in the book from chasing itself', () => {
    const before = bookOf([[40, 10]], [[50, 10]]);
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    const first = maker.onBook(before, 0);
    expect(first.map((i) => `${i.kind} ${i.side} ${i.price}`)).to.deep.equal(['quote yes 41', 'quote no 51']);
    // the exchange now shows both bids on top; seen raw they are thin best bids to improve on
    const withOwn = bookOf(
      [
        [41, 5],
        [40, 10],
      ],
      [
        [51, 5],
        [50, 10],
      ],
    );
    const raw = new DualMaker(TICKER, SPEC_DEFAULTS);
    raw.onBook(before, 0);
    expect(raw.onBook(withOwn, 1).map((i) => `${i.kind} ${i.side} ${i.price}`)).to.deep.equal(['reprice yes 42', 'reprice no 52']);
    // seen without its own orders, nothing changed: no intent
    expect(maker.onBook(excludingOwn(withOwn, maker.ownLevels()), 1)).to.deep.equal([]);
  });
});

describe('strategy/own-orders OwnOrderLedger', () => {
  it('follows own deltas: resting adds, cancels remove, taking never goes below zero', () => {
    const ledger = new OwnOrderLedger();
    ledger.applyOwnDelta('yes', 43, 500);
    ledger.applyOwnDelta('no', 51, 300);
    expect(ledger.levels()).to.deep.equal([
      { side: 'yes', price: 43, size: 500 },
      { side: 'no', price: 51, size: 300 },
    ]);
    ledger.applyOwnDelta('yes', 43, -500);
    ledger.applyOwnDelta('no', 51, -1000); // an IOC taking others' size too
    expect(ledger.levels()).to.deep.equal([]);
  });

  it('takes fills of resting orders off their level, on the ladder the order rests on', () => {
    const ledger = new OwnOrderLedger();
    ledger.applyOwnDelta('yes', 43, 500);
    ledger.applyOwnDelta('no', 56, 500); // an exit selling YES at 44
    const fill = { ticker: TICKER, tradeId: 't', orderId: 'o', count: 200 };
    ledger.applyFill({ ...fill, side: 'yes', yesPrice: 43, isTaker: false });
    ledger.applyFill({ ...fill, side: 'no', yesPrice: 44, isTaker: false });
    ledger.applyFill({ ...fill, side: 'yes', yesPrice: 43, isTaker: true }); // took liquidity: never rested
    expect(ledger.levels()).to.deep.equal([
      { side: 'yes', price: 43, size: 300 },
      { side: 'no', price: 56, size: 300 },
    ]);
  });

  it('after a snapshot keeps no more than the maker has announced at each level', () => {
    const ledger = new OwnOrderLedger();
    ledger.applyOwnDelta('yes', 43, 500);
    ledger.applyOwnDelta('yes', 42, 500);
    ledger.reconcile([{ side: 'yes', price: 43, size: 300 }]);
    expect(ledger.levels()).to.deep.equal([{ side: 'yes', price: 43, size: 300 }]);
  });
});
