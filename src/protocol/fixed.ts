/**
 * Exact conversions between Kalshi's wire encodings and the integers used inside the engine.
 *
 * - Prices travel as FixedPointDollars strings ("0.4200"). Inside, a price is an integer
 *   number of ticks of one cent (42). Sub-cent prices are refused with a ProtocolError.
 * - Sizes travel as FixedPointCount strings ("136.00", fractional allowed to 0.01).
 *   Inside, a size is an integer number of hundredths of a contract (13600).
 * - Money fields (costs, fees) may carry up to 6 decimals; they are kept as integer
 *   ten-thousandths of a dollar ("e4") where needed.
 *
 * No binary float ever holds a price or a size: strings are split on the decimal point
 * and the digits are read as integers. JSON numbers are accepted defensively (a claim
 * exists that some fields sometimes arrive as numbers) and go through their shortest
 * decimal representation, which is exact for every value the wire can carry.
 */

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/**
 * Parse a decimal string/number into an integer scaled by 10^scale, exactly. Accepts
 * `-?digits(.digits)?` (ASCII digits, surrounding whitespace trimmed); trailing zeros of the
 * fraction are not precision. One pass checks the shape, a second adds up the digits; no
 * regular expression and no intermediate strings: it runs for every price and size of
 * every book update.
 */
export function parseScaled(value: unknown, scale: number, what: string): number {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = numberToPlain(value);
  else throw new ProtocolError(`${what}: expected a decimal string, got ${describe(value)}`);
  const length = text.length;
  const negative = length > 0 && text.charCodeAt(0) === MINUS;
  const wholeStart = negative ? 1 : 0;
  let index = wholeStart;
  while (index < length && isDigit(text.charCodeAt(index))) index++;
  const wholeEnd = index;
  let fractionEnd = wholeEnd; // one past the last significant (non-trailing-zero) fraction digit
  if (index < length && text.charCodeAt(index) === DOT) {
    index++;
    const fractionStart = index;
    while (index < length && isDigit(text.charCodeAt(index))) {
      if (text.charCodeAt(index) !== ZERO) fractionEnd = index + 1;
      index++;
    }
    if (index === fractionStart) index = -1; // "1." has no fraction digits
  }
  if (wholeEnd === wholeStart || index !== length) throw new ProtocolError(`${what}: not a decimal number: ${JSON.stringify(text)}`);
  const fractionDigits = fractionEnd > wholeEnd ? fractionEnd - wholeEnd - 1 : 0;
  if (fractionDigits > scale) throw new ProtocolError(`${what}: ${text} has more precision than ${scale} decimals`);
  let n = 0;
  for (let at = wholeStart; at < wholeEnd; at++) n = n * 10 + (text.charCodeAt(at) - ZERO);
  for (let at = wholeEnd + 1; at < fractionEnd; at++) n = n * 10 + (text.charCodeAt(at) - ZERO);
  for (let pad = fractionDigits; pad < scale; pad++) n *= 10;
  // exact while below 2^53; past it the value stays past it, and is refused
  if (!Number.isSafeInteger(n)) throw new ProtocolError(`${what}: ${text} is out of range`);
  return negative ? -n : n;
}

function numberToPlain(n: number): string {
  // Shortest round-trip representation; expand exponent forms like 1e-7.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(12);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

/** "0.4200" -> 42 (cents). Throws on sub-cent prices and on prices outside 0..100 cents. */
export function dollarsToTicks(value: unknown, what = 'price'): number {
  const e4 = parseScaled(value, 4, what);
  if (e4 % 100 !== 0) throw new ProtocolError(`${what}: sub-cent price ${String(value)} is not supported`);
  const ticks = e4 / 100;
  if (ticks < 0 || ticks > 100) throw new ProtocolError(`${what}: ${String(value)} is outside $0..$1`);
  return ticks;
}

/** 42 -> "0.4200". Integer arithmetic only. */
export function ticksToDollars(ticks: number): string {
  if (!Number.isInteger(ticks) || ticks < 0 || ticks > 100) {
    throw new RangeError(`ticks must be an integer in 0..100, got ${ticks}`);
  }
  const whole = Math.floor(ticks / 100);
  const cents = ticks % 100;
  return `${whole}.${String(cents).padStart(2, '0')}00`;
}

/** "136.00" -> 13600 (hundredths of a contract). Signed values allowed ("-25.00"). */
export function countToHundredths(value: unknown, what = 'count'): number {
  return parseScaled(value, 2, what);
}

/** 13600 -> "136.00"; -2500 -> "-25.00". */
export function hundredthsToCount(h: number): string {
  if (!Number.isSafeInteger(h)) throw new RangeError(`hundredths must be a safe integer, got ${h}`);
  const sign = h < 0 ? '-' : '';
  const a = Math.abs(h);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Money string with up to 6 decimals -> integer ten-thousandths of a dollar (must be exact at 4 dp). */
export function dollarsToE4(value: unknown, what = 'amount'): number {
  return parseScaled(value, 4, what);
}

/** Integer ten-thousandths of a dollar -> "12.3400". */
export function e4ToDollars(e4: number): string {
  if (!Number.isSafeInteger(e4)) throw new RangeError(`e4 must be a safe integer, got ${e4}`);
  const sign = e4 < 0 ? '-' : '';
  const a = Math.abs(e4);
  return `${sign}${Math.floor(a / 10000)}.${String(a % 10000).padStart(4, '0')}`;
}

/** Legacy integer cents (1..99) -> ticks, validated. */
export function legacyCentsToTicks(value: unknown, what = 'price'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw new ProtocolError(`${what}: expected integer cents 0..100, got ${describe(value)}`);
  }
  return value;
}

/** Legacy integer contract count -> hundredths. */
export function legacyCountToHundredths(value: unknown, what = 'count'): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ProtocolError(`${what}: expected an integer count, got ${describe(value)}`);
  }
  return value * 100;
}

/** Money string with up to 6 decimals ("0.010000", a fee_cost) -> integer micro-dollars (10000). */
export function dollarsToMicros(value: unknown, what = 'amount'): number {
  return parseScaled(value, 6, what);
}

/** Integer micro-dollars -> 6-decimal dollar string: 3639 -> "0.003639", -1500000 -> "-1.500000". */
export function microsToDollars(micros: number): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`micros must be a safe integer, got ${micros}`);
  const sign = micros < 0 ? '-' : '';
  const a = Math.abs(micros);
  return `${sign}${Math.floor(a / 1_000_000)}.${String(a % 1_000_000).padStart(6, '0')}`;
}
