/**
 * Kalshi's trading fee for one fill, exactly, in micro-dollars (µ$, millionths of a dollar).
 *
 * Model (ws-v2.md §15.1):
 * - taker fee = roundUp(M × 0.07 × C × P × (1 − P))
 * - maker fee = roundUp(M × 0.0175 × C × P × (1 − P)) for fee types that charge makers
 *   (`quadratic_with_maker_fees`, `quadratic_with_combo_maker_fees`); plain `quadratic` charges
 *   takers only, so a maker fill there costs 0.
 * where C is the number of contracts, P the price in dollars and M the series' (or event's
 * override) fee multiplier. P × (1 − P) is the same on either leg, so the leg does not matter.
 * Rounding is per fill, up to $0.000001 (Kalshi's example: model fee $0.00363825 → $0.003639);
 * the further rounding to the account's precision happens on Kalshi's side per order and is
 * not modelled here.
 *
 * `flat`: Kalshi's Series reference says it "is described by the Specific Trading Fees Table"
 * of its fee schedule PDF; that table's content is not available to this code base. It is read
 * here as the general quadratic curve with maker fees charged (the same as
 * `quadratic_with_maker_fees`), so an estimate for a `flat` series never drops a maker fee to 0.
 * The fee the venue reports on each fill (`fee_cost`) stays the number used for accounting; this
 * model serves estimates (quoting edge, simulation).
 *
 * Arithmetic: with the multiplier in thousandths (m), the count in hundredths (h) and the price
 * in ticks of a cent (p), the taker fee in µ$ is
 *   (m/1000) × (7/100) × (h/100) × (p/100) × ((100 − p)/100) × 10^6 = 7·m·h·p·(100 − p) / 10^5
 * and the maker fee is a quarter of that, 7·m·h·p·(100 − p) / (4·10^5). Both are computed with
 * BigInt (the product can pass 2^53) and rounded up by ceiling division.
 */

import { ProtocolError, parseScaled } from '../protocol/fixed.js';

export type FeeType = 'quadratic' | 'quadratic_with_maker_fees' | 'quadratic_with_combo_maker_fees' | 'flat';

export interface FeeSchedule {
  readonly feeType: FeeType;
  /** the series' fee_multiplier times 1000, an integer (0.5 -> 500) */
  readonly multiplierMilli: number;
}

/** Kalshi's default: takers pay the general curve, makers pay nothing, multiplier 1. */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = Object.freeze({ feeType: 'quadratic', multiplierMilli: 1000 });

const FEE_TYPES: readonly FeeType[] = ['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat'];

/** The wire's `fee_type` / `fee_type_override` string -> FeeType; anything else is refused. */
export function parseFeeType(value: unknown): FeeType {
  if (typeof value === 'string') {
    for (const feeType of FEE_TYPES) if (feeType === value) return feeType;
  }
  const shown =
    typeof value === 'string' ? JSON.stringify(value).slice(0, 60) : value === undefined ? 'nothing' : `${typeof value} ${String(value).slice(0, 40)}`;
  throw new ProtocolError(`fee_type: expected one of ${FEE_TYPES.join(', ')}, got ${shown}`);
}

/**
 * The wire's `fee_multiplier` (a JSON number such as 0.5, or a decimal string) -> exact
 * thousandths (500). Refuses negative values, more than 3 decimals, non-finite numbers and
 * anything that is not a decimal.
 */
export function parseFeeMultiplier(value: unknown): number {
  const milli = parseScaled(value, 3, 'fee_multiplier');
  if (milli < 0) throw new ProtocolError(`fee_multiplier: ${String(value)} is negative`);
  return milli;
}

/** Whether the fee type charges the maker side of a fill. */
export function chargesMakers(feeType: FeeType): boolean {
  return feeType !== 'quadratic';
}

const TAKER_DIVISOR = 100_000n; // 10^5, see the module comment
const MAKER_DIVISOR = 400_000n; // 0.0175 = 0.07 / 4

/**
 * Kalshi's fee for one fill, in micro-dollars, rounded UP to $0.000001.
 * priceTicks 1..99 (P(1-P) is the same on either leg), countHundredths > 0.
 */
export function fillFeeMicros(priceTicks: number, countHundredths: number, isTaker: boolean, schedule: FeeSchedule): number {
  if (!Number.isInteger(priceTicks) || priceTicks < 1 || priceTicks > 99) {
    throw new RangeError(`fee: price must be an integer number of ticks in 1..99, got ${priceTicks}`);
  }
  if (!Number.isSafeInteger(countHundredths) || countHundredths <= 0) {
    throw new RangeError(`fee: count must be a positive safe integer of hundredths, got ${countHundredths}`);
  }
  if (typeof isTaker !== 'boolean') throw new RangeError(`fee: isTaker must be a boolean, got ${typeof isTaker}`);
  if (schedule === null || typeof schedule !== 'object') throw new RangeError('fee: a fee schedule is required');
  if (!FEE_TYPES.includes(schedule.feeType)) throw new RangeError(`fee: unknown fee type ${String(schedule.feeType)}`);
  const m = schedule.multiplierMilli;
  if (!Number.isSafeInteger(m) || m < 0) {
    throw new RangeError(`fee: multiplierMilli must be a non-negative safe integer, got ${m}`);
  }
  if (!isTaker && !chargesMakers(schedule.feeType)) return 0;
  const numerator = 7n * BigInt(m) * BigInt(countHundredths) * BigInt(priceTicks * (100 - priceTicks));
  const divisor = isTaker ? TAKER_DIVISOR : MAKER_DIVISOR;
  const micros = (numerator + divisor - 1n) / divisor;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('fee: result is out of the safe integer range');
  return Number(micros);
}
