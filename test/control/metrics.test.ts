import { expect } from 'chai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ParsedFamily } from 'parse-prometheus-text-format';
import { startControlServer } from '../../src/control/control-server.js';
import type { ControlServer } from '../../src/control/control-server.js';
import { ControlMetrics, StateSampleError } from '../../src/control/metrics.js';
import { shortDecimal } from '../../src/control/ui/table-model.js';
import { FakeStateSource, RecordingActions, RecordingLog, figuresAt, microDollars, stateAt, tickerOf } from './fake-engine.js';
import { request } from './http.js';

const TOKEN = 'metrics-test-token-0123456789';

function family(families: readonly ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric ${name} in the scrape`);
  return found;
}

/** The value of the one sample of `name` whose labels include `labels`. */
function valueOf(families: readonly ParsedFamily[], name: string, labels: Record<string, string> = {}): number {
  const matches = family(families, name).metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  expect(matches, `${name} ${JSON.stringify(labels)}`).to.have.length(1);
  return Number(matches[0]!.value);
}

describe('control metrics (/metrics)', () => {
  let server: ControlServer;
  let source: FakeStateSource;
  let log: RecordingLog;

  beforeEach(async () => {
    source = new FakeStateSource({ markets: 5 });
    log = new RecordingLog();
    server = await startControlServer({ port: 0, token: TOKEN, source, actions: new RecordingActions(), log: log.log });
  });
  afterEach(() => server.close());

  async function scrape(): Promise<ParsedFamily[]> {
    const reply = await request(`${server.url}metrics`);
    expect(reply.status).to.equal(200);
    expect(reply.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusTextFormat(reply.body);
  }

  it('exports counters as counters and gauges as gauges, with the values of the sample', async () => {
    source.step = 3;
    const families = await scrape();
    const expected = stateAt(3, 5);
    const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
    for (const name of [
      'kalshi_mm_frames_received_total',
      'kalshi_mm_frames_routed_total',
      'kalshi_mm_sequence_gaps_total',
      'kalshi_mm_resyncs_total',
      'kalshi_mm_reconnects_total',
      'kalshi_mm_intents_total',
      'kalshi_mm_orders_sent_total',
      'kalshi_mm_order_rejects_total',
      'kalshi_mm_fills_total',
      'kalshi_mm_rate_limited_total',
      'kalshi_mm_write_tokens_spent_total',
      'kalshi_mm_actor_restarts_total',
    ])
      expect(types[name], name).to.equal('COUNTER');
    for (const name of [
      'kalshi_mm_stale_books',
      'kalshi_mm_write_tokens_left',
      'kalshi_mm_connected',
      'kalshi_mm_risk_state',
      'kalshi_mm_mode',
      'kalshi_mm_market_position_contracts',
      'kalshi_mm_market_realized_pnl_dollars',
      'kalshi_mm_market_marked_pnl_dollars',
      'kalshi_mm_market_fees_dollars',
      'kalshi_mm_market_quoting',
      'kalshi_mm_realized_pnl_dollars',
      'kalshi_mm_exposure_dollars',
    ])
      expect(types[name], name).to.equal('GAUGE');
    expect(types['kalshi_mm_decision_latency_seconds']).to.equal('HISTOGRAM');

    expect(valueOf(families, 'kalshi_mm_frames_received_total', { channel: 'orderbook_delta' })).to.equal(expected.frames.received['orderbook_delta']);
    expect(valueOf(families, 'kalshi_mm_frames_routed_total', { channel: 'ticker' })).to.equal(expected.frames.routed['ticker']);
    expect(valueOf(families, 'kalshi_mm_sequence_gaps_total')).to.equal(6);
    expect(valueOf(families, 'kalshi_mm_resyncs_total')).to.equal(3);
    expect(valueOf(families, 'kalshi_mm_reconnects_total')).to.equal(expected.connection.reconnects);
    expect(valueOf(families, 'kalshi_mm_stale_books')).to.equal(0);
    expect(valueOf(families, 'kalshi_mm_intents_total', { kind: 'amend' })).to.equal(13);
    expect(valueOf(families, 'kalshi_mm_orders_sent_total', { kind: 'create' })).to.equal(392);
    expect(valueOf(families, 'kalshi_mm_order_rejects_total', { reason: 'post_only_cross' })).to.equal(8);
    expect(valueOf(families, 'kalshi_mm_fills_total')).to.equal(53);
    expect(valueOf(families, 'kalshi_mm_rate_limited_total')).to.equal(6);
    expect(valueOf(families, 'kalshi_mm_write_tokens_spent_total')).to.equal(7300);
    expect(valueOf(families, 'kalshi_mm_write_tokens_left')).to.equal(103);
    expect(valueOf(families, 'kalshi_mm_risk_state', { state: 'active' })).to.equal(1);
    expect(valueOf(families, 'kalshi_mm_risk_state', { state: 'halted' })).to.equal(0);
    expect(valueOf(families, 'kalshi_mm_mode', { mode: 'paper' })).to.equal(1);
    expect(valueOf(families, 'kalshi_mm_state_timestamp_seconds')).to.equal(Date.parse(expected.ts) / 1000);
  });

  it('exports money exactly as the decimal strings say, per market and in total', async () => {
    source.step = 7;
    const families = await scrape();
    const state = stateAt(7, 5);
    for (let index = 0; index < 5; index++) {
      const market = { market: tickerOf(index) };
      const figures = figuresAt(index, 7);
      // the exposition text carries the decimal string itself (no float noise such as 0.30000000000000004)
      const text = (name: string): string => family(families, name).metrics.find((m) => m.labels?.['market'] === market.market)!.value!;
      expect(text('kalshi_mm_market_realized_pnl_dollars')).to.equal(shortDecimal(microDollars(figures.realized), 0));
      expect(text('kalshi_mm_market_marked_pnl_dollars')).to.equal(shortDecimal(microDollars(figures.marked), 0));
      expect(text('kalshi_mm_market_fees_dollars')).to.equal(shortDecimal(microDollars(figures.fees), 0));
      expect(valueOf(families, 'kalshi_mm_market_position_contracts', market)).to.equal(figures.position / 100);
      expect(valueOf(families, 'kalshi_mm_market_quoting', market)).to.equal(state.markets[index]!.state === 'quoting' ? 1 : 0);
    }
    expect(family(families, 'kalshi_mm_exposure_dollars').metrics[0]!.value).to.equal('130.45');
  });

  it('labels only the markets in the sample, and drops a market that leaves it', async () => {
    const before = await scrape();
    const labelled = (families: ParsedFamily[]): string[] =>
      family(families, 'kalshi_mm_market_position_contracts')
        .metrics.map((m) => m.labels!['market']!)
        .sort();
    expect(labelled(before)).to.deep.equal([0, 1, 2, 3, 4].map(tickerOf));
    source.marketCount = 2;
    expect(labelled(await scrape())).to.deep.equal([0, 1].map(tickerOf));
    for (const name of ['kalshi_mm_market_realized_pnl_dollars', 'kalshi_mm_market_quoting']) {
      expect(family(await scrape(), name).metrics).to.have.length(2);
    }
  });

  it('counters move between scrapes as the engine counts', async () => {
    const first = await scrape();
    source.advance(5);
    const second = await scrape();
    for (const [name, labels, by] of [
      ['kalshi_mm_frames_received_total', { channel: 'orderbook_delta' }, 250],
      ['kalshi_mm_sequence_gaps_total', {}, 10],
      ['kalshi_mm_fills_total', {}, 5],
      ['kalshi_mm_write_tokens_spent_total', {}, 500],
      ['kalshi_mm_rate_limited_total', {}, 5],
      ['kalshi_mm_intents_total', { kind: 'place' }, 20],
    ] as const) {
      expect(valueOf(second, name, labels) - valueOf(first, name, labels), name).to.equal(by);
    }
  });

  it('exports the decision latency buckets cumulatively, in seconds, with sum and count', async () => {
    source.step = 2;
    const latency = family(await scrape(), 'kalshi_mm_decision_latency_seconds').metrics[0]!;
    // counts per bucket 102, 52, 20, 5, 1, 0 under bounds 0.1, 0.5, 1, 5, 20 ms
    expect(latency.buckets).to.deep.equal({ '0.0001': '102', '0.0005': '154', '0.001': '174', '0.005': '179', '0.02': '180', '+Inf': '180' });
    expect(latency.count).to.equal('180');
    expect(latency.sum).to.equal('0.062');
  });

  it('answers 500 with the bad field named, logs it once, and recovers with the sampler', async () => {
    const broken = stateAt(1, 3);
    broken.markets[1]!.realizedPnl = '12.5O';
    const original = source.latest.bind(source);
    source.latest = () => broken;
    const reply = await request(`${server.url}metrics`);
    expect(reply.status).to.equal(500);
    expect(reply.body).to.contain(`markets[1] (${tickerOf(1)}).realizedPnl`);
    await request(`${server.url}metrics`);
    expect(log.events.filter((e) => e.level === 'error' && e.message.includes('realizedPnl'))).to.have.length(1);
    source.latest = original;
    expect((await request(`${server.url}metrics`)).status).to.equal(200);
  });

  it('a sampler that throws gives 500, not a crash', async () => {
    source.failure = new Error('sampler stopped');
    const reply = await request(`${server.url}metrics`);
    expect(reply.status).to.equal(500);
    expect(reply.body).to.contain('sampler stopped');
  });
});

describe('ControlMetrics checks the sample', () => {
  const metrics = new ControlMetrics();
  const cases: Array<[string, (s: ReturnType<typeof stateAt>) => void, RegExp]> = [
    [
      'a negative counter',
      (s) => {
        s.orders.fills = -1;
      },
      /orders\.fills/,
    ],
    [
      'a count that is not a number',
      (s) => {
        (s.frames.received as Record<string, unknown>)['trade'] = '7';
      },
      /frames\.received\.trade/,
    ],
    [
      'a latency histogram with the wrong number of counts',
      (s) => {
        s.decisionLatency.counts.pop();
      },
      /5 bounds need 6 counts/,
    ],
    [
      'bounds out of order',
      (s) => {
        s.decisionLatency.boundsMs[2] = 0.2;
      },
      /boundsMs\[2\]/,
    ],
    [
      'a money string with 7 decimals',
      (s) => {
        s.totals.fees = '0.0000001';
      },
      /totals\.fees/,
    ],
    [
      'a bad time stamp',
      (s) => {
        s.ts = 'yesterday';
      },
      /ts: expected an ISO-8601/,
    ],
    [
      'a market without ticker',
      (s) => {
        s.markets[0]!.ticker = '';
      },
      /markets\[0\]/,
    ],
  ];
  for (const [what, spoil, message] of cases) {
    it(`refuses ${what}`, async () => {
      const state = stateAt(0, 2);
      spoil(state);
      const error = await metrics.render(state).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(StateSampleError);
      expect((error as Error).message).to.match(message);
    });
  }

  it('leaves out _sum when the engine keeps no sum', async () => {
    const state = stateAt(0, 1);
    delete state.decisionLatency.sumMs;
    const text = await metrics.render(state);
    expect(text).not.to.contain('decision_latency_seconds_sum');
    expect(text).to.contain('kalshi_mm_decision_latency_seconds_count 176');
  });
});
