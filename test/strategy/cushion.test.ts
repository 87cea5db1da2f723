import { expect } from 'chai';
import { lowerForSumCushion } from '../../src/strategy/cushion.js';

describe('lowerForSumCushion', () => {
  const cases: ReadonlyArray<{
    readonly name: string;
    readonly prices: { yes: number; no: number };
    readonly position: number;
    readonly cushion: number;
    readonly expected: { yes: number; no: number };
  }> = [
    { name: 'leaves a pair that fits', prices: { yes: 42, no: 54 }, position: 0, cushion: 3, expected: { yes: 42, no: 54 } },
    { name: 'leaves a pair exactly at the limit', prices: { yes: 43, no: 54 }, position: 0, cushion: 3, expected: { yes: 43, no: 54 } },
    { name: 'holding YES: all the excess off YES', prices: { yes: 43, no: 56 }, position: 2000, cushion: 3, expected: { yes: 41, no: 56 } },
    { name: 'holding NO: all the excess off NO', prices: { yes: 56, no: 43 }, position: -1, cushion: 3, expected: { yes: 56, no: 41 } },
    { name: 'flat: off the higher leg', prices: { yes: 43, no: 55 }, position: 0, cushion: 3, expected: { yes: 43, no: 54 } },
    { name: 'flat: YES goes first on a tie', prices: { yes: 50, no: 50 }, position: 0, cushion: 3, expected: { yes: 48, no: 49 } },
    { name: 'flat: a large excess evens the pair out', prices: { yes: 60, no: 50 }, position: 0, cushion: 20, expected: { yes: 40, no: 40 } },
    { name: 'flat: an uneven excess ends with NO one tick higher', prices: { yes: 30, no: 70 }, position: 0, cushion: 3, expected: { yes: 30, no: 67 } },
    { name: 'holding YES can push YES below 1', prices: { yes: 3, no: 98 }, position: 100, cushion: 3, expected: { yes: -1, no: 98 } },
    { name: 'a zero cushion allows a sum of 100', prices: { yes: 46, no: 54 }, position: 0, cushion: 0, expected: { yes: 46, no: 54 } },
  ];
  for (const { name, prices, position, cushion, expected } of cases) {
    it(name, () => {
      expect(lowerForSumCushion(prices, position, cushion)).to.deep.equal(expected);
    });
  }
});
