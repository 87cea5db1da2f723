/** strategy-spec section 9, each example with its exact intents. */
import { expect } from 'chai';
import { DualMaker } from '../../src/strategy/dual-maker.js';
import { bookOf, exampleOneBook, hundredths, intentAt, paramsWith, SPEC_DEFAULTS, TICKER } from './fixtures.js';

const NOW = 1_767_225_600_000;

describe('strategy-spec worked examples', () => {
  it('1. thin queues, flat: improve both, cushion takes one tick off the higher NO bid', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    expect(maker.onBook(exampleOneBook(), NOW)).to.deep.equal([
      intentAt(NOW, { kind: 'quote', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'improve' }),
      intentAt(NOW, { kind: 'quote', side: 'no', action: 'buy', price: 54, size: 5, reason: 'cushion' }),
    ]);
  });

  it('2. same book with improve off: join both, sum 96 fits', () => {
    const maker = new DualMaker(TICKER, paramsWith({ improve: false }));
    expect(maker.onBook(exampleOneBook(), NOW)).to.deep.equal([
      intentAt(NOW, { kind: 'quote', side: 'yes', action: 'buy', price: 42, size: 5, reason: 'join' }),
      intentAt(NOW, { kind: 'quote', side: 'no', action: 'buy', price: 54, size: 5, reason: 'join' }),
    ]);
  });

  it('3. thick queues: no improvement, join both', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    expect(maker.onBook(bookOf([[42, 80]], [[54, 60]]), NOW)).to.deep.equal([
      intentAt(NOW, { kind: 'quote', side: 'yes', action: 'buy', price: 42, size: 5, reason: 'join' }),
      intentAt(NOW, { kind: 'quote', side: 'no', action: 'buy', price: 54, size: 5, reason: 'join' }),
    ]);
  });

  it('4. spread 2 < 3: nothing quoted, and what rested is cancelled (spread_too_narrow)', () => {
    const fresh = new DualMaker(TICKER, SPEC_DEFAULTS);
    expect(fresh.onBook(bookOf([[45, 10]], [[53, 10]]), NOW)).to.deep.equal([]);

    const quoting = new DualMaker(TICKER, SPEC_DEFAULTS);
    quoting.onBook(exampleOneBook(), NOW);
    expect(quoting.onBook(bookOf([[45, 10]], [[53, 10]]), NOW + 1)).to.deep.equal([
      intentAt(NOW + 1, { kind: 'cancel', side: 'yes', action: 'buy', price: 43, size: 5, reason: 'spread_too_narrow' }),
      intentAt(NOW + 1, { kind: 'cancel', side: 'no', action: 'buy', price: 54, size: 5, reason: 'spread_too_narrow' }),
    ]);
  });

  it('5. holding YES +20 at $8.40: cushion comes off YES, and a YES exit at 44', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    const intents = maker.onPosition({ ticker: TICKER, position: hundredths(20), costE4: 84_000 }, exampleOneBook(), NOW);
    expect(intents).to.deep.equal([
      intentAt(NOW, { kind: 'quote', side: 'yes', action: 'buy', price: 42, size: 5, reason: 'cushion' }),
      intentAt(NOW, { kind: 'quote', side: 'no', action: 'buy', price: 55, size: 5, reason: 'improve' }),
      intentAt(NOW, { kind: 'exit', side: 'yes', action: 'sell', price: 44, size: 5, reason: 'take_profit' }),
    ]);
  });

  it('6. holding YES +100 (the cap): no YES bid, NO bid as usual, reduce-only into the YES bid, the same exit', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    const intents = maker.onPosition({ ticker: TICKER, position: hundredths(100), costE4: 420_000 }, exampleOneBook(), NOW);
    expect(intents).to.deep.equal([
      intentAt(NOW, { kind: 'quote', side: 'no', action: 'buy', price: 55, size: 5, reason: 'improve' }),
      intentAt(NOW, { kind: 'reduce_only', side: 'yes', action: 'sell', price: 42, size: 10, reason: 'inventory_cap' }),
      intentAt(NOW, { kind: 'exit', side: 'yes', action: 'sell', price: 44, size: 5, reason: 'take_profit' }),
    ]);
  });

  it('6 (continued). a YES bid that rested before the cap is cancelled with inventory_cap', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    maker.onPosition({ ticker: TICKER, position: hundredths(20), costE4: 84_000 }, exampleOneBook(), NOW);
    const intents = maker.onPosition({ ticker: TICKER, position: hundredths(100), costE4: 420_000 }, exampleOneBook(), NOW + 1);
    expect(intents).to.deep.equal([
      intentAt(NOW + 1, { kind: 'cancel', side: 'yes', action: 'buy', price: 42, size: 5, reason: 'inventory_cap' }),
      intentAt(NOW + 1, { kind: 'reduce_only', side: 'yes', action: 'sell', price: 42, size: 10, reason: 'inventory_cap' }),
    ]);
  });
});
