import { expect } from 'chai';
import fc from 'fast-check';
import { decimalKey, latencyQuantileMs, newestFirst, selectRows, shortDecimal, signOf, visibleWindow } from '../../src/control/ui/table-model.js';
import type { MarketState } from '../../src/control/engine-state.js';
import { marketAt } from './fake-engine.js';

function market(ticker: string, overrides: Partial<MarketState> = {}): MarketState {
  return { ...marketAt(0, 0), ticker, ...overrides };
}

describe('status page table model', () => {
  describe('selectRows', () => {
    const markets = [
      market('KXB-2', { state: 'quoting', realizedPnl: '0.100000', yesBid: '0.4200' }),
      market('KXA-1', { state: 'halted', realizedPnl: '-2.500000', yesBid: undefined }),
      market('KXC-3', { state: 'stale', realizedPnl: '0.900000', yesBid: '0.0900' }),
      market('KXA-10', { state: 'quoting', realizedPnl: '10.000000', yesBid: '0.4200' }),
    ];
    const tickers = (rows: MarketState[]): string[] => rows.map((m) => m.ticker);

    it('sorts by ticker by default order and keeps the input as it was', () => {
      const before = tickers(markets);
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'ticker', descending: false }))).to.deep.equal([
        'KXA-1',
        'KXA-10',
        'KXB-2',
        'KXC-3',
      ]);
      expect(tickers(markets)).to.deep.equal(before);
    });

    it('sorts decimal strings by value, not as text (0.9 < 10, -2.5 first)', () => {
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'realizedPnl', descending: false }))).to.deep.equal([
        'KXA-1',
        'KXB-2',
        'KXC-3',
        'KXA-10',
      ]);
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'realizedPnl', descending: true }))).to.deep.equal([
        'KXA-10',
        'KXC-3',
        'KXB-2',
        'KXA-1',
      ]);
    });

    it('puts missing values last in both directions and breaks ties by ticker', () => {
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'yesBid', descending: false }))).to.deep.equal([
        'KXC-3',
        'KXA-10',
        'KXB-2',
        'KXA-1',
      ]);
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'yesBid', descending: true }))).to.deep.equal([
        'KXA-10',
        'KXB-2',
        'KXC-3',
        'KXA-1',
      ]);
    });

    it('sorts states worst first', () => {
      expect(tickers(selectRows(markets, { text: '', state: 'all' }, { key: 'state', descending: false }))).to.deep.equal([
        'KXA-1',
        'KXC-3',
        'KXA-10',
        'KXB-2',
      ]);
    });

    it('filters by any part of the ticker, any case, and by state', () => {
      expect(tickers(selectRows(markets, { text: ' xa-1 ', state: 'all' }, { key: 'ticker', descending: false }))).to.deep.equal(['KXA-1', 'KXA-10']);
      expect(tickers(selectRows(markets, { text: 'xa', state: 'quoting' }, { key: 'ticker', descending: false }))).to.deep.equal(['KXA-10']);
      expect(selectRows(markets, { text: 'nothing', state: 'all' }, { key: 'ticker', descending: false })).to.deep.equal([]);
    });

    it('orders any set of money strings as their exact values do (property)', () => {
      const micro = fc.integer({ min: -10_000_000_000, max: 10_000_000_000 });
      fc.assert(
        fc.property(fc.array(micro, { maxLength: 30 }), (values) => {
          const text = (v: number): string => `${v < 0 ? '-' : ''}${Math.floor(Math.abs(v) / 1e6)}.${String(Math.abs(v) % 1e6).padStart(6, '0')}`;
          const rows = values.map((v, i) => market(`T${String(i).padStart(3, '0')}`, { markedPnl: text(v) }));
          const sorted = selectRows(rows, { text: '', state: 'all' }, { key: 'markedPnl', descending: false }).map((m) => decimalKey(m.markedPnl)!);
          expect(sorted).to.deep.equal([...values].sort((a, b) => a - b));
        }),
      );
    });
  });

  describe('visibleWindow', () => {
    it('renders the rows on screen plus the overscan', () => {
      expect(visibleWindow(0, 280, 28, 1000, 5)).to.deep.equal({ start: 0, end: 16 });
      expect(visibleWindow(2800, 280, 28, 1000, 5)).to.deep.equal({ start: 95, end: 116 });
      expect(visibleWindow(28_000, 280, 28, 1000, 5)).to.deep.equal({ start: 994, end: 1000 });
      expect(visibleWindow(0, 280, 28, 0)).to.deep.equal({ start: 0, end: 0 });
    });

    it('always covers the rows in view and stays in bounds (property)', () => {
      fc.assert(
        fc.property(fc.nat(2000), fc.nat(100_000), fc.integer({ min: 1, max: 2000 }), fc.nat(20), (total, scrollTop, height, overscan) => {
          const { start, end } = visibleWindow(scrollTop, height, 28, total, overscan);
          expect(start).to.be.within(0, Math.max(0, total));
          expect(end).to.be.within(start, total);
          const firstInView = Math.floor(scrollTop / 28);
          const lastInView = Math.min(total - 1, Math.floor((scrollTop + height) / 28));
          if (firstInView < total) {
            expect(start).to.be.at.most(firstInView);
            expect(end).to.be.above(lastInView);
          }
          expect(end - start).to.be.at.most(Math.ceil(height / 28) + 1 + 2 * overscan);
        }),
      );
    });
  });

  describe('text', () => {
    it('shortens decimals without reparsing them', () => {
      expect(shortDecimal('0.4200')).to.equal('0.42');
      expect(shortDecimal('12.345600')).to.equal('12.3456');
      expect(shortDecimal('-3.000000')).to.equal('-3.00');
      expect(shortDecimal('-3.000000', 0)).to.equal('-3');
      expect(shortDecimal('136.00', 0)).to.equal('136');
      expect(shortDecimal('0.000001')).to.equal('0.000001');
      expect(shortDecimal('7')).to.equal('7');
      expect(shortDecimal(undefined)).to.equal('');
      expect(shortDecimal('n/a')).to.equal('n/a');
    });

    it('knows the sign of a decimal string', () => {
      expect([signOf('-0.000001'), signOf('0.000000'), signOf('3.5'), signOf('junk'), signOf(undefined)]).to.deep.equal([-1, 0, 1, 0, 0]);
    });
  });

  describe('latencyQuantileMs', () => {
    const latency = { boundsMs: [0.1, 1, 10], counts: [50, 40, 9, 1] };
    it('answers the upper bound of the bucket holding the quantile', () => {
      expect(latencyQuantileMs(latency, 0.5)).to.equal(0.1);
      expect(latencyQuantileMs(latency, 0.9)).to.equal(1);
      expect(latencyQuantileMs(latency, 0.99)).to.equal(10);
      expect(latencyQuantileMs(latency, 1)).to.equal(Infinity);
      expect(latencyQuantileMs({ boundsMs: [1], counts: [0, 0] }, 0.5)).to.equal(undefined);
    });
  });

  it('newestFirst keeps the newest entries by time stamp', () => {
    const entries = [{ ts: '2026-01-01T00:00:01.000Z' }, { ts: '2026-01-01T00:00:03.000Z' }, { ts: '2026-01-01T00:00:02.000Z' }];
    expect(newestFirst(entries, 2).map((e) => e.ts)).to.deep.equal(['2026-01-01T00:00:03.000Z', '2026-01-01T00:00:02.000Z']);
  });
});
