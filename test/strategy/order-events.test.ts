import { expect } from 'chai';
import { DualMaker } from '../../src/strategy/dual-maker.js';
import type { OrderEvent, OrderEventKind } from '../../src/strategy/order-events.js';
import type { Intent } from '../../src/strategy/intent.js';
import { bookOf, describeIntents, exampleOneBook, SPEC_DEFAULTS, TICKER } from './fixtures.js';

const T0 = 1_767_225_600_000;

function idMaker(): { maker: DualMaker; ids: () => number } {
  const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
  let next = 0;
  maker.assignOrderIds(() => `id${++next}`);
  return { maker, ids: () => next };
}

function event(kind: OrderEventKind, intent: Intent, changes: Partial<OrderEvent> = {}): OrderEvent {
  return {
    kind,
    ticker: TICKER,
    leg: intent.side,
    role: intent.kind === 'exit' ? 'exit' : 'entry',
    clientOrderId: intent.clientOrderId!,
    orderId: 'o1',
    price: intent.price,
    remaining: 0,
    tsMs: T0,
    ...changes,
  };
}

describe('strategy: order events and client order ids', () => {
  it('every order intent gets a new client order id; a cancel carries the id of what it cancels', () => {
    const { maker } = idMaker();
    const book = exampleOneBook();
    const first = maker.onBook(book, T0);
    expect(first.map((intent) => [intent.kind, intent.side, intent.clientOrderId])).to.deep.equal([
      ['quote', 'yes', 'id1'],
      ['quote', 'no', 'id2'],
    ]);
    // the TTL: cancel (the old id) then quote (a new one)
    const refreshed = maker.onTimer(book, T0 + 6_000);
    expect(refreshed.map((intent) => [intent.kind, intent.reason, intent.clientOrderId])).to.deep.equal([
      ['cancel', 'ttl', 'id1'],
      ['quote', 'ttl_refresh', 'id3'],
      ['cancel', 'ttl', 'id2'],
      ['quote', 'ttl_refresh', 'id4'],
    ]);
    const stale = maker.onStale('sequence_gap', T0 + 6_001);
    expect(stale.map((intent) => [intent.kind, intent.clientOrderId])).to.deep.equal([
      ['cancel', 'id3'],
      ['cancel', 'id4'],
    ]);
  });

  it('without ids assigned (announce), intents carry none', () => {
    const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
    expect(maker.onBook(exampleOneBook(), T0).every((intent) => intent.clientOrderId === undefined)).to.equal(true);
  });

  it('a bid filled completely is gone at once: the next book event quotes that leg again, with no TTL wait', () => {
    const { maker } = idMaker();
    const book = exampleOneBook();
    const [yesQuote] = maker.onBook(book, T0);
    expect(
      maker.onOrderEvent(event('OrderFilled', yesQuote!, { remaining: 0, fill: { count: 500, price: 43, feeMicros: 0, isTaker: false } }), book),
    ).to.deep.equal([]);
    const next = maker.onBook(book, T0 + 10);
    expect(describeIntents(next)).to.deep.equal(['quote buy yes 5.00@43 improve']);
    expect(next[0]!.clientOrderId).to.equal('id3');
  });

  it('a partial fill leaves what remains; the next decision restores the size', () => {
    const { maker } = idMaker();
    const book = exampleOneBook();
    const [yesQuote] = maker.onBook(book, T0);
    maker.onOrderEvent(event('OrderFilled', yesQuote!, { remaining: 300 }), book);
    expect(describeIntents(maker.onBook(book, T0 + 10))).to.deep.equal(['reprice buy yes 5.00@43 improve was 43']);
  });

  it('a rejected bid is not sent again on the same top of the book; it is once the top moves', () => {
    const { maker } = idMaker();
    const book = exampleOneBook();
    const [yesQuote] = maker.onBook(book, T0);
    maker.onOrderEvent(event('OrderRejected', yesQuote!, { reason: 'post_only_cross' }), book);
    // the same book: no new YES bid, and nothing else changes
    expect(maker.onBook(book, T0 + 10)).to.deep.equal([]);
    expect(maker.onTimer(book, T0 + 20)).to.deep.equal([]);
    // the YES best bid moves: a new decision, a new order
    book.applyDelta({ ticker: TICKER, side: 'yes', price: 42, delta: 500 });
    const next = maker.onBook(book, T0 + 30);
    expect(next.map((intent) => [intent.kind, intent.side])).to.deep.include(['quote', 'yes']);
  });

  it('a cancel or expiry by the venue empties the slot; an event for another id changes nothing', () => {
    const { maker } = idMaker();
    const book = exampleOneBook();
    const [yesQuote, noQuote] = maker.onBook(book, T0);
    maker.onOrderEvent(event('OrderCanceled', noQuote!, { clientOrderId: 'someone-else', reason: 'HaltCancel' }), book);
    expect(maker.onBook(book, T0 + 10)).to.deep.equal([]);
    maker.onOrderEvent(event('OrderCanceled', noQuote!, { reason: 'HaltCancel' }), book);
    maker.onOrderEvent(event('OrderExpired', yesQuote!, { reason: 'expired' }), book);
    expect(describeIntents(maker.onBook(book, T0 + 20))).to.deep.equal(['quote buy yes 5.00@43 improve', 'quote buy no 5.00@54 cushion']);
  });

  it('exits: a rejected exit is not repeated on the same top', () => {
    const { maker } = idMaker();
    const book = bookOf([[42, 18]], [[54, 12]]);
    maker.onBook(book, T0);
    const afterPosition = maker.onPosition({ ticker: TICKER, position: 500, costE4: 21_000 }, book, T0 + 1);
    const exit = afterPosition.find((intent) => intent.kind === 'exit')!;
    expect(exit.clientOrderId).to.be.a('string');
    maker.onOrderEvent(event('OrderRejected', exit, { role: 'exit', reason: 'post_only_cross' }), book);
    expect(maker.onTimer(book, T0 + 2).filter((intent) => intent.kind === 'exit')).to.deep.equal([]);
  });
});
