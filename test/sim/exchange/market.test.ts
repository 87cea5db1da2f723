import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/manual-clock.js';
import type { BookOrder } from '../../../src/matching/index.js';
import { Market } from '../../../src/sim/exchange/market.js';
import type { ExchangeEvent } from '../../../src/sim/exchange/market-events.js';
import { Random } from '../../../src/sim/random.js';

describe('sim/exchange/market', () => {
  let events: ExchangeEvent[];
  let market: Market;

  beforeEach(() => {
    events = [];
    market = new Market('TEST-26JAN01-T1', 'market-id', 50, false, new Random(1), new ManualClock(1000), (event) => events.push(event));
  });

  const order = (orderId: string, side: 'yes' | 'no', price: number, remaining: number, keyId?: string): BookOrder => ({
    orderId,
    side,
    price,
    remaining,
    ...(keyId ? { owner: keyId } : {}),
  });

  it('keeps each side as ascending levels of summed size, emitting a signed delta per change', () => {
    market.rest(order('a', 'yes', 40, 500));
    market.rest(order('b', 'yes', 42, 150));
    market.rest(order('c', 'yes', 40, 25));
    market.rest(order('d', 'no', 55, 1000));
    expect(market.snapshot()).to.deep.equal({
      ticker: 'TEST-26JAN01-T1',
      yes: [
        [40, 525],
        [42, 150],
      ],
      no: [[55, 1000]],
    });
    const deltas = events.filter((event) => event.kind === 'book').map((event) => [event.side, event.price, event.delta]);
    expect(deltas).to.deep.equal([
      ['yes', 40, 500],
      ['yes', 42, 150],
      ['yes', 40, 25],
      ['no', 55, 1000],
    ]);
  });

  it('fills first in, first out within a level: a later order waits behind the size already there', () => {
    const first = order('first', 'no', 55, 500);
    const mine = order('mine', 'no', 55, 300, 'key');
    market.rest(first);
    market.rest(mine);
    const result = market.take({ takerSide: 'yes', limit: 45, size: 600 });
    expect(result.matches.map((match) => [match.maker.orderId, match.count, match.yesPrice])).to.deep.equal([
      ['first', 500, 45],
      ['mine', 100, 45],
    ]);
    expect(mine.remaining).to.equal(200);
    expect(market.snapshot().no).to.deep.equal([[55, 200]]);
  });

  it('sweeps levels best first up to the limit, with one delta and one trade per level', () => {
    market.rest(order('a', 'yes', 60, 100));
    market.rest(order('b', 'yes', 59, 100));
    market.rest(order('c', 'yes', 57, 100));
    events.length = 0;
    const result = market.take({ takerSide: 'no', limit: 41, size: 1000 });
    expect(result.filled).to.equal(200);
    expect(market.snapshot().yes).to.deep.equal([[57, 100]]);
    const summary = events
      .filter((event) => event.kind !== 'ticker')
      .map((event) =>
        event.kind === 'book'
          ? ['book', event.price, event.delta]
          : event.kind === 'trade'
            ? ['trade', event.yesPrice, event.count, event.takerSide]
            : [event.kind],
      );
    expect(summary).to.deep.equal([
      ['book', 60, -100],
      ['trade', 60, 100, 'no'],
      ['book', 59, -100],
      ['trade', 59, 100, 'no'],
    ]);
    const ticker = events.filter((event) => event.kind === 'ticker').at(-1)!;
    expect(ticker).to.deep.include({ yesBid: 57, yesAsk: 100, lastPrice: 59, volume: 200 });
  });

  it('announces closing stages in order only and never reopens', () => {
    market.close('deactivated');
    market.close('deactivated');
    market.close('settled');
    market.close('determined');
    expect(events.filter((event) => event.kind === 'lifecycle').map((event) => event.kind === 'lifecycle' && event.eventType)).to.deep.equal([
      'deactivated',
      'settled',
    ]);
    expect(market.isOpen).to.equal(false);
  });
});
