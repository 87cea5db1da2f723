import { after } from '../../src/clock/clock.js';
import { expect } from 'chai';
import { ManualClock } from '../../src/clock/manual-clock.js';
import { Random } from '../../src/sim/random.js';
import { generatedTicker, generatedTickers } from '../../src/sim/tickers.js';

describe('sim/random, clock and tickers', () => {
  it('repeats the same draws for the same seed and differs for another', () => {
    const draws = (seed: number) => {
      const random = new Random(seed);
      return [random.next(), random.integer(1, 6), random.uuid(), random.normal()];
    };
    expect(draws(11)).to.deep.equal(draws(11));
    expect(draws(11)).to.not.deep.equal(draws(12));
  });

  it('keeps draws in range', () => {
    const random = new Random(5);
    for (let i = 0; i < 10_000; i += 1) {
      const value = random.next();
      expect(value >= 0 && value < 1).to.equal(true);
      const face = random.integer(1, 6);
      expect(face >= 1 && face <= 6 && Number.isInteger(face)).to.equal(true);
    }
    expect(random.uuid()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => random.pick([])).to.throw(RangeError);
  });

  it('ManualClock runs timers in due order when advanced, never on its own', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    after(clock, () => fired.push(`b@${clock.now()}`), 20);
    const cancelled = after(clock, () => fired.push('x'), 5);
    after(
      clock,
      () => {
        fired.push(`a@${clock.now()}`);
        after(clock, () => fired.push(`c@${clock.now()}`), 15);
      },
      10,
    );
    clock.clearTimer(cancelled);
    clock.advance(24);
    expect(fired).to.deep.equal(['a@1010', 'b@1020']);
    clock.advance(1);
    expect(fired).to.deep.equal(['a@1010', 'b@1020', 'c@1025']);
    expect(clock.now()).to.equal(1025);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('generates distinct tickers shaped like real ones, skipping taken names', () => {
    expect(generatedTicker(0)).to.equal('KXSIMA-26JAN01-T10');
    const many = generatedTickers(500, new Set([generatedTicker(1)]));
    expect(new Set(many).size).to.equal(500);
    expect(many).to.not.include(generatedTicker(1));
    for (const ticker of many) expect(ticker).to.match(/^KXSIM[A-Z]+-26[A-Z]{3}\d{2}-T\d+$/);
  });
});
