/**
 * The fills journal line: one JSON object per fill. Other tools read these files, so the field
 * names and encodings are a contract:
 *
 *   {"ts":"2026-05-15T17:20:00.123Z","ticker":"KX-T1","order_id":"o-1","client_order_id":"c-1",
 *    "side":"yes","action":"buy","price":"0.4200","count":"3.00","fee":"0.001234","is_taker":false}
 *
 * - ts: ISO-8601 UTC with milliseconds (Date.prototype.toISOString)
 * - price: 4-decimal dollars on the order's leg (`side`), as ticksToDollars writes it
 * - count: 2-decimal contract count, as hundredthsToCount writes it
 * - fee: 6-decimal dollars, as microsToDollars writes it
 * - client_order_id: a string, or null when the order had none
 *
 * Reading is strict: every field present, no other field, each in exactly the canonical form
 * written here, so a line read back and written again is the same line.
 */

import { countToHundredths, dollarsToMicros, dollarsToTicks, hundredthsToCount, microsToDollars, ticksToDollars } from '../protocol/fixed.js';
import { FillError, validateFill } from './fill.js';
import type { Fill } from './fill.js';

export interface FillRecord {
  readonly ts: string;
  readonly ticker: string;
  readonly order_id: string;
  readonly client_order_id: string | null;
  readonly side: 'yes' | 'no';
  readonly action: 'buy' | 'sell';
  readonly price: string;
  readonly count: string;
  readonly fee: string;
  readonly is_taker: boolean;
}

const FIELDS: readonly (keyof FillRecord)[] = ['ts', 'ticker', 'order_id', 'client_order_id', 'side', 'action', 'price', 'count', 'fee', 'is_taker'];

export class FillRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FillRecordError';
  }
}

/** A Fill as its journal object (key order as in FIELDS). */
export function toFillRecord(fill: Fill): FillRecord {
  validateFill(fill);
  return {
    ts: new Date(fill.tsMs).toISOString(),
    ticker: fill.ticker,
    order_id: fill.orderId,
    client_order_id: fill.clientOrderId ?? null,
    side: fill.side,
    action: fill.action,
    price: ticksToDollars(fill.price),
    count: hundredthsToCount(fill.count),
    fee: microsToDollars(fill.feeMicros),
    is_taker: fill.isTaker,
  };
}

/** The journal line for a fill (no trailing newline). */
export function formatFillRecord(fill: Fill): string {
  return JSON.stringify(toFillRecord(fill));
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return (JSON.stringify(value) ?? typeof value).slice(0, 60);
}

/** Reads one journal line back into a Fill; throws a FillRecordError naming what is wrong. */
export function parseFillRecord(line: string): Fill {
  if (typeof line !== 'string') throw new FillRecordError(`fill record: expected a line of text, got ${typeof line}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new FillRecordError(`fill record: not JSON (${(error as Error).message}): ${line.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FillRecordError(`fill record: expected a JSON object, got ${show(parsed)}`);
  }
  const r = parsed as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new FillRecordError(`fill record: unknown field ${JSON.stringify(key)}`);
  }
  for (const key of FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(r, key)) throw new FillRecordError(`fill record: missing field ${key}`);
  }
  const where = typeof r['ticker'] === 'string' ? ` (${r['ticker']})` : '';
  const bad = (field: string, expected: string): never => {
    throw new FillRecordError(`fill record${where}: ${field} must be ${expected}, got ${show(r[field])}`);
  };
  const canonical = <T>(field: string, expected: string, read: (v: unknown) => T, write: (v: T) => string): T => {
    const text = r[field];
    if (typeof text !== 'string') return bad(field, expected);
    let value: T;
    try {
      value = read(text);
    } catch {
      return bad(field, expected);
    }
    if (write(value) !== text) bad(field, expected);
    return value;
  };

  const ts = r['ts'];
  if (typeof ts !== 'string' || !ISO_MS.test(ts)) bad('ts', 'an ISO-8601 UTC time with milliseconds');
  const tsMs = Date.parse(ts as string);
  if (!Number.isFinite(tsMs) || new Date(tsMs).toISOString() !== ts) bad('ts', 'a valid ISO-8601 UTC time with milliseconds');
  if (typeof r['ticker'] !== 'string' || r['ticker'] === '') bad('ticker', 'a non-empty string');
  if (typeof r['order_id'] !== 'string' || r['order_id'] === '') bad('order_id', 'a non-empty string');
  const clientOrderId = r['client_order_id'];
  if (clientOrderId !== null && typeof clientOrderId !== 'string') bad('client_order_id', 'a string or null');
  if (r['side'] !== 'yes' && r['side'] !== 'no') bad('side', '"yes" or "no"');
  if (r['action'] !== 'buy' && r['action'] !== 'sell') bad('action', '"buy" or "sell"');
  const price = canonical('price', 'a 4-decimal dollar price string from 0.0100 to 0.9900', (v) => dollarsToTicks(v), ticksToDollars);
  if (price < 1 || price > 99) bad('price', 'a 4-decimal dollar price string from 0.0100 to 0.9900');
  const count = canonical('count', 'a positive 2-decimal count string', (v) => countToHundredths(v), hundredthsToCount);
  if (count <= 0) bad('count', 'a positive 2-decimal count string');
  const feeMicros = canonical('fee', 'a non-negative 6-decimal dollar string', (v) => dollarsToMicros(v), microsToDollars);
  if (feeMicros < 0) bad('fee', 'a non-negative 6-decimal dollar string');
  if (typeof r['is_taker'] !== 'boolean') bad('is_taker', 'a boolean');

  const fill: Fill = {
    tsMs,
    ticker: r['ticker'] as string,
    orderId: r['order_id'] as string,
    ...(clientOrderId === null ? {} : { clientOrderId: clientOrderId as string }),
    side: r['side'] as Fill['side'],
    action: r['action'] as Fill['action'],
    price,
    count,
    feeMicros,
    isTaker: r['is_taker'] as boolean,
  };
  try {
    validateFill(fill);
  } catch (error) {
    if (error instanceof FillError) throw new FillRecordError(`fill record: ${error.message}`);
    throw error;
  }
  return fill;
}
