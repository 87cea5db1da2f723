/**
 * Totals recomputed from the fills journal with a deliberately different method: no cost basis
 * at all, only cash. Every contract bought is paid at its leg price; a YES and a NO held together
 * are worth exactly $1, so min(YES acquired, NO acquired) pairs have paid out $1 each. Whatever the
 * basis split, realized − cost basis must equal pairs × $1 − cash spent.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { formatFillRecord, parseFillRecord } from '../../src/portfolio/fill-record.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import type { Fill } from '../../src/portfolio/portfolio.js';

interface Recomputed {
  absPosition: number;
  openMarkets: number;
  volume: number;
  fills: number;
  fees: number;
  realizedMinusCost: number;
  net: number;
  /** realized of the markets that ended flat (their cost basis is 0) */
  flatRealized: number;
}

type Marks = Record<string, { yes?: number; no?: number }>;

/** The journal read by hand: "0.4200" -> 42 ticks, "278.50" -> 27850 hundredths, "0.003639" -> 3639 µ$. */
function recompute(lines: string[], marks: Marks): Recomputed {
  const byTicker = new Map<string, { yes: number; no: number; spent: number; fees: number; volume: number; fills: number }>();
  for (const line of lines) {
    const r = JSON.parse(line) as Record<string, string | boolean>;
    const price = Number((r['price'] as string).slice(2, 4));
    const count = Number((r['count'] as string).replace('.', ''));
    const fee = Number((r['fee'] as string).replace('.', ''));
    const buys = r['action'] === 'buy';
    const leg = buys ? r['side'] : r['side'] === 'yes' ? 'no' : 'yes';
    const paid = buys ? price : 100 - price;
    const m = byTicker.get(r['ticker'] as string) ?? { yes: 0, no: 0, spent: 0, fees: 0, volume: 0, fills: 0 };
    if (leg === 'yes') m.yes += count;
    else m.no += count;
    m.spent += count * paid * 100; // 1/100 contract x 1 cent = 100 µ$
    m.fees += fee;
    m.volume += count;
    m.fills += 1;
    byTicker.set(r['ticker'] as string, m);
  }
  const out: Recomputed = { absPosition: 0, openMarkets: 0, volume: 0, fills: 0, fees: 0, realizedMinusCost: 0, net: 0, flatRealized: 0 };
  for (const [ticker, m] of byTicker) {
    const position = m.yes - m.no;
    const pairs = Math.min(m.yes, m.no);
    const cashPnl = pairs * 10_000 - m.spent; // $1 per contract = 10^4 µ$ per hundredth
    const mark = marks[ticker] ?? {};
    let value = 0;
    const own = position > 0 ? mark.yes : mark.no;
    const other = position > 0 ? mark.no : mark.yes;
    if (own !== undefined && other !== undefined) value = (Math.abs(position) * (own + 100 - other) * 100) / 2;
    else if (own !== undefined) value = Math.abs(position) * own * 100;
    out.absPosition += Math.abs(position);
    out.openMarkets += position === 0 ? 0 : 1;
    out.volume += m.volume;
    out.fills += m.fills;
    out.fees += m.fees;
    out.realizedMinusCost += cashPnl;
    out.net += cashPnl + value - m.fees;
    if (position === 0) out.flatRealized += cashPnl;
  }
  return out;
}

function compare(lines: string[], marks: Marks): void {
  const portfolio = new Portfolio();
  for (const line of lines) portfolio.applyFill(parseFillRecord(line));
  for (const [ticker, m] of Object.entries(marks)) {
    portfolio.mark(ticker, { ...(m.yes === undefined ? {} : { yesBid: m.yes }), ...(m.no === undefined ? {} : { noBid: m.no }) });
  }
  const expected = recompute(lines, marks);
  const total = portfolio.total();
  expect(total.absPosition).to.equal(expected.absPosition);
  expect(total.openMarkets).to.equal(expected.openMarkets);
  expect(total.volume).to.equal(expected.volume);
  expect(total.fills).to.equal(expected.fills);
  expect(total.feesMicros).to.equal(expected.fees);
  expect(total.realizedMicros - total.costMicros).to.equal(expected.realizedMinusCost);
  expect(total.netMicros).to.equal(expected.net);
  const flat = portfolio.markets().filter((m) => m.position === 0);
  expect(flat.reduce((sum, m) => sum + m.realizedMicros, 0)).to.equal(expected.flatRealized);
}

