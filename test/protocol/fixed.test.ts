import { expect } from 'chai';
import fc from 'fast-check';
import {
  ProtocolError,
  countToHundredths,
  parseScaled,
  dollarsToE4,
  dollarsToMicros,
  microsToDollars,
  dollarsToTicks,
  hundredthsToCount,
  ticksToDollars,
} from '../../src/protocol/fixed.js';

describe('protocol/fixed', () => {
  it('reads dollar strings as exact ticks', () => {
    expect(dollarsToTicks('0.4200')).to.equal(42);
    expect(dollarsToTicks('0.42')).to.equal(42);
    expect(dollarsToTicks('0.0100')).to.equal(1);
    expect(dollarsToTicks('0.9900')).to.equal(99);
    expect(dollarsToTicks('1.0000')).to.equal(100);
    expect(dollarsToTicks(0.29)).to.equal(29); // 0.29 is not exact in binary; still 29
    expect(dollarsToTicks('0.570000')).to.equal(57);
  });

  it('refuses sub-cent, malformed and out-of-range prices', () => {
    expect(() => dollarsToTicks('0.0050')).to.throw(ProtocolError, /sub-cent/);
    expect(() => dollarsToTicks('abc')).to.throw(ProtocolError, /not a decimal/);
    expect(() => dollarsToTicks('1.5000')).to.throw(ProtocolError, /outside/);
    expect(() => dollarsToTicks(undefined)).to.throw(ProtocolError);
    expect(() => dollarsToTicks('0.42001')).to.throw(ProtocolError, /precision/);
  });

  it('writes ticks as 4-decimal dollar strings', () => {
    expect(ticksToDollars(42)).to.equal('0.4200');
    expect(ticksToDollars(1)).to.equal('0.0100');
    expect(ticksToDollars(99)).to.equal('0.9900');
    expect(ticksToDollars(100)).to.equal('1.0000');
    expect(() => ticksToDollars(101)).to.throw(RangeError);
    expect(() => ticksToDollars(4.5)).to.throw(RangeError);
  });

  it('round-trips every tick', () => {
    for (let t = 0; t <= 100; t++) expect(dollarsToTicks(ticksToDollars(t))).to.equal(t);
  });

  it('reads and writes counts as exact hundredths, signed and fractional', () => {
    expect(countToHundredths('136.00')).to.equal(13600);
    expect(countToHundredths('74.77')).to.equal(7477);
    expect(countToHundredths('-25.00')).to.equal(-2500);
    expect(countToHundredths('5')).to.equal(500);
    expect(countToHundredths(0.01)).to.equal(1);
    expect(() => countToHundredths('1.005')).to.throw(ProtocolError);
    expect(hundredthsToCount(500)).to.equal('5.00');
    expect(hundredthsToCount(7477)).to.equal('74.77');
    expect(hundredthsToCount(-2500)).to.equal('-25.00');
    expect(hundredthsToCount(1)).to.equal('0.01');
  });

  it('sums fractional sizes exactly where floats would drift', () => {
    let h = 0;
    for (let i = 0; i < 1000; i++) h += countToHundredths('0.10');
    expect(hundredthsToCount(h)).to.equal('100.00');
  });

  it('reads money to ten-thousandths', () => {
    expect(dollarsToE4('50.0000')).to.equal(500000);
    expect(dollarsToE4('0.010000')).to.equal(100);
    expect(dollarsToE4('8.40')).to.equal(84000);
  });

  it('reads money to micro-dollars and writes it back at 6 decimals', () => {
    expect(dollarsToMicros('0.010000')).to.equal(10_000);
    expect(dollarsToMicros('0.003639')).to.equal(3639);
    expect(dollarsToMicros('50.0000')).to.equal(50_000_000);
    expect(dollarsToMicros('-1.5')).to.equal(-1_500_000);
    expect(dollarsToMicros(0.000001)).to.equal(1);
    expect(dollarsToMicros('0')).to.equal(0);
    expect(() => dollarsToMicros('0.0000001', 'fee_cost')).to.throw(ProtocolError, /fee_cost.*precision/);
    expect(() => dollarsToMicros('x', 'fee_cost')).to.throw(ProtocolError, /fee_cost.*not a decimal/);
    expect(() => dollarsToMicros(undefined)).to.throw(ProtocolError, /amount/);
    expect(microsToDollars(3639)).to.equal('0.003639');
    expect(microsToDollars(10_000)).to.equal('0.010000');
    expect(microsToDollars(0)).to.equal('0.000000');
    expect(microsToDollars(-1_500_000)).to.equal('-1.500000');
    expect(microsToDollars(-1)).to.equal('-0.000001');
    expect(microsToDollars(123_456_789_012)).to.equal('123456.789012');
    expect(() => microsToDollars(1.5)).to.throw(RangeError);
    expect(() => microsToDollars(2 ** 53)).to.throw(RangeError);
  });

  it('round-trips micro-dollars', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (micros) => {
        expect(dollarsToMicros(microsToDollars(micros))).to.equal(micros);
      }),
    );
  });

  /** The reading of a decimal as a regular expression states it: the one-pass parser must agree with it on everything. */
  function parseScaledByPattern(value: unknown, scale: number, what: string): number {
    let text: string;
    if (typeof value === 'string') text = value.trim();
    else if (typeof value === 'number' && Number.isFinite(value)) text = /e/i.test(String(value)) ? value.toFixed(12) : String(value);
    else
      throw new ProtocolError(
        `${what}: expected a decimal string, got ${value === undefined ? 'nothing' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60)}`,
      );
    const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) throw new ProtocolError(`${what}: not a decimal number: ${JSON.stringify(text)}`);
    const [, sign, whole, fractionRaw = ''] = match;
    const fraction = fractionRaw.replace(/0+$/, '');
    if (fraction.length > scale) throw new ProtocolError(`${what}: ${text} has more precision than ${scale} decimals`);
    const n = Number(whole! + fraction.padEnd(scale, '0'));
    if (!Number.isSafeInteger(n)) throw new ProtocolError(`${what}: ${text} is out of range`);
    return sign ? -n : n;
  }

  function outcome(parse: () => number): { value: number } | { error: string } {
    try {
      return { value: parse() };
    } catch (error) {
      expect(error).to.be.instanceOf(ProtocolError);
      return { error: (error as Error).message };
    }
  }

  it('reads decimals exactly as the regular expression -?digits(.digits)? reads them, errors included', () => {
    const decimalish = fc.stringMatching(/^[ \t]?-?[0-9]{0,18}(\.[0-9]{0,8})?[ \t]?$/);
    const noisy = fc.string({ unit: fc.constantFrom('0', '1', '9', '-', '.', ' ', 'e', '+', '٣', 'x'), maxLength: 12 });
    const value = fc.oneof(
      decimalish,
      noisy,
      fc.double({ noNaN: true }),
      fc.integer(),
      fc.constantFrom(null, undefined, '', '-', '.', '1.', '.5', '-0', '9007199254740991', '9007199254740992', '0.00000001'),
    );
    fc.assert(
      fc.property(value, fc.constantFrom(0, 2, 4, 6), (input, scale) => {
        const actual = outcome(() => parseScaled(input, scale, 'x'));
        const expected = outcome(() => parseScaledByPattern(input, scale, 'x'));
        expect(Object.is((actual as { value?: number }).value, (expected as { value?: number }).value)).to.equal(true);
        expect(actual).to.deep.equal(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
