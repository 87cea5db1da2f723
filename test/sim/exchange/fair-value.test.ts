import { expect } from 'chai';
import { ACTIVITY_PROFILES } from '../../../src/sim/exchange/activity.js';
import { FAIR_MAX, FAIR_MIN, initialFair, moveFair } from '../../../src/sim/exchange/fair-value.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/fair-value', () => {
  it('starts anywhere in 1..99, now and then as a long shot near an end', () => {
    const random = new Random(31);
    const starts = Array.from({ length: 2000 }, () => initialFair(random));
    expect(Math.min(...starts)).to.be.at.least(FAIR_MIN);
    expect(Math.max(...starts)).to.be.at.most(FAIR_MAX);
    const longShots = starts.filter((fair) => fair < 5 || fair > 95).length / starts.length;
    expect(longShots).to.be.within(0.05, 0.2);
  });

  it('drifts by the profile volatility times the square root of time, jumps now and then, and stays in 1..99', () => {
    const random = new Random(32);
    const profile = ACTIVITY_PROFILES.busy;
    let fair = 50;
    const moves: number[] = [];
    for (let step = 0; step < 100_000; step += 1) {
      const next = moveFair(fair, profile, 0.1, random);
      expect(next >= FAIR_MIN && next <= FAIR_MAX).to.equal(true);
      moves.push(next - fair);
      fair = next;
    }
    const small = moves.filter((move) => Math.abs(move) < 2);
    const deviation = Math.sqrt(small.reduce((sum, move) => sum + move * move, 0) / small.length);
    expect(deviation / (profile.volatility * Math.sqrt(0.1))).to.be.within(0.9, 1.1);
    const jumps = moves.filter((move) => Math.abs(move) >= 2.5).length;
    const expectedJumps = (profile.jumpsPerHour * 100_000 * 0.1) / 3600;
    expect(jumps).to.be.within(expectedJumps * 0.4, expectedJumps * 1.8);
  });
});
