import { expect } from 'chai';
import { TickerHost } from '../../src/actors/ticker-host.js';
import { SPEC_DEFAULTS, TICKER } from '../strategy/fixtures.js';

describe('actors/ticker-host with own orders in the book', () => {
  const clock = { now: () => 1_000 };
  const levels = (rows: Array<[number, number]>) => rows.map(([price, contracts]) => [price, contracts * 100] as const);

  function liveHost(): { host: TickerHost; first: string[] } {
    const host = new TickerHost(TICKER, SPEC_DEFAULTS, clock, { ownOrdersInBook: true });
    const { intents } = host.snapshot({ ticker: TICKER, yes: levels([[40, 10]]), no: levels([[50, 10]]) });
    return { host, first: intents.map((i) => `${i.kind} ${i.side} ${i.price}`) };
  }

  it('sees its orders once the exchange confirms them, and does not chase them', () => {
    const { host, first } = liveHost();
    expect(first).to.deep.equal(['quote yes 41', 'quote no 51']);
    expect(host.delta({ ticker: TICKER, side: 'yes', price: 41, delta: 500, own: true }).intents).to.deep.equal([]);
    expect(host.delta({ ticker: TICKER, side: 'no', price: 51, delta: 500, own: true }).intents).to.deep.equal([]);
  });

  it('does not hide others\u2019 contracts at the price of an order still in flight', () => {
    const { host } = liveHost();
    // another participant joins at 41 before the maker's own YES bid is confirmed there:
    // seen as the others' thin best bid at 41, the maker improves to 42 (nothing of its own is hidden)
    const { intents } = host.delta({ ticker: TICKER, side: 'yes', price: 41, delta: 1_000 });
    expect(intents.map((i) => `${i.kind} ${i.side} ${i.price}`)).to.deep.equal(['reprice yes 42']);
  });
});
