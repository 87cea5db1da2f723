/**
 * The simulator's notion of time. Nothing in src/sim reads the wall clock directly:
 * timestamps, the market loop, pings and timed faults all go through a SimClock.
 */
export type TimerHandle = unknown;

export interface SimClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: SimClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to: `advance(ms)` runs every timer that falls due,
 * in due order. For deterministic runs and tests.
 */
export class ManualClock implements SimClock {
  private currentMs: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(startMs: number) {
    this.currentMs = startMs;
  }

  now(): number {
    return this.currentMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, dueMs: this.currentMs + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  advance(ms: number): void {
    const targetMs = this.currentMs + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.currentMs = due.dueMs;
      due.callback();
    }
    this.currentMs = targetMs;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
