/**
 * Time, injected. The wall clock is read here and nowhere else in the runtime, so tests
 * and replays can substitute their own.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
