import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_FEE_SCHEDULE, chargesMakers, fillFeeMicros, parseFeeMultiplier, parseFeeType } from '../../src/fees/fee-model.js';
import type { FeeSchedule, FeeType } from '../../src/fees/fee-model.js';
import { ProtocolError } from '../../src/protocol/fixed.js';

const QUAD: FeeSchedule = { feeType: 'quadratic', multiplierMilli: 1000 };
const MAKER: FeeSchedule = { feeType: 'quadratic_with_maker_fees', multiplierMilli: 1000 };
const COMBO: FeeSchedule = { feeType: 'quadratic_with_combo_maker_fees', multiplierMilli: 1000 };
const HALF_MAKER: FeeSchedule = { feeType: 'quadratic_with_maker_fees', multiplierMilli: 500 };
const ZERO_MAKER: FeeSchedule = { feeType: 'quadratic_with_maker_fees', multiplierMilli: 0 };

describe('fees/fee-model', () => {
  describe('fillFeeMicros, hand-worked', () => {
    it('reproduces the model fee $0.00363825 rounded up to $0.003639', () => {
      // 0.07 x 0.21 contracts x 0.55 x 0.45 = 0.00363825
      expect(fillFeeMicros(55, 21, true, QUAD)).to.equal(3639);
      expect(fillFeeMicros(45, 21, true, QUAD)).to.equal(3639);
    });

    it('charges a taker exactly when the model fee sits on a micro-dollar', () => {
      // 0.07 x 1 x 0.50 x 0.50 = 0.0175
      expect(fillFeeMicros(50, 100, true, QUAD)).to.equal(17_500);
      // 0.07 x 10 x 0.5 x 0.5 = 0.175
      expect(fillFeeMicros(50, 1000, true, QUAD)).to.equal(175_000);
      // 0.07 x 1 x 0.01 x 0.99 = 0.000693
      expect(fillFeeMicros(1, 100, true, QUAD)).to.equal(693);
      expect(fillFeeMicros(99, 100, true, QUAD)).to.equal(693);
    });

    it('rounds a fractional micro-dollar up', () => {
      // 0.07 x 0.01 x 0.01 x 0.99 = 0.00000693 -> 7 µ$
      expect(fillFeeMicros(1, 1, true, QUAD)).to.equal(7);
      // 0.07 x 3.33 x 0.37 x 0.63 = 0.05433561 -> 54336 µ$... exact value 54335.61 µ$
      expect(fillFeeMicros(37, 333, true, QUAD)).to.equal(54_336);
      // 0.07 x 2.5 x 0.2 x 0.8 = 0.028 exactly
      expect(fillFeeMicros(20, 250, true, QUAD)).to.equal(28_000);
    });

    it('charges makers a quarter of the taker rate only where the fee type says so', () => {
      // 0.0175 x 1 x 0.5 x 0.5 = 0.004375
      expect(fillFeeMicros(50, 100, false, MAKER)).to.equal(4375);
      expect(fillFeeMicros(50, 100, false, COMBO)).to.equal(4375);
      // 0.0175 x 0.01 x 0.01 x 0.99 = 0.0000017325 -> 2 µ$
      expect(fillFeeMicros(1, 1, false, MAKER)).to.equal(2);
      // 0.0175 x 0.21 x 0.55 x 0.45 = 0.0009095625 -> 910 µ$
      expect(fillFeeMicros(55, 21, false, MAKER)).to.equal(910);
      expect(fillFeeMicros(50, 100, false, QUAD)).to.equal(0);
      expect(fillFeeMicros(50, 100, true, MAKER)).to.equal(17_500);
    });

    it('scales with the multiplier: 0, 0.5 and 1', () => {
      expect(fillFeeMicros(50, 100, true, HALF_MAKER)).to.equal(8750);
      // 0.5 x 0.0175 x 1 x 0.25 = 0.0021875 -> 2188
      expect(fillFeeMicros(50, 100, false, HALF_MAKER)).to.equal(2188);
      // 0.5 x 0.07 x 0.21 x 0.2475 = 0.001819125 -> 1820
      expect(fillFeeMicros(55, 21, true, HALF_MAKER)).to.equal(1820);
      expect(fillFeeMicros(50, 100, true, ZERO_MAKER)).to.equal(0);
      expect(fillFeeMicros(50, 100, false, ZERO_MAKER)).to.equal(0);
      expect(fillFeeMicros(37, 333, true, { feeType: 'quadratic', multiplierMilli: 1000 })).to.equal(fillFeeMicros(37, 333, true, DEFAULT_FEE_SCHEDULE));
    });

    it('stays exact where the intermediate product passes 2^53', () => {
      // 7 x 1000 x 123456789012 x 37 x 63 = 2014444426308804000; / 10^5 = 20144444263088.04 -> ...089
      expect(fillFeeMicros(37, 123_456_789_012, true, QUAD)).to.equal(20_144_444_263_089);
      // 7 x 500 x 123456789012 x 2331 / (4 x 10^5) = 2518055532886.005 -> ...887
      expect(fillFeeMicros(63, 123_456_789_012, false, HALF_MAKER)).to.equal(2_518_055_532_887);
    });

    it('reads flat as the general curve with maker fees charged', () => {
      const flat: FeeSchedule = { feeType: 'flat', multiplierMilli: 1000 };
      expect(fillFeeMicros(50, 100, true, flat)).to.equal(17_500);
      expect(fillFeeMicros(50, 100, false, flat)).to.equal(4375);
      expect(chargesMakers('flat')).to.equal(true);
      expect(chargesMakers('quadratic')).to.equal(false);
    });

    it('refuses bad arguments with clear errors', () => {
      expect(() => fillFeeMicros(0, 100, true, QUAD)).to.throw(RangeError, /1\.\.99/);
      expect(() => fillFeeMicros(100, 100, true, QUAD)).to.throw(RangeError, /1\.\.99/);
      expect(() => fillFeeMicros(50.5, 100, true, QUAD)).to.throw(RangeError, /1\.\.99/);
      expect(() => fillFeeMicros(50, 0, true, QUAD)).to.throw(RangeError, /count/);
      expect(() => fillFeeMicros(50, -5, true, QUAD)).to.throw(RangeError, /count/);
      expect(() => fillFeeMicros(50, 1.5, true, QUAD)).to.throw(RangeError, /count/);
      expect(() => fillFeeMicros(50, 2 ** 53, true, QUAD)).to.throw(RangeError, /count/);
      expect(() => fillFeeMicros(50, 100, true, { feeType: 'quadratic', multiplierMilli: -1 })).to.throw(RangeError, /multiplier/);
      expect(() => fillFeeMicros(50, 100, true, { feeType: 'quadratic', multiplierMilli: 0.5 })).to.throw(RangeError, /multiplier/);
      expect(() => fillFeeMicros(50, 100, true, { feeType: 'bogus' as FeeType, multiplierMilli: 1000 })).to.throw(RangeError, /fee type/);
      expect(() => fillFeeMicros(50, 100, true, undefined as unknown as FeeSchedule)).to.throw(RangeError, /schedule/);
      expect(() => fillFeeMicros(50, 100, 'yes' as unknown as boolean, QUAD)).to.throw(RangeError, /isTaker/);
      expect(() => fillFeeMicros(50, Number.MAX_SAFE_INTEGER, true, { feeType: 'quadratic', multiplierMilli: 1_000_000 })).to.throw(RangeError, /safe/);
    });
  });

  describe('fillFeeMicros, property', () => {
    it('is the exact rational fee rounded up: fee >= exact and fee < exact + 1 µ$', () => {
      const feeTypes: FeeType[] = ['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat'];
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 99 }),
          fc.integer({ min: 1, max: 100_000_000 }),
          fc.boolean(),
          fc.constantFrom(...feeTypes),
          fc.integer({ min: 0, max: 5000 }),
          (price, count, isTaker, feeType, multiplierMilli) => {
            const fee = fillFeeMicros(price, count, isTaker, { feeType, multiplierMilli });
            // exact fee in dollars = (m/1000) x rate x (count/100) x (price/100) x (1 - price/100),
            // rate 7/100 (taker) or 175/10000 (maker); in µ$ multiply by 10^6.
            const [rateNum, rateDen] = isTaker ? [7n, 100n] : [175n, 10_000n];
            const charged = isTaker || feeType !== 'quadratic';
            const num = charged ? BigInt(multiplierMilli) * rateNum * BigInt(count) * BigInt(price) * BigInt(100 - price) * 1_000_000n : 0n;
            const den = 1000n * rateDen * 100n * 100n * 100n;
            const f = BigInt(fee);
            expect(f * den >= num, `fee ${fee} below exact`).to.equal(true);
            expect(f * den < num + den, `fee ${fee} a micro-dollar or more above exact`).to.equal(true);
            expect(fee).to.equal(fillFeeMicros(100 - price, count, isTaker, { feeType, multiplierMilli }));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('parseFeeType', () => {
    it('accepts the four fee types', () => {
      expect(parseFeeType('quadratic')).to.equal('quadratic');
      expect(parseFeeType('quadratic_with_maker_fees')).to.equal('quadratic_with_maker_fees');
      expect(parseFeeType('quadratic_with_combo_maker_fees')).to.equal('quadratic_with_combo_maker_fees');
      expect(parseFeeType('flat')).to.equal('flat');
    });

    it('refuses anything else', () => {
      expect(() => parseFeeType('Quadratic')).to.throw(ProtocolError, /fee_type.*"Quadratic"/);
      expect(() => parseFeeType('')).to.throw(ProtocolError, /fee_type/);
      expect(() => parseFeeType(undefined)).to.throw(ProtocolError, /nothing/);
      expect(() => parseFeeType(null)).to.throw(ProtocolError, /fee_type/);
      expect(() => parseFeeType(1)).to.throw(ProtocolError, /number 1/);
    });
  });

  describe('parseFeeMultiplier', () => {
    it('reads JSON numbers and decimal strings as exact thousandths', () => {
      expect(parseFeeMultiplier(1)).to.equal(1000);
      expect(parseFeeMultiplier(0.5)).to.equal(500);
      expect(parseFeeMultiplier(0)).to.equal(0);
      expect(parseFeeMultiplier('0.5')).to.equal(500);
      expect(parseFeeMultiplier('1.25')).to.equal(1250);
      expect(parseFeeMultiplier(0.001)).to.equal(1);
      expect(parseFeeMultiplier('2.500000')).to.equal(2500);
      expect(parseFeeMultiplier(0.3)).to.equal(300);
    });

    it('refuses negative, over-precise, non-finite and non-decimal values', () => {
      expect(() => parseFeeMultiplier(-0.5)).to.throw(ProtocolError, /negative/);
      expect(() => parseFeeMultiplier('-1')).to.throw(ProtocolError, /negative/);
      expect(() => parseFeeMultiplier(0.0005)).to.throw(ProtocolError, /precision/);
      expect(() => parseFeeMultiplier('1.0001')).to.throw(ProtocolError, /precision/);
      expect(() => parseFeeMultiplier(Number.POSITIVE_INFINITY)).to.throw(ProtocolError, /fee_multiplier/);
      expect(() => parseFeeMultiplier(Number.NaN)).to.throw(ProtocolError, /fee_multiplier/);
      expect(() => parseFeeMultiplier('abc')).to.throw(ProtocolError, /not a decimal/);
      expect(() => parseFeeMultiplier(null)).to.throw(ProtocolError, /fee_multiplier/);
      expect(() => parseFeeMultiplier(1e300)).to.throw(ProtocolError, /fee_multiplier/);
    });
  });
});
