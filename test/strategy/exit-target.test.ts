import { expect } from 'chai';
import { exitTarget } from '../../src/strategy/exit-target.js';
import { hundredths, paramsWith, SPEC_DEFAULTS } from './fixtures.js';

describe('exitTarget', () => {
  it('asks entry + take_profit when that is above the best bid', () => {
    expect(exitTarget(hundredths(20), 42, 42, SPEC_DEFAULTS)).to.deep.equal({
      kind: 'ask',
      price: 44,
      size: 500,
      reason: 'take_profit',
    });
  });

  it('asks one tick above the best bid when the bid has reached the take-profit price', () => {
    expect(exitTarget(hundredths(20), 42, 44, SPEC_DEFAULTS)).to.deep.equal({
      kind: 'ask',
      price: 45,
      size: 500,
      reason: 'above_best_bid',
    });
    expect(exitTarget(hundredths(20), 42, 43, SPEC_DEFAULTS)).to.include({
      price: 44,
      reason: 'take_profit',
    });
  });

  it('asks entry + take_profit when the leg has no bid', () => {
    expect(exitTarget(hundredths(20), 42, undefined, SPEC_DEFAULTS)).to.include({ price: 44, reason: 'take_profit' });
  });

  it('never asks above 99', () => {
    expect(exitTarget(hundredths(20), 98, 60, SPEC_DEFAULTS)).to.include({
      price: 99,
      reason: 'price_cap',
    });
    expect(exitTarget(hundredths(20), 90, 98, SPEC_DEFAULTS)).to.include({
      price: 99,
      reason: 'above_best_bid',
    });
    expect(exitTarget(hundredths(20), 99, undefined, SPEC_DEFAULTS)).to.include({ price: 99, reason: 'price_cap' });
  });

  it('has no exit when the best bid is at 99, since every allowed ask would cross', () => {
    expect(exitTarget(hundredths(20), 50, 99, SPEC_DEFAULTS)).to.deep.equal({
      kind: 'none',
      reason: 'would_cross',
    });
  });

  it('sizes the exit min(exit_size, inventory), fractions included', () => {
    expect(exitTarget(hundredths(3), 42, undefined, SPEC_DEFAULTS)).to.include({ size: 300 });
    expect(exitTarget(37, 42, undefined, SPEC_DEFAULTS)).to.include({ size: 37 });
    expect(exitTarget(hundredths(300), 42, undefined, paramsWith({ exit_size: 12 }))).to.include({ size: 1200 });
  });

  it('is never blocked by the inventory cap', () => {
    expect(exitTarget(hundredths(500), 42, undefined, paramsWith({ max_inventory: 10 }))).to.include({ kind: 'ask' });
  });

  it('has no exit when flat or when the entry is unknown', () => {
    expect(exitTarget(0, 42, undefined, SPEC_DEFAULTS)).to.deep.equal({ kind: 'none', reason: 'flat' });
    expect(exitTarget(hundredths(5), undefined, undefined, SPEC_DEFAULTS)).to.deep.equal({
      kind: 'none',
      reason: 'entry_unknown',
    });
  });
});
