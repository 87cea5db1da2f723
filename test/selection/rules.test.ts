import { expect } from 'chai';
import fc from 'fast-check';
import type { MarketConfig } from '../../src/config/types.js';
import {
  asMarketConfigs,
  compareByScore,
  diffSelections,
  isOpenMarket,
  patternMatcher,
  ruleMatches,
  selectMarkets,
  spreadOf,
  type MarketInfo,
  type SelectedMarket,
  type SelectionRule,
} from '../../src/selection/rules.js';

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

function market(ticker: string, fields: Partial<MarketInfo> = {}): MarketInfo {
  const event = ticker.slice(0, ticker.lastIndexOf('-'));
  return {
    ticker,
    eventTicker: event,
    seriesTicker: event.slice(0, event.indexOf('-')),
    status: 'active',
    yesBid: 40,
    yesAsk: 45,
    volume24h: 0,
    openInterest: 0,
    closeTimeMs: NOW + 24 * HOUR,
    ...fields,
  };
}

/**
 * The hand-worked book. Score order (24 h volume, open interest, ticker):
 * E 1000 (closed), F 800 (past its close time), C 500/200, A 500/100, B 300/900, D 0.
 */
const A = market('KXA-E1-T1', { volume24h: 500_00, openInterest: 100_00, yesBid: 40, yesAsk: 45, closeTimeMs: NOW + 2 * HOUR });
const B = market('KXA-E1-T2', { volume24h: 300_00, openInterest: 900_00, yesBid: 10, yesAsk: 12, closeTimeMs: NOW + HOUR / 2 });
const C = market('KXB-E2-T1', { volume24h: 500_00, openInterest: 200_00, yesBid: 50, yesAsk: 58, closeTimeMs: NOW + 240 * HOUR });
const D = market('KXB-E2-T2', { volume24h: 0, openInterest: 0, yesBid: 0, yesAsk: 100, closeTimeMs: undefined });
const E = market('KXC-E3-T1', { volume24h: 1000_00, status: 'closed' });
const F = market('KXA-E4-T1', { volume24h: 800_00, closeTimeMs: NOW - 1 });
const BOOK = [A, B, C, D, E, F];

function tickers(selection: readonly SelectedMarket[]): string[] {
  return selection.map((entry) => entry.ticker);
}

