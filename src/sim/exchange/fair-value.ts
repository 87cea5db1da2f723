/**
 * The hidden fair price of a market's YES leg, in ticks (fractional): a random walk whose
 * step grows with the square root of time, with now and then a jump of a few ticks,
 * reflected into 1..99.
 */
import type { Random } from '../random.js';
import type { ActivityProfile } from './activity.js';

export const FAIR_MIN = 1;
export const FAIR_MAX = 99;
/** share of markets that start as long shots, priced within a few ticks of 1 or 99 */
const LONG_SHOT_SHARE = 0.1;
const JUMP_TICKS: readonly [number, number] = [3, 12];

/** A starting fair price: mostly anywhere in 5..95, now and then a long shot near an end. */
export function initialFair(random: Random): number {
  if (random.chance(LONG_SHOT_SHARE)) {
    const distance = FAIR_MIN + random.next() * 3;
    return random.chance(0.5) ? distance : 100 - distance;
  }
  return 5 + random.next() * 90;
}

/** The fair price `seconds` later: drift, maybe a jump, reflected into FAIR_MIN..FAIR_MAX. */
export function moveFair(fair: number, profile: ActivityProfile, seconds: number, random: Random): number {
  let next = fair + random.normal() * profile.volatility * Math.sqrt(seconds);
  if (random.chance((profile.jumpsPerHour * seconds) / 3600)) {
    next += (random.chance(0.5) ? 1 : -1) * random.integer(JUMP_TICKS[0], JUMP_TICKS[1]);
  }
  if (next < FAIR_MIN) next = 2 * FAIR_MIN - next;
  if (next > FAIR_MAX) next = 2 * FAIR_MAX - next;
  return Math.min(FAIR_MAX, Math.max(FAIR_MIN, next));
}
