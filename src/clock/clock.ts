/**
 * Time, injected: the one clock abstraction of the engine, the replay tools and the
 * simulator. The wall clock is read here and nowhere else, so tests, replays and backtests
 * substitute their own:
 *
 * - WallClock: now() from the wall clock, timers on the host's setTimeout, frames handled
 *   at once (live trading, the default);
 * - ExchangeClock (exchange-clock.ts): now() and timers in the time the frames carry
 *   (replays and backtests: the same recording gives the same intents, byte for byte);
 * - ManualClock (manual-clock.ts): moves only when told to (tests, deterministic runs).
 *
 * A part that only reads the time takes a TimeSource, the read-only view of a Clock.
 */
import { performance } from 'node:perf_hooks';

export type TimerHandle = unknown;

/** What a part that only reads the time needs. */
export interface TimeSource {
  /** ms since the epoch */
  now(): number;
}

export interface Clock extends TimeSource {
  /** Calls `callback` once, when the time reaches `dueMs`. */
  setTimer(dueMs: number, callback: () => void): TimerHandle;
  clearTimer(timer: TimerHandle): void;
  /**
   * Runs the step that handles a frame, at that frame's time when the clock follows frames
   * (`frameTimeMs` from protocol/frame-time.ts; undefined for frames that carry none).
   */
  atFrame(frameTimeMs: number | undefined, step: () => void): void;
}

/** A timer `delayMs` from now on any clock. */
export function setTimerAfter(clock: Clock, delayMs: number, callback: () => void): TimerHandle {
  return clock.setTimer(clock.now() + Math.max(0, delayMs), callback);
}

export class WallClock implements Clock {
  constructor(private readonly time: TimeSource = { now: () => Date.now() }) {}

  now(): number {
    return this.time.now();
  }

  atFrame(_frameTimeMs: number | undefined, step: () => void): void {
    step();
  }

  setTimer(dueMs: number, callback: () => void): TimerHandle {
    return setTimeout(callback, Math.max(1, dueMs - this.time.now()));
  }

  clearTimer(timer: TimerHandle): void {
    clearTimeout(timer as NodeJS.Timeout);
  }
}

/** The wall clock. */
export const wallClock: Clock = new WallClock();

/**
 * Now, in ms since the epoch, with sub-ms precision: comparable between the threads of one
 * process (decision latency is stamped with it in the gateway and read in the actors).
 */
export function sharedNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A timer `delayMs` from now on any clock, in setTimeout's argument order. */
export function after(clock: Clock, callback: () => void, delayMs: number): TimerHandle {
  return setTimerAfter(clock, delayMs, callback);
}
