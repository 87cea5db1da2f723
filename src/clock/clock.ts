/**
 * Time, injected. The wall clock is read here and nowhere else in the runtime, so tests
 * and replays can substitute their own.
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Now, in ms since the epoch, with sub-ms precision: comparable between the threads of one
 * process (decision latency is stamped with it in the gateway and read in the actors).
 */
export function sharedNowMs(): number {
  return performance.timeOrigin + performance.now();
}
