import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigError } from '../../src/config/load.js';
import { selectionRuleProblems } from '../../src/selection/rules.js';
import { configErrorFrom, problemFor } from '../config/fixture.js';

describe('selection config keys', () => {
  let dir: string;
  let count = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'selection-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(content: unknown): string {
    count += 1;
    const path = join(dir, `config-${count}.json`);
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  function errorOf(content: unknown): ConfigError {
    return configErrorFrom(() => loadConfig({ file: file(content), env: {} }));
  }

  it('defaults: no rules, refresh every 300 s, at most 100 markets, keep_until_flat', () => {
    const config = loadConfig({ file: file({ markets: [{ ticker: 'KXA-1' }] }), env: {} });
    expect(config.selection).to.deep.equal({ rules: [], refresh_s: 300, max_markets: 100, on_remove: 'keep_until_flat' });
  });

  it('a config with rules and no explicit market loads, the rules as given', () => {
    const rules = [
      {
        name: 'weather',
        series: ['KXHIGH*'],
        min_volume_24h: 500.5,
        max_spread: 6,
        min_time_to_close_s: 3600,
        max_markets: 10,
        strategy: { bid_size: 2, improve: false },
      },
      { events: ['KXFED-26DEC'], status: 'open', min_open_interest: 0, min_spread: 2 },
    ];
    const config = loadConfig({ file: file({ markets: [], selection: { rules, refresh_s: 60, max_markets: 20, on_remove: 'flatten' } }), env: {} });
    expect(config.selection).to.deep.equal({ rules, refresh_s: 60, max_markets: 20, on_remove: 'flatten' });
    expect(config.markets).to.deep.equal([]);
  });

  it('no explicit market and no rule is still an error', () => {
    expect(problemFor(errorOf({ markets: [] }), 'markets')).to.equal('lists no market; at least one is required (or a rule in selection.rules)');
  });

  it('every bad rule key is reported at once, each under its own key, with the value', () => {
    const error = errorOf({
      markets: [{ ticker: 'KXA-1' }],
      selection: {
        rules: [
          { series: ['kxhigh*'], min_spread: 7, max_spread: 5, colour: 'red' },
          'KXHIGH*',
          { events: [], min_volume_24h: 0.001, max_markets: 0, status: 'closed', strategy: { bid_size: 0 } },
          { name: 'a', strategy: { bid_sise: 2 }, min_time_to_close_s: 1.5 },
          { name: 'a', series: 'KXA' },
        ],
        refresh_s: 5,
        max_markets: 0,
        on_remove: 'sell',
      },
    });
    expect(problemFor(error, 'selection.rules[0].series')).to.match(/^"kxhigh\*" is not a series pattern: uppercase A-Z/);
    expect(problemFor(error, 'selection.rules[0].min_spread')).to.equal('is above max_spread (7 > 5): the rule could select nothing');
    expect(problemFor(error, 'selection.rules[0].colour')).to.match(/^unknown key; a rule takes: name, series, events, status, min_volume_24h/);
    expect(problemFor(error, 'selection.rules[1]')).to.match(/^must be an object like \{"series": \["KXHIGH\*"\]/);
    expect(problemFor(error, 'selection.rules[2].events')).to.match(
      /^must be a non-empty array \(at most 1000\) of event patterns like "KXHIGH\*": value was \[\]$/,
    );
    expect(problemFor(error, 'selection.rules[2].min_volume_24h')).to.equal(
      'must be a number of contracts from 0 to 1000000000, with at most 2 decimals: value was 0.001',
    );
    expect(problemFor(error, 'selection.rules[2].max_markets')).to.equal('must be an integer from 1 to 10000 (markets): value was 0');
    expect(problemFor(error, 'selection.rules[2].status')).to.match(/^must be "open"/);
    expect(problemFor(error, 'selection.rules[2].strategy')).to.equal('bid_size must be an integer from 1 to 1000000: value was 0');
    expect(problemFor(error, 'selection.rules[3].strategy')).to.match(/^unknown strategy key "bid_sise"; it takes: min_spread, bid_size/);
    expect(problemFor(error, 'selection.rules[3].min_time_to_close_s')).to.match(/^must be an integer from 0 to \d+ \(seconds\): value was 1.5$/);
    expect(problemFor(error, 'selection.rules[4].name')).to.equal('"a" is the name of selection.rules[3] too');
    expect(problemFor(error, 'selection.rules[4].series')).to.match(/^must be a non-empty array/);
    expect(problemFor(error, 'selection.refresh_s')).to.match(/^must be an integer from 10 to 86400/);
    expect(problemFor(error, 'selection.max_markets')).to.match(/^must be an integer from 1 to 10000/);
    expect(problemFor(error, 'selection.on_remove')).to.match(/^must be one of flatten, keep_until_flat/);
    expect(error.message).to.contain(`config file ${join(dir, `config-${count}.json`)}`);
  });

  it('rules that are not an array, and an unknown selection key', () => {
    const error = errorOf({ markets: [{ ticker: 'KXA-1' }], selection: { rules: 'KXA*', refresh: 5 } });
    expect(problemFor(error, 'selection.rules')).to.match(/^must be an array of rule objects like .*: value was "KXA\*"$/);
    expect(problemFor(errorOf({ markets: [{ ticker: 'KXA-1' }], selection: { rules: { series: ['KXA'] } } }), 'selection.rules')).to.match(
      /^must be a single value, not an object/,
    );
    expect(problemFor(error, 'selection.refresh')).to.match(/^unknown key; selection takes: rules, refresh_s, max_markets, on_remove/);
  });

  it('selectionRuleProblems checks rules given outside a config file', () => {
    expect(selectionRuleProblems([{ series: ['KXA', 'KX*-26*'], max_markets: 3 }])).to.deep.equal([]);
    expect(selectionRuleProblems([{ max_spread: 101 }], 'rules')).to.deep.equal([
      { key: 'rules[0].max_spread', message: 'must be an integer from 1 to 100 (ticks): value was 101' },
    ]);
  });
});