const JOURNAL = [
  '{"ts":"2026-05-15T17:20:00.000Z","ticker":"KXA","order_id":"o1","client_order_id":"c1","side":"yes","action":"buy","price":"0.4000","count":"10.00","fee":"0.168000","is_taker":true}',
  '{"ts":"2026-05-15T17:20:01.000Z","ticker":"KXA","order_id":"o2","client_order_id":null,"side":"yes","action":"sell","price":"0.4500","count":"4.50","fee":"0.000000","is_taker":false}',
  '{"ts":"2026-05-15T17:20:02.000Z","ticker":"KXA","order_id":"o3","client_order_id":"c3","side":"no","action":"buy","price":"0.5700","count":"8.00","fee":"0.137256","is_taker":true}',
  '{"ts":"2026-05-15T17:20:03.000Z","ticker":"KXB","order_id":"o4","client_order_id":"c4","side":"no","action":"buy","price":"0.1200","count":"3.33","fee":"0.024614","is_taker":true}',
  '{"ts":"2026-05-15T17:20:04.000Z","ticker":"KXB","order_id":"o5","client_order_id":"c5","side":"no","action":"sell","price":"0.1500","count":"3.33","fee":"0.007426","is_taker":false}',
  '{"ts":"2026-05-15T17:20:05.000Z","ticker":"KXC","order_id":"o6","client_order_id":"c6","side":"yes","action":"sell","price":"0.9100","count":"0.07","fee":"0.000041","is_taker":true}',
];

describe('portfolio totals recomputed from the journal', () => {
  it('agree on a hand-written journal', () => {
    compare(JOURNAL, { KXA: { yes: 40, no: 58 }, KXC: { no: 8 } });
    compare(JOURNAL, {});
    // KXA: 10 YES at 40, close 4.5 at 45 (+0.225), buy 8 NO at 57: close 5.5 at 43 (+0.165), open 2.5 NO at 57
    const portfolio = new Portfolio();
    for (const line of JOURNAL) portfolio.applyFill(parseFillRecord(line));
    expect(portfolio.market('KXA')).to.include({ position: -250, costMicros: 1_425_000, realizedMicros: 390_000 });
    // KXB: 3.33 NO at 12 sold at 15: +0.0999
    expect(portfolio.market('KXB')).to.include({ position: 0, realizedMicros: 99_900 });
    // KXC: selling YES at 91 is buying NO at 9
    expect(portfolio.market('KXC')).to.include({ position: -7, costMicros: 6300 });
  });

  it('agree on random journals over three markets', () => {
    const anyFill = fc.record({
      ticker: fc.constantFrom('KXA', 'KXB', 'KXC'),
      side: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
      action: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      price: fc.integer({ min: 1, max: 99 }),
      count: fc.integer({ min: 1, max: 100_000 }),
      feeMicros: fc.integer({ min: 0, max: 200_000 }),
      isTaker: fc.boolean(),
    });
    const bid = fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined });
    const anyMarks = fc.record({ KXA: fc.record({ yes: bid, no: bid }), KXB: fc.record({ yes: bid, no: bid }) });
    fc.assert(
      fc.property(fc.array(anyFill, { maxLength: 60 }), anyMarks, (fills, marks) => {
        const lines = fills.map((f, i) => formatFillRecord({ ...f, tsMs: 1_779_000_000_000 + i, orderId: `o${i}` } satisfies Fill));
        compare(lines, marks);
      }),
      { numRuns: 500 },
    );
  });
});
