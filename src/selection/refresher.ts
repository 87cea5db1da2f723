/**
 * SelectionRefresher: resolves the selection at start and every `selection.refresh_s`, and
 * reports what changed (markets entered, left, changed overrides) to a callback. Time and
 * timers come from the injected clock.
 *
 * A resolution that fails (REST error, timeout, 429) or takes longer than `timeoutMs` is
 * reported to `onError` and changes nothing: the previous selection stays current, and the
 * next attempt comes at the usual interval. Resolutions never overlap; a late answer of one
 * that timed out is dropped.
 */
import { setTimerAfter, type Clock, type TimerHandle } from '../clock/clock.js';
import type { AppConfig } from '../config/types.js';
import { explicitSelection, resolveSelection, selectionSettings, type MarketDataSource, type ResolvedSelection, type ResolveOptions } from './resolver.js';
import { diffSelections, type SelectionDiff } from './rules.js';

export interface SelectionChange extends SelectionDiff {
  /** the selection now current */
  readonly selection: ResolvedSelection;
  /** the one before; undefined at the first */
  readonly previous: ResolvedSelection | undefined;
}

export interface SelectionRefresherOptions {
  /** one resolution (resolveSelection against the venue, bound to its settings) */
  readonly resolve: () => Promise<ResolvedSelection>;
  readonly clock: Clock;
  /** between the end of one attempt and the start of the next, ms */
  readonly refreshMs: number;
  /** longest a resolution may take, ms; default refreshMs */
  readonly timeoutMs?: number;
  /** called when a resolution selects other markets than the current selection (the first: everything entered) */
  readonly onChange: (change: SelectionChange) => void;
  /** a failed resolution; the previous selection is kept */
  readonly onError: (error: Error) => void;
  /** the selection before the first resolution (for example the explicit markets alone) */
  readonly initial?: ResolvedSelection;
}

/** A resolution that took longer than its deadline. */
export class SelectionTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`market selection: no answer within ${timeoutMs} ms; the previous selection is kept`);
    this.name = 'SelectionTimeoutError';
  }
}

export class SelectionRefresher {
  private selection: ResolvedSelection | undefined;
  private running = false;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<ResolvedSelection | undefined> | undefined;
  private consecutiveFailures = 0;
  /** bumped by stop(): an attempt begun before it is dropped */
  private generation = 0;
  private readonly timeoutMs: number;

  constructor(private readonly options: SelectionRefresherOptions) {
    if (!(Number.isFinite(options.refreshMs) && options.refreshMs > 0)) throw new RangeError(`refreshMs must be a positive number, got ${options.refreshMs}`);
    this.timeoutMs = options.timeoutMs ?? options.refreshMs;
    if (!(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${this.timeoutMs}`);
    this.selection = options.initial;
  }

  /** The selection now current (undefined before the first success without an initial one). */
  get current(): ResolvedSelection | undefined {
    return this.selection;
  }

  /** Failed attempts since the last success. */
  get failures(): number {
    return this.consecutiveFailures;
  }

  /** Resolves now, then every refreshMs until stop(); answers the selection after the first attempt. */
  async start(): Promise<ResolvedSelection | undefined> {
    if (this.running) return this.inFlight ?? this.selection;
    this.running = true;
    const first = this.refresh();
    void first.then(() => this.schedule());
    return first;
  }

  /** Stops the timer; an attempt in flight is dropped when it ends. */
  stop(): void {
    this.running = false;
    this.generation += 1;
    if (this.timer !== undefined) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** One resolution now (or the one in flight); answers the selection current after it. */
  refresh(): Promise<ResolvedSelection | undefined> {
    this.inFlight ??= this.attempt().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private schedule(): void {
    if (!this.running || this.timer !== undefined) return;
    this.timer = setTimerAfter(this.options.clock, this.options.refreshMs, () => {
      this.timer = undefined;
      void this.refresh().then(() => this.schedule());
    });
  }

  private async attempt(): Promise<ResolvedSelection | undefined> {
    const generation = this.generation;
    let next: ResolvedSelection;
    try {
      next = await this.withDeadline(this.options.resolve());
    } catch (error) {
      if (generation !== this.generation) return this.selection;
      this.consecutiveFailures += 1;
      this.report(error instanceof Error ? error : new Error(String(error)));
      return this.selection;
    }
    if (generation !== this.generation) return this.selection;
    const previous = this.selection;
    this.selection = next;
    this.consecutiveFailures = 0;
    const diff = diffSelections(previous?.markets ?? [], next.markets);
    if (diff.entered.length + diff.left.length + diff.changed.length > 0) {
      try {
        this.options.onChange({ ...diff, selection: next, previous });
      } catch (error) {
        this.report(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return next;
  }

  private withDeadline(resolution: Promise<ResolvedSelection>): Promise<ResolvedSelection> {
    return new Promise((resolve, reject) => {
      const timer = setTimerAfter(this.options.clock, this.timeoutMs, () => reject(new SelectionTimeoutError(this.timeoutMs)));
      resolution.then(
        (value) => {
          this.options.clock.clearTimer(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.options.clock.clearTimer(timer);
          reject(error);
        },
      );
    });
  }

  private report(error: Error): void {
    try {
      this.options.onError(error);
    } catch {
      // a failing error handler must not stop the refreshes
    }
  }
}

/** Defaults of a config built by hand without `selection` (the schema's). */
const DEFAULT_REFRESH_S = 300;

/**
 * The refresher of a config's selection: resolves `selection.rules` with the explicit
 * `markets` against `source` every `selection.refresh_s`, starting from the explicit markets
 * alone (so a venue that fails at start still leaves them selected). Call start() on it.
 */
export function refresherFor(
  config: AppConfig,
  source: MarketDataSource,
  clock: Clock,
  handlers: Pick<SelectionRefresherOptions, 'onChange' | 'onError'> & { readonly timeoutMs?: number; readonly resolve?: ResolveOptions },
): SelectionRefresher {
  const settings = selectionSettings(config);
  return new SelectionRefresher({
    resolve: () => resolveSelection(source, settings, clock, handlers.resolve),
    clock,
    refreshMs: (config.selection?.refresh_s ?? DEFAULT_REFRESH_S) * 1000,
    ...(handlers.timeoutMs !== undefined ? { timeoutMs: handlers.timeoutMs } : {}),
    onChange: handlers.onChange,
    onError: handlers.onError,
    initial: explicitSelection(settings, clock.now()),
  });
}
