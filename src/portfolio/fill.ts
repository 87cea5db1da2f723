/**
 * A fill as the engine knows it, and how it nets into a position.
 *
 * Kalshi nets the two legs of a market: buying YES at p adds YES at p; selling YES at p adds NO
 * at 100 − p; buying NO at q adds NO at q; selling NO at q adds YES at 100 − q. A position is
 * therefore one signed number of hundredths of a contract, + for YES and − for NO.
 */

export type Leg = 'yes' | 'no';
export type Action = 'buy' | 'sell';

export interface Fill {
  /** fill time, epoch milliseconds */
  readonly tsMs: number;
  readonly ticker: string;
  readonly orderId: string;
  readonly clientOrderId?: string;
  /** the leg of the order */
  readonly side: Leg;
  readonly action: Action;
  /** ticks of one cent on the order's leg, 1..99 */
  readonly price: number;
  /** hundredths of a contract, > 0 */
  readonly count: number;
  /** the exchange fee for this fill, micro-dollars, >= 0 */
  readonly feeMicros: number;
  readonly isTaker: boolean;
}

/** The leg a fill adds to and the price paid for it on that leg. */
export interface Acquisition {
  readonly leg: Leg;
  readonly price: number;
}

/** Kalshi's netting: which leg the fill acquires, at what price on that leg. */
export function acquisition(side: Leg, action: Action, price: number): Acquisition {
  if (action === 'buy') return { leg: side, price };
  return { leg: side === 'yes' ? 'no' : 'yes', price: 100 - price };
}

/** The last millisecond of the year 9999: later times have no plain ISO-8601 form. */
export const MAX_TS_MS = 253_402_300_799_999;

export class FillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FillError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).slice(0, 60);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Throws a FillError naming the first field that is not what a Fill needs. */
export function validateFill(fill: unknown): asserts fill is Fill {
  if (fill === null || typeof fill !== 'object') throw new FillError(`fill: expected an object, got ${show(fill)}`);
  const f = fill as Record<string, unknown>;
  const where = typeof f['ticker'] === 'string' && f['ticker'] !== '' ? ` (${f['ticker']})` : '';
  const bad = (field: string, expected: string): never => {
    throw new FillError(`fill${where}: ${field} must be ${expected}, got ${show(f[field])}`);
  };
  if (!Number.isSafeInteger(f['tsMs']) || (f['tsMs'] as number) < 0 || (f['tsMs'] as number) > MAX_TS_MS) {
    bad('tsMs', 'an integer of epoch milliseconds from 0 to the end of year 9999');
  }
  if (typeof f['ticker'] !== 'string' || f['ticker'] === '') bad('ticker', 'a non-empty string');
  if (typeof f['orderId'] !== 'string' || f['orderId'] === '') bad('orderId', 'a non-empty string');
  if (f['clientOrderId'] !== undefined && typeof f['clientOrderId'] !== 'string') bad('clientOrderId', 'a string when present');
  if (f['side'] !== 'yes' && f['side'] !== 'no') bad('side', '"yes" or "no"');
  if (f['action'] !== 'buy' && f['action'] !== 'sell') bad('action', '"buy" or "sell"');
  if (!Number.isInteger(f['price']) || (f['price'] as number) < 1 || (f['price'] as number) > 99) bad('price', 'an integer number of ticks in 1..99');
  if (!Number.isSafeInteger(f['count']) || (f['count'] as number) <= 0) bad('count', 'a positive integer of hundredths');
  if (!Number.isSafeInteger(f['feeMicros']) || (f['feeMicros'] as number) < 0) bad('feeMicros', 'a non-negative integer of micro-dollars');
  if (typeof f['isTaker'] !== 'boolean') bad('isTaker', 'a boolean');
}