describe('selection/rules', () => {
  describe('hand-worked selections', () => {
    it('series exact: the open markets of KXA, best score first (F is past its close time)', () => {
      expect(tickers(selectMarkets([{ series: ['KXA'] }], BOOK, NOW))).to.deep.equal(['KXA-E1-T1', 'KXA-E1-T2']);
    });

    it('a series wildcard with an inclusive 24 h volume floor: C before A on open interest (equal volume); B, at exactly 300, is in at 300 and out at 300.01', () => {
      expect(tickers(selectMarkets([{ series: ['KX*'], min_volume_24h: 300 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1', 'KXA-E1-T2']);
      expect(tickers(selectMarkets([{ series: ['KX*'], min_volume_24h: 300.01 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1']);
    });

    it('spread bounds in ticks: 3..8 keeps C (8) and A (5), drops B (2) and the empty book D (100)', () => {
      expect(tickers(selectMarkets([{ min_spread: 3, max_spread: 8 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1']);
      expect(spreadOf(D)).to.equal(100);
    });

    it('time to close: an hour keeps A (2 h) and C (10 d), drops B (30 min) and D (no close time)', () => {
      expect(tickers(selectMarkets([{ min_time_to_close_s: 3600 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1']);
      expect(tickers(selectMarkets([{ min_time_to_close_s: 1800 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1', 'KXA-E1-T2']);
    });

    it('open interest floor', () => {
      expect(tickers(selectMarkets([{ min_open_interest: 200 }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T2']);
    });

    it('event patterns; series and events together must both match', () => {
      expect(tickers(selectMarkets([{ events: ['KXB-E*'] }], BOOK, NOW))).to.deep.equal(['KXB-E2-T1', 'KXB-E2-T2']);
      expect(tickers(selectMarkets([{ series: ['KXA'], events: ['*-E2'] }], BOOK, NOW))).to.deep.equal([]);
      expect(tickers(selectMarkets([{ series: ['KXA', 'KXB'], events: ['*-E1', '*-E2'], max_markets: 3 }], BOOK, NOW))).to.deep.equal([
        'KXB-E2-T1',
        'KXA-E1-T1',
        'KXA-E1-T2',
      ]);
    });

    it('a rule without conditions takes every open market: never E (closed) nor F (past its close)', () => {
      const all = selectMarkets([{}], BOOK, NOW);
      expect(tickers(all)).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1', 'KXA-E1-T2', 'KXB-E2-T2']);
      expect(all.every((entry) => entry.market !== undefined && isOpenMarket(entry.market, NOW))).to.equal(true);
    });

    it('first rule wins across rules: its overrides apply; later rules take what is left', () => {
      const rules: SelectionRule[] = [
        { name: 'top-kxa', series: ['KXA'], max_markets: 1, strategy: { bid_size: 2 } },
        { series: ['KX*'], strategy: { bid_size: 3, min_spread: 4 } },
      ];
      const selection = selectMarkets(rules, BOOK, NOW);
      expect(selection.map((entry) => [entry.ticker, entry.rule, entry.ruleIndex, entry.overrides])).to.deep.equal([
        ['KXA-E1-T1', 'top-kxa', 0, { bid_size: 2 }],
        ['KXB-E2-T1', 'rules[1]', 1, { bid_size: 3, min_spread: 4 }],
        ['KXA-E1-T2', 'rules[1]', 1, { bid_size: 3, min_spread: 4 }],
        ['KXB-E2-T2', 'rules[1]', 1, { bid_size: 3, min_spread: 4 }],
      ]);
    });

    it("a market beyond the first rule's cap may go to the next rule", () => {
      const selection = selectMarkets([{ series: ['KXA'], max_markets: 1 }, { series: ['KXA'] }], BOOK, NOW);
      expect(selection.map((entry) => [entry.ticker, entry.ruleIndex])).to.deep.equal([
        ['KXA-E1-T1', 0],
        ['KXA-E1-T2', 1],
      ]);
    });

    it('explicit markets come first, keep their overrides, count against the global cap, and need not be listed', () => {
      const explicit: MarketConfig[] = [{ ticker: 'KXZ-1-T1', min_spread: 4 }, { ticker: 'KXA-E1-T2' }];
      const selection = selectMarkets([{ strategy: { bid_size: 9 } }], BOOK, NOW, { explicit, maxMarkets: 4 });
      expect(selection.map((entry) => [entry.ticker, entry.rule, entry.overrides, entry.market?.ticker])).to.deep.equal([
        ['KXZ-1-T1', 'markets', { min_spread: 4 }, undefined],
        ['KXA-E1-T2', 'markets', {}, 'KXA-E1-T2'],
        ['KXB-E2-T1', 'rules[0]', { bid_size: 9 }, 'KXB-E2-T1'],
        ['KXA-E1-T1', 'rules[0]', { bid_size: 9 }, 'KXA-E1-T1'],
      ]);
    });

    it('explicit markets are kept beyond the global cap (and even closed); the rules then add nothing', () => {
      const explicit: MarketConfig[] = [{ ticker: 'KXC-E3-T1' }, { ticker: 'KXB-E2-T2' }, { ticker: 'KXA-E1-T1' }];
      expect(tickers(selectMarkets([{}], BOOK, NOW, { explicit, maxMarkets: 2 }))).to.deep.equal(['KXC-E3-T1', 'KXB-E2-T2', 'KXA-E1-T1']);
    });

    it('thresholds in contracts compare exactly in hundredths (0.29 contracts = 29 hundredths)', () => {
      const thin = [market('KXT-1-A', { volume24h: 29 }), market('KXT-1-B', { volume24h: 28 })];
      expect(tickers(selectMarkets([{ min_volume_24h: 0.29 }], thin, NOW))).to.deep.equal(['KXT-1-A']);
      expect(tickers(selectMarkets([{ min_open_interest: 0.01 }], [market('KXT-1-C', { openInterest: 1 })], NOW))).to.deep.equal(['KXT-1-C']);
    });

    it('a ticker listed twice counts once (the first listing)', () => {
      const twice = [A, { ...A, volume24h: 0 }];
      const selection = selectMarkets([{ min_volume_24h: 1 }], twice, NOW);
      expect(tickers(selection)).to.deep.equal(['KXA-E1-T1']);
      expect(selection[0]!.market).to.equal(A);
    });

    it('ruleMatches checks one market against one rule, caps aside', () => {
      expect(ruleMatches({ series: ['KXA'], max_markets: 1 }, B, NOW)).to.equal(true);
      expect(ruleMatches({ series: ['KXA'] }, F, NOW)).to.equal(false);
      expect(ruleMatches({}, E, NOW)).to.equal(false);
    });

    it('compareByScore: volume, then open interest, then ticker', () => {
      expect([D, B, A, C].sort(compareByScore).map((m) => m.ticker)).to.deep.equal(['KXB-E2-T1', 'KXA-E1-T1', 'KXA-E1-T2', 'KXB-E2-T2']);
      const twin = market('KXA-E1-T0', { volume24h: A.volume24h, openInterest: A.openInterest });
      expect([A, twin].sort(compareByScore).map((m) => m.ticker)).to.deep.equal(['KXA-E1-T0', 'KXA-E1-T1']);
    });
  });

  describe('patterns', () => {
    it('* is any run of characters, the rest is literal and the whole string must match', () => {
      const match = patternMatcher(['KXHIGH*', 'KXFED-26*-T4.25', 'CPI']);
      expect(['KXHIGH', 'KXHIGHNY', 'KXFED-26DEC-T4.25', 'CPI'].map(match)).to.deep.equal([true, true, true, true]);
      expect(['XKXHIGH', 'KXFED-26DEC-T4X25', 'CPI2', 'KXHIG'].map(match)).to.deep.equal([false, false, false, false]);
      expect(patternMatcher(['*'])('ANYTHING')).to.equal(true);
      expect(patternMatcher([])('A')).to.equal(false);
    });
  });

  describe('diffs and configs', () => {
    it('diffSelections: entered, left, and changed (another rule or other overrides)', () => {
      const before = selectMarkets([{ series: ['KXA'], strategy: { bid_size: 2 } }, { series: ['KXB'] }], BOOK, NOW);
      const after = selectMarkets(
        [{ series: ['KXA'], max_markets: 1, strategy: { bid_size: 3 } }, { events: ['KXB-E2'], max_markets: 1 }, { min_volume_24h: 0 }],
        BOOK,
        NOW,
      );
      const diff = diffSelections(before, after);
      expect(tickers(diff.entered)).to.deep.equal([]);
      expect(tickers(diff.left)).to.deep.equal([]);
      expect(diff.changed.map((entry) => [entry.ticker, entry.ruleIndex, entry.overrides])).to.deep.equal([
        ['KXA-E1-T1', 0, { bid_size: 3 }],
        ['KXA-E1-T2', 2, {}],
        ['KXB-E2-T2', 2, {}],
      ]);
      const smaller = diffSelections(before, selectMarkets([{ series: ['KXA'], strategy: { bid_size: 2 } }, { min_volume_24h: 500 }], BOOK, NOW));
      expect(tickers(smaller.left)).to.deep.equal(['KXB-E2-T2']);
      expect(tickers(smaller.changed)).to.deep.equal([]);
      expect(tickers(diffSelections([], before).entered)).to.deep.equal(tickers(before));
    });

    it('asMarketConfigs gives the markets list the engine takes', () => {
      const selection = selectMarkets([{ series: ['KXA'], max_markets: 1, strategy: { bid_size: 2 } }], BOOK, NOW, {
        explicit: [{ ticker: 'KXZ-1-T1', min_spread: 4 }],
      });
      expect(asMarketConfigs(selection)).to.deep.equal([
        { ticker: 'KXZ-1-T1', min_spread: 4 },
        { ticker: 'KXA-E1-T1', bid_size: 2 },
      ]);
    });
  });

  describe('properties', () => {
    const SERIES = ['KXA', 'KXB', 'KXC'];
    const marketArb = fc.record({
      series: fc.constantFrom(...SERIES),
      event: fc.integer({ min: 1, max: 4 }),
      strike: fc.integer({ min: 1, max: 30 }),
      status: fc.constantFrom('active', 'active', 'active', 'closed', 'determined'),
      yesBid: fc.integer({ min: 0, max: 98 }),
      width: fc.integer({ min: 1, max: 100 }),
      volume24h: fc.integer({ min: 0, max: 1_000_00 }),
      openInterest: fc.integer({ min: 0, max: 1_000_00 }),
      closeInH: fc.option(fc.integer({ min: -48, max: 48 }), { nil: undefined }),
    });
    const marketsArb = fc.uniqueArray(marketArb, { selector: (m) => `${m.series}-${m.event}-${m.strike}`, maxLength: 40 }).map((raw) =>
      raw.map((m) =>
        market(`${m.series}-E${m.event}-T${m.strike}`, {
          status: m.status,
          yesBid: m.yesBid,
          yesAsk: Math.min(100, m.yesBid + m.width),
          volume24h: m.volume24h,
          openInterest: m.openInterest,
          closeTimeMs: m.closeInH === undefined ? undefined : NOW + m.closeInH * HOUR,
        }),
      ),
    );
    const ruleArb: fc.Arbitrary<SelectionRule> = fc.record(
      {
        series: fc.array(fc.constantFrom('KXA', 'KXB', 'KX*', 'KXC*', '*'), { minLength: 1, maxLength: 2 }),
        events: fc.array(fc.constantFrom('KXA-E1', '*-E2', 'KXB-*', '*'), { minLength: 1, maxLength: 2 }),
        min_volume_24h: fc.integer({ min: 0, max: 800 }),
        min_open_interest: fc.integer({ min: 0, max: 800 }),
        min_spread: fc.integer({ min: 1, max: 20 }),
        max_spread: fc.integer({ min: 20, max: 100 }),
        min_time_to_close_s: fc.integer({ min: 0, max: 36 * 3600 }),
        max_markets: fc.integer({ min: 1, max: 8 }),
        strategy: fc.record({ bid_size: fc.integer({ min: 1, max: 9 }) }),
      },
      { requiredKeys: [] },
    );
    const explicitArb = fc
      .uniqueArray(fc.constantFrom('KXA-E1-T1', 'KXB-E2-T2', 'KXZ-9-T9', 'KXC-E3-T3'), { maxLength: 3 })
      .map((list) => list.map((ticker) => ({ ticker })));
    const inputArb = fc.record({
      markets: marketsArb,
      rules: fc.array(ruleArb, { maxLength: 4 }),
      explicit: explicitArb,
      maxMarkets: fc.integer({ min: 1, max: 30 }),
      seed: fc.integer(),
    });

    it('never more than the caps, never a closed market, each pick matches its rule, no ticker twice', () => {
      fc.assert(
        fc.property(inputArb, ({ markets, rules, explicit, maxMarkets }) => {
          const selection = selectMarkets(rules, markets, NOW, { explicit, maxMarkets });
          const picked = selection.filter((entry) => entry.ruleIndex >= 0);
          expect(selection.slice(0, explicit.length).map((entry) => entry.ticker)).to.deep.equal(explicit.map((entry) => entry.ticker));
          expect(picked.length).to.be.at.most(Math.max(0, maxMarkets - explicit.length));
          expect(new Set(tickers(selection)).size).to.equal(selection.length);
          rules.forEach((rule, index) => {
            expect(picked.filter((entry) => entry.ruleIndex === index).length).to.be.at.most(rule.max_markets ?? Infinity);
          });
          for (const entry of picked) {
            expect(isOpenMarket(entry.market!, NOW), entry.ticker).to.equal(true);
            expect(ruleMatches(rules[entry.ruleIndex]!, entry.market!, NOW)).to.equal(true);
            expect(entry.overrides).to.deep.equal({ ...rules[entry.ruleIndex]!.strategy });
          }
        }),
        { numRuns: 300 },
      );
    });

    it('a rule left under its cap, with room under the global cap, leaves no matching market out', () => {
      fc.assert(
        fc.property(inputArb, ({ markets, rules, explicit, maxMarkets }) => {
          const selection = selectMarkets(rules, markets, NOW, { explicit, maxMarkets });
          if (selection.length >= maxMarkets) return;
          const chosen = new Set(tickers(selection));
          rules.forEach((rule, index) => {
            if (selection.filter((entry) => entry.ruleIndex === index).length >= (rule.max_markets ?? Infinity)) return;
            for (const candidate of markets) if (ruleMatches(rule, candidate, NOW)) expect(chosen.has(candidate.ticker), candidate.ticker).to.equal(true);
          });
        }),
        { numRuns: 300 },
      );
    });

    it('deterministic: the same input gives the same selection, whatever order the venue listed the markets in', () => {
      fc.assert(
        fc.property(inputArb, ({ markets, rules, explicit, maxMarkets, seed }) => {
          const first = selectMarkets(rules, markets, NOW, { explicit, maxMarkets });
          expect(selectMarkets(rules, markets, NOW, { explicit, maxMarkets })).to.deep.equal(first);
          const shuffled = [...markets];
          let state = seed >>> 0;
          for (let index = shuffled.length - 1; index > 0; index -= 1) {
            state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
            const other = state % (index + 1);
            [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
          }
          expect(selectMarkets(rules, shuffled, NOW, { explicit, maxMarkets })).to.deep.equal(first);
        }),
        { numRuns: 300 },
      );
    });
  });
});
