import { expect } from 'chai';
import { MakerStateError, parseMakerState, type MakerState } from '../../src/strategy/maker-state.js';

describe('parseMakerState', () => {
  const valid: MakerState = {
    mode: 'active',
    bids: { yes: { price: 43, size: 500, postedMs: 1000 }, no: null },
    exits: { yes: null, no: { price: 60, size: 250, postedMs: 900 } },
    position: -250,
    costE4: 10_000,
    lastFillPrices: { yes: 43, no: null },
    lastReduceOnlyMs: { yes: null, no: 800 },
    closeAtMs: 5_000,
  };

  it('accepts a valid state, also after a JSON round trip', () => {
    expect(parseMakerState(valid)).to.deep.equal(valid);
    expect(parseMakerState(JSON.parse(JSON.stringify(valid)))).to.deep.equal(valid);
  });

  const broken: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['not an object', 'state', /must be an object/],
    ['an unknown mode', { ...valid, mode: 'paused' }, /mode must be one of active, closed, stopped/],
    ['a fractional position', { ...valid, position: 1.5 }, /position must be an integer/],
    ['a missing position', { ...valid, position: null }, /position must be an integer/],
    ['a bid at 0', { ...valid, bids: { yes: { price: 0, size: 1, postedMs: 1 }, no: null } }, /bids\.yes\.price/],
    ['an exit of size 0', { ...valid, exits: { yes: null, no: { price: 5, size: 0, postedMs: 1 } } }, /exits\.no\.size/],
    ['an order without a time', { ...valid, bids: { yes: { price: 5, size: 1 }, no: null } }, /bids\.yes\.postedMs/],
    ['a missing leg pair', { ...valid, lastFillPrices: undefined }, /lastFillPrices must be/],
    ['a text cost', { ...valid, costE4: '1.00' }, /costE4 must be an integer or null/],
    ['a fractional close time', { ...valid, closeAtMs: 1.5 }, /closeAtMs must be an integer or null/],
  ];
  for (const [name, state, message] of broken) {
    it(`refuses ${name} with a message naming the field`, () => {
      expect(() => parseMakerState(state)).to.throw(MakerStateError, message);
    });
  }
});
