import { expect } from 'chai';
import type { KalshiRestClient } from '../../src/adapters/kalshi/rest-client.js';
import { KalshiVenue, venueOrderOf } from '../../src/execution/kalshi-venue.js';
import type { VenueFill, VenueOrderEnded, VenuePosition } from '../../src/execution/venue.js';

function venue(): { venue: KalshiVenue; fills: VenueFill[]; ended: VenueOrderEnded[]; positions: VenuePosition[]; settled: string[]; problems: string[] } {
  const problems: string[] = [];
  const v = new KalshiVenue('paper', {} as KalshiRestClient, (problem) => problems.push(problem));
  const fills: VenueFill[] = [];
  const ended: VenueOrderEnded[] = [];
  const positions: VenuePosition[] = [];
  const settled: string[] = [];
  v.listen({
    fill: (f) => fills.push(f),
    orderEnded: (e) => ended.push(e),
    position: (p) => positions.push(p),
    settled: (ticker, result) => settled.push(`${ticker} ${result}`),
  });
  return { venue: v, fills, ended, positions, settled, problems };
}

describe('execution/kalshi-venue: the private frames', () => {
  it('reads a fill exactly: YES-leg price in ticks, count in hundredths, fee in micro-dollars', () => {
    const h = venue();
    h.venue.ingest(
      JSON.stringify({
        type: 'fill',
        sid: 13,
        msg: {
          trade_id: 't1',
          order_id: 'o1',
          client_order_id: 'c1',
          market_ticker: 'KX-1',
          is_taker: true,
          yes_price_dollars: '0.7500',
          count_fp: '2.50',
          fee_cost: '0.010000',
          ts_ms: 1_700_000_000_123,
        },
      }),
    );
    expect(h.fills).to.deep.equal([
      {
        tradeId: 't1',
        orderId: 'o1',
        clientOrderId: 'c1',
        ticker: 'KX-1',
        yesPrice: 75,
        count: 250,
        feeMicros: 10_000,
        isTaker: true,
        tsMs: 1_700_000_000_123,
      },
    ]);
  });

  it('an order the venue cancelled (user_order canceled) is reported with its reason; resting and executed updates are not', () => {
    const h = venue();
    h.venue.ingest(JSON.stringify({ type: 'user_order', sid: 22, msg: { order_id: 'o1', client_order_id: 'c1', ticker: 'KX-1', status: 'resting' } }));
    h.venue.ingest(
      JSON.stringify({
        type: 'user_order',
        sid: 22,
        msg: { order_id: 'o1', client_order_id: 'c1', ticker: 'KX-1', status: 'canceled', last_update_reason: 'PostOnlyCrossCancel' },
      }),
    );
    h.venue.ingest(
      JSON.stringify({ type: 'user_order', sid: 22, msg: { order_id: 'o2', ticker: 'KX-1', status: 'canceled', last_update_reason: 'ExpiryCancel' } }),
    );
    expect(h.ended.map((e) => [e.orderId, e.status, e.reason])).to.deep.equal([
      ['o1', 'canceled', 'PostOnlyCrossCancel'],
      ['o2', 'expired', 'ExpiryCancel'],
    ]);
  });

  it('a market that is determined and then settles is booked with its result', () => {
    const h = venue();
    h.venue.ingest(JSON.stringify({ type: 'market_lifecycle_v2', sid: 3, seq: 4, msg: { market_ticker: 'KX-1', event_type: 'determined', result: 'yes' } }));
    expect(h.settled).to.deep.equal([]);
    h.venue.ingest(JSON.stringify({ type: 'market_lifecycle_v2', sid: 3, seq: 5, msg: { market_ticker: 'KX-1', event_type: 'settled' } }));
    expect(h.settled).to.deep.equal(['KX-1 yes']);
  });

  it('bad frames are reported, never thrown', () => {
    const h = venue();
    h.venue.ingest('{not json');
    h.venue.ingest(JSON.stringify({ type: 'fill', msg: { trade_id: 't', order_id: 'o', market_ticker: 'KX-1', yes_price_dollars: 'x', count_fp: '1.00' } }));
    h.venue.ingest(JSON.stringify({ type: 'fill' }));
    expect(h.fills).to.deep.equal([]);
    expect(h.problems).to.have.length(3);
  });

  it('a listed order reads on the leg its side buys', () => {
    const base = {
      order_id: 'o',
      client_order_id: 'c',
      ticker: 'KX-1',
      outcome_side: 'no' as const,
      status: 'resting' as const,
      no_price_dollars: '0.4000',
      fill_count_fp: '1.00',
      remaining_count_fp: '4.00',
      initial_count_fp: '5.00',
    };
    expect(venueOrderOf({ ...base, book_side: 'ask', yes_price_dollars: '0.6000' })).to.include({
      leg: 'no',
      action: 'buy',
      price: 40,
      remaining: 400,
      filled: 100,
    });
    expect(venueOrderOf({ ...base, book_side: 'bid', yes_price_dollars: '0.6000' })).to.include({ leg: 'yes', action: 'buy', price: 60 });
  });
});
