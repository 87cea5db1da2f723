import { expect } from 'chai';
import { Portfolio, takerFeeE4 } from '../../../src/sim/exchange/portfolio.js';

describe('sim/exchange/portfolio', () => {
  it('opens, adds to, closes and flips a position exactly, realizing the difference', () => {
    const book = new Portfolio();
    expect(book.applyFill('k', 'T', 'yes', 40, 500, 0)).to.deep.include({ position: 500, costE4: 20_000 });
    expect(book.applyFill('k', 'T', 'yes', 46, 500, 0)).to.deep.include({ position: 1000, costE4: 43_000 });
    // buying NO at 50 = selling YES at 50: 3 of 10 YES close, 43 average cost each
    const partial = book.applyFill('k', 'T', 'no', 50, 300, 0);
    expect(partial).to.deep.include({ position: 700, costE4: 30_100, realizedPnlE4: 300 * 50 - 12_900 });
    const flipped = book.applyFill('k', 'T', 'no', 30, 1000, 100);
    expect(flipped).to.deep.include({ position: -300, costE4: 9_000, feesE4: 100, volume: 2300 });
    expect(book.position('k', 'T')).to.equal(-300);
    expect(book.position('other', 'T')).to.equal(0);
  });

  it('charges the taker fee 0.07 x C x P x (1 - P) rounded up to the cent', () => {
    expect(takerFeeE4(10_000, 50)).to.equal(17_500);
    expect(takerFeeE4(100, 50)).to.equal(200);
    expect(takerFeeE4(100, 1)).to.equal(100);
  });
});
