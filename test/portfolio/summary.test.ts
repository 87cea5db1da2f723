import { expect } from 'chai';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { Fill } from '../../src/portfolio/portfolio.js';
import { buildSummary, formatMicros, formatSummaryTable, summaryLine } from '../../src/portfolio/summary.js';

const A = 'KXA-26MAY15-T1';
const B = 'KXB-26MAY15-T2';

function fill(ticker: string, side: 'yes' | 'no', action: 'buy' | 'sell', price: number, count: number, feeMicros: number): Fill {
  return { tsMs: 1_715_793_600_000, ticker, orderId: 'o', side, action, price, count, feeMicros, isTaker: true };
}

/** A: 10 YES bought at 40 and sold at 45 (fees 0.168 + 0.043313). B: 2 NO held from 55 (fee 0.003465), book 42 / 55. */
function example(): Portfolio {
  const p = new Portfolio();
  p.applyFill(fill(A, 'yes', 'buy', 40, 1000, 168_000));
  p.applyFill(fill(A, 'yes', 'sell', 45, 1000, 43_313));
  p.applyFill(fill(B, 'no', 'buy', 55, 200, 3465));
  p.mark(B, { yesBid: 42, noBid: 55 });
  p.orderSent(A, 'create');
  p.orderSent(A, 'cancel');
  p.orderSent(B, 'create');
  p.tokensSpent(A, 12);
  p.tokensSpent(B, 10);
  p.rateLimited();
  return p;
}

describe('portfolio/summary', () => {
  it('writes the summary JSON with exact dollar and count strings', () => {
    const summary = buildSummary(example(), Date.UTC(2026, 4, 15, 17, 20, 0, 5));
    expect(summary).to.deep.equal({
      as_of: '2026-05-15T17:20:00.005Z',
      markets: [
        {
          ticker: A,
          position: '0.00',
          max_abs_position: '10.00',
          cost: '0.000000',
          realized: '0.500000',
          unrealized_mid: '0.000000',
          unrealized_bid: '0.000000',
          fees: '0.211313',
          net: '0.288687',
          volume: '20.00',
          fills: 2,
          orders_sent: { total: 2, by_kind: { cancel: 1, create: 1 } },
          tokens_spent: 12,
          rate_limited: 0,
          yes_bid: null,
          no_bid: null,
          settlement: null,
        },
        {
          ticker: B,
          position: '-2.00',
          max_abs_position: '2.00',
          cost: '1.100000',
          realized: '0.000000',
          unrealized_mid: '0.030000', // NO mid (55 + 58) / 2 = 0.565 x 2 - 1.10
          unrealized_bid: '0.000000', // 0.55 x 2 - 1.10
          fees: '0.003465',
          net: '0.026535',
          volume: '2.00',
          fills: 1,
          orders_sent: { total: 1, by_kind: { create: 1 } },
          tokens_spent: 10,
          rate_limited: 0,
          yes_bid: '0.4200',
          no_bid: '0.5500',
          settlement: null,
        },
      ],
      total: {
        markets: 2,
        open_markets: 1,
        abs_position: '2.00',
        max_abs_position: '10.00',
        cost: '1.100000',
        realized: '0.500000',
        unrealized_mid: '0.030000',
        unrealized_bid: '0.000000',
        fees: '0.214778',
        net: '0.315222',
        volume: '22.00',
        fills: 3,
        orders_sent: { total: 3, by_kind: { cancel: 1, create: 2 } },
        tokens_spent: 22,
        rate_limited: 1,
      },
    });
    expect(JSON.parse(JSON.stringify(summary))).to.deep.equal(summary);
    expect(buildSummary(new Portfolio())).to.not.have.property('as_of');
    expect(() => buildSummary(new Portfolio(), -1)).to.throw(RangeError, /asOfMs/);
  });

  it('shows losses and settlements with their signs', () => {
    const p = new Portfolio();
    p.applyFill(fill(A, 'yes', 'buy', 40, 300, 5040));
    p.settle(A, 'no');
    const summary = buildSummary(p);
    expect(summary.markets[0]).to.include({ realized: '-1.200000', net: '-1.205040', settlement: 'no', position: '0.00' });
    expect(summaryLine(p.total())).to.equal('pnl -1.21 (realized -1.20, fees 0.01) pos 0 mkts');
  });

  it('draws a fixed-width table with a TOTAL row', () => {
    expect(formatSummaryTable(example())).to.equal(
      [
        'MARKET          POSITION  REALIZED      NET    FEES  VOLUME  FILLS  ORDERS',
        '--------------  --------  --------  -------  ------  ------  -----  ------',
        'KXA-26MAY15-T1      0.00   +0.5000  +0.2887  0.2113   20.00      2       2',
        'KXB-26MAY15-T2     -2.00    0.0000  +0.0265  0.0035    2.00      1       1',
        '--------------  --------  --------  -------  ------  ------  -----  ------',
        'TOTAL               2.00   +0.5000  +0.3152  0.2148   22.00      3       3',
      ].join('\n'),
    );
    const cents = formatSummaryTable(example(), { decimals: 2 }).split('\n');
    expect(cents[2]).to.equal('KXA-26MAY15-T1      0.00     +0.50  +0.29  0.21   20.00      2       2');
    expect(cents[5]).to.equal('TOTAL               2.00     +0.50  +0.32  0.21   22.00      3       3');
  });

  it('draws an empty portfolio as a header and a zero TOTAL', () => {
    expect(formatSummaryTable(new Portfolio()).split('\n')).to.deep.equal([
      'MARKET  POSITION  REALIZED     NET    FEES  VOLUME  FILLS  ORDERS',
      '------  --------  --------  ------  ------  ------  -----  ------',
      '------  --------  --------  ------  ------  ------  -----  ------',
      'TOTAL       0.00    0.0000  0.0000  0.0000    0.00      0       0',
    ]);
  });

  it('writes the one-line status', () => {
    expect(summaryLine(example().total())).to.equal('pnl +0.32 (realized +0.50, fees 0.21) pos 1 mkts');
    expect(summaryLine(new Portfolio().total())).to.equal('pnl 0.00 (realized 0.00, fees 0.00) pos 0 mkts');
  });

  it('rounds money half away from zero for display', () => {
    expect(formatMicros(1_234_567)).to.equal('1.23');
    expect(formatMicros(1_235_000)).to.equal('1.24');
    expect(formatMicros(5000)).to.equal('0.01');
    expect(formatMicros(4999)).to.equal('0.00');
    expect(formatMicros(-5000)).to.equal('-0.01');
    expect(formatMicros(-4999, 2, true)).to.equal('0.00');
    expect(formatMicros(5000, 2, true)).to.equal('+0.01');
    expect(formatMicros(-1_234_567, 4, true)).to.equal('-1.2346');
    expect(formatMicros(3639, 6)).to.equal('0.003639');
    expect(formatMicros(1_500_000, 0)).to.equal('2');
    expect(formatMicros(-2_499_999, 0)).to.equal('-2');
    expect(formatMicros(123_456_789_000_000, 2, true)).to.equal('+123456789.00');
    expect(() => formatMicros(0.5)).to.throw(RangeError);
    expect(() => formatMicros(1, 7)).to.throw(RangeError);
  });
});
