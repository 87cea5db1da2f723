import { expect } from 'chai';
import { OrderBook } from '../../src/book/order-book.js';
import { entryTargets } from '../../src/strategy/entry-targets.js';
import { bookOf, exampleOneBook, hundredths, paramsWith, SPEC_DEFAULTS, TICKER } from './fixtures.js';

describe('entryTargets', () => {
  describe('book guards', () => {
    it('has no targets while a ladder is empty (book_incomplete)', () => {
      const none = { kind: 'none', reason: 'book_incomplete' };
      expect(entryTargets(bookOf([[42, 10]], []), 0, SPEC_DEFAULTS)).to.deep.equal({ yes: none, no: none });
      expect(entryTargets(bookOf([], [[54, 10]]), 0, SPEC_DEFAULTS)).to.deep.equal({ yes: none, no: none });
      expect(entryTargets(new OrderBook(TICKER), 0, SPEC_DEFAULTS)).to.deep.equal({ yes: none, no: none });
    });

    it('has no targets when the spread is below min_spread, crossed books included (spread_too_narrow)', () => {
      const none = { kind: 'none', reason: 'spread_too_narrow' };
      for (const [yes, no] of [
        [45, 53],
        [46, 54],
        [50, 55],
      ] as const) {
        expect(entryTargets(bookOf([[yes, 10]], [[no, 10]]), 0, SPEC_DEFAULTS), `${yes}/${no}`).to.deep.equal({
          yes: none,
          no: none,
        });
      }
    });

    it('quotes at exactly min_spread by joining', () => {
      const targets = entryTargets(bookOf([[44, 10]], [[53, 10]]), 0, SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'bid', price: 44, size: 500, reason: 'join' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 53, size: 500, reason: 'join' });
    });
  });

  describe('one-tick improve', () => {
    it('improves only the thin leg, tested against the original book', () => {
      const targets = entryTargets(bookOf([[40, 49]], [[50, 50]]), 0, SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'bid', price: 41, size: 500, reason: 'improve' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 50, size: 500, reason: 'join' });
    });

    it('counts fractional queue sizes exactly against thin_queue', () => {
      const thin = entryTargets(bookOf([[40, 49.99]], [[50, 80]]), 0, SPEC_DEFAULTS);
      expect(thin.yes).to.include({ price: 41, reason: 'improve' });
    });

    it('does not improve when spread - 1 < min_spread', () => {
      const targets = entryTargets(bookOf([[44, 1]], [[53, 1]]), 0, SPEC_DEFAULTS);
      expect(targets.yes).to.include({ price: 44, reason: 'join' });
      expect(targets.no).to.include({ price: 53, reason: 'join' });
    });

    it('does not improve with improve off', () => {
      const targets = entryTargets(bookOf([[40, 1]], [[50, 1]]), 0, paramsWith({ improve: false }));
      expect(targets.yes).to.include({ price: 40, reason: 'join' });
      expect(targets.no).to.include({ price: 50, reason: 'join' });
    });
  });

  describe('sum cushion', () => {
    it('holding YES: lowers the YES bid by the excess and keeps the NO bid', () => {
      const targets = entryTargets(exampleOneBook(), hundredths(20), SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'bid', price: 42, size: 500, reason: 'cushion' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 55, size: 500, reason: 'improve' });
    });

    it('holding NO: lowers the NO bid by the excess and keeps the YES bid', () => {
      const targets = entryTargets(exampleOneBook(), -hundredths(20), SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'bid', price: 43, size: 500, reason: 'improve' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 54, size: 500, reason: 'cushion' });
    });

    it('flat: lowers the higher bid one tick at a time', () => {
      const targets = entryTargets(exampleOneBook(), 0, paramsWith({ sum_cushion: 10 }));
      // 43 + 55 = 98 > 90: NO down to 47 (8 ticks) keeps it above YES until the sum fits
      expect(targets.yes).to.deep.equal({ kind: 'bid', price: 43, size: 500, reason: 'improve' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 47, size: 500, reason: 'cushion' });
    });

    it('removes a leg whose price would fall below 1 (cushion)', () => {
      const book = bookOf([[2, 100]], [[90, 100]]);
      const targets = entryTargets(book, hundredths(10), paramsWith({ sum_cushion: 10 }));
      expect(targets.yes).to.deep.equal({ kind: 'none', reason: 'cushion' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 90, size: 500, reason: 'join' });
    });
  });

  describe('inventory cap', () => {
    it('drops the YES target at the cap and keeps the NO target', () => {
      const targets = entryTargets(exampleOneBook(), hundredths(100), SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'none', reason: 'inventory_cap' });
      expect(targets.no).to.include({ kind: 'bid', size: 500 });
    });

    it('drops the NO target past the cap and keeps the YES target', () => {
      const targets = entryTargets(exampleOneBook(), -hundredths(130), SPEC_DEFAULTS);
      expect(targets.no).to.deep.equal({ kind: 'none', reason: 'inventory_cap' });
      expect(targets.yes).to.include({ kind: 'bid', size: 500 });
    });

    it('clips the size near the cap so that a full fill lands exactly on it, fractions included', () => {
      expect(entryTargets(exampleOneBook(), hundredths(98), SPEC_DEFAULTS).yes).to.include({ size: 200 });
      expect(entryTargets(exampleOneBook(), hundredths(97.5), SPEC_DEFAULTS).yes).to.include({ size: 250 });
      expect(entryTargets(exampleOneBook(), -hundredths(99.99), SPEC_DEFAULTS).no).to.include({ size: 1 });
      expect(entryTargets(exampleOneBook(), hundredths(95), SPEC_DEFAULTS).yes).to.include({ size: 500 });
    });
  });

  describe('price bounds', () => {
    it('never bids below 1: a best bid at 0 is not joined', () => {
      const targets = entryTargets(bookOf([[0, 100]], [[50, 100]]), 0, SPEC_DEFAULTS);
      expect(targets.yes).to.deep.equal({ kind: 'none', reason: 'price_bounds' });
      expect(targets.no).to.deep.equal({ kind: 'bid', price: 50, size: 500, reason: 'join' });
    });

    it('bids at 1 and at 98 at the edges of the ladder', () => {
      const low = entryTargets(bookOf([[1, 100]], [[95, 100]]), 0, SPEC_DEFAULTS);
      expect(low.yes).to.include({ kind: 'bid', price: 1 });
      expect(low.no).to.include({ kind: 'bid', price: 95 });
      const high = entryTargets(bookOf([[97, 1]], [[0, 100]]), 0, paramsWith({ min_spread: 2, sum_cushion: 0 }));
      expect(high.yes).to.include({ kind: 'bid', price: 98, reason: 'improve' });
      expect(high.no).to.deep.equal({ kind: 'none', reason: 'price_bounds' });
    });
  });
});
