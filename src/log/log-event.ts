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
  /**
   * The JSON text of an object, written as `data` in place of serializing `data` (a frame's
   * message cut from the frame it came in). It must be that object's text: it is not checked.
   */
  readonly dataJson?: string;
}

/** Lower is more severe; a record is written when its severity <= the configured level's. */
export const LEVEL_SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The event's line in the events file: ts, level, kind, ticker, message, then data. */
export function formatEventJson(event: LogEvent): string {
  if (event.dataJson === undefined) return JSON.stringify(event);
  // every other field as JSON.stringify writes it, then the given text as `data`
  const { data: _data, dataJson, ...head } = event;
  return `${JSON.stringify(head).slice(0, -1)},"data":${dataJson}}`;
}

/** Short human line for the console. */
export function formatEventLine(event: LogEvent): string {
  const ticker = event.ticker === undefined ? '' : ` ${event.ticker}`;
  return `${event.ts} ${event.level.toUpperCase()} ${event.kind}${ticker} ${event.message}`;
}
