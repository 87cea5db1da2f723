import { expect } from 'chai';
import { Portfolio } from '../../../src/sim/exchange/portfolio.js';

describe('sim/exchange/portfolio', () => {
  it('opens, adds to, closes and flips a position exactly, realizing the difference', () => {
    const book = new Portfolio();
    expect(book.applyFill('k', 'T', 'yes', 40, 500, 0)).to.deep.include({ position: 500, costE4: 20_000 });
    expect(book.applyFill('k', 'T', 'yes', 46, 500, 0)).to.deep.include({ position: 1000, costE4: 43_000 });
    // buying NO at 50 = selling YES at 50: 3 of 10 YES close, 43 average cost each
    const partial = book.applyFill('k', 'T', 'no', 50, 300, 0);
    expect(partial).to.deep.include({ position: 700, costE4: 30_100, realizedPnlMicros: (300 * 50 - 12_900) * 100 });
    const flipped = book.applyFill('k', 'T', 'no', 30, 1000, 100);
    expect(flipped).to.deep.include({ position: -300, costE4: 9_000, feesMicros: 100, volume: 2300 });
    expect(book.position('k', 'T')).to.equal(-300);
    expect(book.position('other', 'T')).to.equal(0);
  });

  it('moves cash: pays for what opens, gets $1 per pair closed', () => {
    const book = new Portfolio();
    // 2 YES at 40: pay $0.80
    expect(book.fill('k', 'T', 'yes', 40, 200, 0, 1).cashE4).to.equal(-8_000);
    // 3 NO at 55: 2 close against the YES (2 x $1 back, less 2 x 0.55), 1 opens NO: net +$0.35
    const move = book.fill('k', 'T', 'no', 55, 300, 0, 2);
    expect(move.cashE4).to.equal(200 * 100 - 300 * 55);
    expect(move.changed).to.deep.include({ position: -100, costE4: 5_500, realizedPnlMicros: (200 * 45 - 8_000) * 100 });
    expect(book.rows('k').get('T')).to.deep.include({ totalTradedE4: 8_000 + 16_500, lastUpdatedMs: 2 });
  });

  it('settles: $1 per winning contract, nothing for losing ones, the cost back when void', () => {
    const book = new Portfolio();
    book.applyFill('a', 'T', 'yes', 30, 400, 0);
    book.applyFill('b', 'T', 'no', 70, 400, 0);
    book.applyFill('c', 'T', 'yes', 30, 400, 0);
    const winner = book.settle('a', 'T', 'yes', 9)!;
    expect(winner.cashE4).to.equal(40_000);
    expect(winner.changed).to.deep.include({ position: 0, costE4: 0, realizedPnlMicros: (40_000 - 12_000) * 100 });
    const loser = book.settle('b', 'T', 'yes', 9)!;
    expect(loser.cashE4).to.equal(0);
    expect(loser.changed.realizedPnlMicros).to.equal(-28_000 * 100);
    const voided = book.settle('c', 'T', 'void', 9)!;
    expect([voided.cashE4, voided.changed.realizedPnlMicros]).to.deep.equal([12_000, 0]);
    expect(book.settle('nobody', 'T', 'yes', 9)).to.equal(undefined);
    expect(book.holders('T')).to.deep.equal(['a', 'b', 'c']);
  });
});
