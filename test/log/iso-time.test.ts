import { expect } from 'chai';
import fc from 'fast-check';
import { IsoTimeCache } from '../../src/log/iso-time.js';

describe('IsoTimeCache', () => {
  it('gives the ISO text of every time, repeated or not, as Date does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { maxLength: 20 }), fc.nat({ max: 3 }), (times, repeats) => {
        const cache = new IsoTimeCache();
        for (const ms of times) {
          for (let round = 0; round <= repeats; round++) expect(cache.of(ms)).to.equal(new Date(ms).toISOString());
        }
      }),
    );
  });

  it('gives times within one millisecond the same text', () => {
    const cache = new IsoTimeCache();
    expect(cache.of(1_800_000_000_000.25)).to.equal('2027-01-15T08:00:00.000Z');
    expect(cache.of(1_800_000_000_000.75)).to.equal('2027-01-15T08:00:00.000Z');
    expect(cache.of(1_800_000_000_001)).to.equal('2027-01-15T08:00:00.001Z');
  });
});
