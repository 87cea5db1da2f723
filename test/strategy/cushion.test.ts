import { expect } from 'chai';
import { lowerForSumCushion } from '../../src/strategy/cushion.js';

describe('lowerForSumCushion', () => {
  /** [case, YES in, NO in, position (hundredths), sum_cushion, YES out, NO out] */
  const cases: ReadonlyArray<readonly [string, number, number, number, number, number, number]> = [
    ['leaves a pair that fits', 42, 54, 0, 3, 42, 54],
    ['leaves a pair exactly at the limit', 43, 54, 0, 3, 43, 54],
    ['holding YES: all the excess off YES', 43, 56, 2000, 3, 41, 56],
    ['holding NO: all the excess off NO', 56, 43, -1, 3, 56, 41],
    ['flat: off the higher leg', 43, 55, 0, 3, 43, 54],
    ['flat: YES goes first on a tie', 50, 50, 0, 3, 48, 49],
    ['flat: a large excess evens the pair out', 60, 50, 0, 20, 40, 40],
    ['flat: an uneven excess comes off the higher leg only', 30, 70, 0, 3, 30, 67],
    ['holding YES can push YES below 1 (the caller drops it)', 3, 98, 100, 3, -1, 98],
    ['a zero cushion allows a sum of 100', 46, 54, 0, 0, 46, 54],
  ];
  for (const [name, yes, no, position, cushion, expectedYes, expectedNo] of cases) {
    it(name, () => {
      expect(lowerForSumCushion({ yes, no }, position, cushion)).to.deep.equal({ yes: expectedYes, no: expectedNo });
    });
  }
});
