import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_RISK_LIMITS,
  LIMIT_KEY,
  RISK_LIMIT_KEYS,
  RiskConfigError,
  describeRiskLimits,
  parseRiskLimits,
  riskLimitsToConfig,
  validateRiskLimits,
} from '../../src/risk/limits.js';
import type { RiskLimits } from '../../src/risk/limits.js';
import { formatContracts, formatDollars, formatOrders } from '../../src/risk/format.js';

function problemsOf(config: unknown): readonly string[] {
  try {
    parseRiskLimits(config);
  } catch (error) {
    expect(error).to.be.instanceOf(RiskConfigError);
    return (error as RiskConfigError).problems;
  }
  expect.fail(`expected ${JSON.stringify(config)} to be refused`);
}

describe('risk/limits', () => {
  it('has a default for every limit, none of them off', () => {
    expect(DEFAULT_RISK_LIMITS).to.deep.equal({
      positionHundredths: 10_000,
      positionCostMicros: 50_000_000,
      exposureMicros: 250_000_000,
      openOrdersPerMarket: 10,
      ordersPerSecond: 8,
      maxDrawdownMicros: 50_000_000,
      dailyLossMicros: 20_000_000,
    });
    // the drawdown is counted from a peak never below the day's start, so it must be the larger
    expect(DEFAULT_RISK_LIMITS.maxDrawdownMicros!).to.be.greaterThan(DEFAULT_RISK_LIMITS.dailyLossMicros!);
    expect(Object.isFrozen(DEFAULT_RISK_LIMITS)).to.equal(true);
    expect(parseRiskLimits(undefined)).to.deep.equal(DEFAULT_RISK_LIMITS);
    expect(parseRiskLimits({})).to.deep.equal(DEFAULT_RISK_LIMITS);
  });

  it('reads contracts, dollars and orders exactly, from numbers and strings', () => {
    const limits = parseRiskLimits({
      position_contracts: '2.5',
      position_dollars: '$12.345678',
      exposure_dollars: 0.1,
      open_orders: '4',
      orders_per_second: 3,
      max_drawdown_dollars: ' 40 ',
      daily_loss_dollars: '19.99',
    });
    expect(limits).to.deep.equal({
      positionHundredths: 250,
      positionCostMicros: 12_345_678,
      exposureMicros: 100_000,
      openOrdersPerMarket: 4,
      ordersPerSecond: 3,
      maxDrawdownMicros: 40_000_000,
      dailyLossMicros: 19_990_000,
    });
  });

  it('turns a limit off only when told: "off" or null; a missing key is the default', () => {
    const limits = parseRiskLimits({ position_contracts: 'off', daily_loss_dollars: null, open_orders: 'OFF' });
    expect(limits.positionHundredths).to.equal(undefined);
    expect(limits.dailyLossMicros).to.equal(undefined);
    expect(limits.openOrdersPerMarket).to.equal(undefined);
    expect(limits.exposureMicros).to.equal(DEFAULT_RISK_LIMITS.exposureMicros);
    expect(parseRiskLimits({ exposure_dollars: undefined }).exposureMicros).to.equal(DEFAULT_RISK_LIMITS.exposureMicros);
  });

  it('refuses 0, saying how to turn a limit off', () => {
    for (const key of RISK_LIMIT_KEYS) {
      const [problem] = problemsOf({ [key]: 0 });
      expect(problem).to.equal(`risk.${key}: 0 would allow nothing and is easily read as "no limit"; give a positive amount, or "off" to turn the limit off`);
    }
    expect(problemsOf({ position_dollars: '0.000000' })[0]).to.match(/^risk\.position_dollars: 0 would allow nothing/);
  });

  it('refuses negatives, fractions finer than the unit, non-numbers, and infinities with the key named', () => {
    expect(problemsOf({ position_contracts: -5 })).to.deep.equal(['risk.position_contracts: must be positive (or "off"), got number -5']);
    expect(problemsOf({ position_contracts: '1.005' })).to.deep.equal([
      'risk.position_contracts: expected a number of contracts (100, "2.5") or "off"; "1.005" is finer than 0.01 contract',
    ]);
    expect(problemsOf({ exposure_dollars: '0.0000001' })).to.deep.equal([
      'risk.exposure_dollars: expected a dollar amount (25, "25.50", "$25") or "off"; "0.0000001" is finer than $0.000001',
    ]);
    expect(problemsOf({ open_orders: 2.5 })).to.deep.equal([
      'risk.open_orders: expected a whole number of orders (10, "10") or "off"; number 2.5 must be a whole number',
    ]);
    expect(problemsOf({ orders_per_second: '2.5' })).to.deep.equal([
      'risk.orders_per_second: expected a whole number of orders (10, "10") or "off"; "2.5" must be a whole number',
    ]);
    expect(problemsOf({ daily_loss_dollars: 'lots' })[0]).to.match(/^risk\.daily_loss_dollars: expected a dollar amount .*"lots" not a decimal number/);
    expect(problemsOf({ max_drawdown_dollars: Infinity })).to.deep.equal([
      'risk.max_drawdown_dollars: expected a dollar amount (25, "25.50", "$25") or "off", got number Infinity',
    ]);
    expect(problemsOf({ max_drawdown_dollars: true })[0]).to.match(/got boolean true$/);
    expect(problemsOf({ max_drawdown_dollars: '1e3' })[0]).to.match(/not a decimal number/);
    expect(problemsOf({ exposure_dollars: '99999999999999' })[0]).to.match(/out of range/);
  });

  it('refuses unknown keys, so a misspelt limit does not fall back to its default, and lists every problem', () => {
    let caught: unknown;
    try {
      parseRiskLimits({ position_contract: 5, open_orders: 0, daily_loss_dollars: -1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(RiskConfigError);
    const error = caught as RiskConfigError;
    expect(error.problems).to.have.length(3);
    expect(error.problems[0]).to.equal(`risk.position_contract: not a risk limit; the limits are ${RISK_LIMIT_KEYS.join(', ')}`);
    expect(error.message).to.match(/^3 problems in the risk limits:\n {2}risk\.position_contract/);
  });

  it('refuses a config that is not an object, and names a custom prefix', () => {
    expect(problemsOf(null)).to.deep.equal(['risk: expected an object of limits, got null']);
    expect(problemsOf([1])).to.deep.equal(['risk: expected an object of limits, got an array']);
    expect(() => parseRiskLimits({ open_orders: -1 }, 'execution.risk.')).to.throw(RiskConfigError, /^execution\.risk\.open_orders: must be positive/);
  });

  it('validates limits built in code: each field present, a positive integer or undefined', () => {
    expect(validateRiskLimits(DEFAULT_RISK_LIMITS)).to.equal(DEFAULT_RISK_LIMITS);
    expect(() => validateRiskLimits({ ...DEFAULT_RISK_LIMITS, ordersPerSecond: 0 })).to.throw(
      RiskConfigError,
      /ordersPerSecond \(orders_per_second\) must be a positive integer/,
    );
    expect(() => validateRiskLimits({ ...DEFAULT_RISK_LIMITS, exposureMicros: Infinity })).to.throw(RiskConfigError);
    expect(() => validateRiskLimits({ ...DEFAULT_RISK_LIMITS, exposureMicros: 1.5 })).to.throw(RiskConfigError);
    const { dailyLossMicros: _, ...missing } = DEFAULT_RISK_LIMITS;
    expect(() => validateRiskLimits(missing as RiskLimits)).to.throw(
      RiskConfigError,
      /dailyLossMicros is missing; give a positive integer, or undefined to turn daily_loss_dollars off/,
    );
    expect(validateRiskLimits({ ...DEFAULT_RISK_LIMITS, dailyLossMicros: undefined }).dailyLossMicros).to.equal(undefined);
  });

  it('describes the limits for people, by config key', () => {
    expect(describeRiskLimits(DEFAULT_RISK_LIMITS)).to.deep.equal({
      position_contracts: '100 contracts',
      position_dollars: '$50.00',
      exposure_dollars: '$250.00',
      open_orders: '10 orders',
      orders_per_second: '8 orders',
      max_drawdown_dollars: '$50.00',
      daily_loss_dollars: '$20.00',
    });
    expect(describeRiskLimits({ ...DEFAULT_RISK_LIMITS, positionHundredths: undefined }).position_contracts).to.equal('off');
    expect(LIMIT_KEY.maxDrawdownMicros).to.equal('max_drawdown_dollars');
  });

  it('formats amounts readably', () => {
    expect(formatDollars(250_000)).to.equal('$0.25');
    expect(formatDollars(3639)).to.equal('$0.003639');
    expect(formatDollars(-1_500_000)).to.equal('-$1.50');
    expect(formatDollars(0)).to.equal('$0.00');
    expect(formatContracts(10_000)).to.equal('100 contracts');
    expect(formatContracts(250)).to.equal('2.50 contracts');
    expect(formatContracts(100)).to.equal('1 contract');
    expect(formatContracts(-500)).to.equal('-5 contracts');
    expect(formatOrders(1)).to.equal('1 order');
  });

  it('writes limits back to a config that reads back the same (property)', () => {
    const amount = (max: number) => fc.option(fc.integer({ min: 1, max }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          positionHundredths: amount(100_000_000),
          positionCostMicros: amount(1e12),
          exposureMicros: amount(1e12),
          openOrdersPerMarket: amount(10_000),
          ordersPerSecond: amount(10_000),
          maxDrawdownMicros: amount(1e12),
          dailyLossMicros: amount(1e12),
        }),
        (limits) => {
          expect(parseRiskLimits(JSON.parse(JSON.stringify(riskLimitsToConfig(limits))))).to.deep.equal(limits);
        },
      ),
    );
  });
});
