/**
 * Events: everything the logger writes that is not an intent (fills, positions, public
 * trades, ticker updates, book ladders at debug, status lines, errors). One JSON object
 * per line in the events file.
 */
import type { LogLevel } from '../config/types.js';

export interface LogEvent {
  /** ISO-8601, stamped by the producer */
  readonly ts: string;
  readonly level: LogLevel;
  /** what happened: fill, position, trade, ticker, book, status, error, ... */
  readonly kind: string;
  readonly ticker?: string;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** Lower is more severe; a record is written when its severity <= the configured level's. */
export const LEVEL_SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Short human line for the console. */
export function formatEventLine(event: LogEvent): string {
  const ticker = event.ticker === undefined ? '' : ` ${event.ticker}`;
  return `${event.ts} ${event.level.toUpperCase()} ${event.kind}${ticker} ${event.message}`;
}
