import { expect } from 'chai';
import fc from 'fast-check';
import type { FeeSchedule } from '../../src/fees/fee-model.js';
import { OrderBook, type NewOrder, type SubmitResult } from '../../src/matching/index.js';

/** A book with trade ids t1, t2, ... */
function newBook(feeSchedule?: FeeSchedule): OrderBook {
  let trades = 0;
  return new OrderBook({ nextTradeId: () => `t${++trades}`, ...(feeSchedule ? { feeSchedule } : {}) });
}

function gtc(orderId: string, side: 'yes' | 'no', price: number, count: number, extra: Partial<NewOrder> = {}): NewOrder {
  return { orderId, side, price, count, timeInForce: 'good_till_canceled', ...extra };
}

/** [maker order id, count, YES price] per execution. */
function matched(result: SubmitResult): Array<[string, number, number]> {
  return result.executions.map((execution) => [execution.maker.orderId, execution.count, execution.yesPrice]);
}

describe('matching/order-book', () => {
  describe('a book of bids on both legs', () => {
    // YES bids: 40 x 5.00 (a), 42 x 1.50 (b), 40 x 0.25 (c); NO bids: 55 x 10.00 (d), 57 x 2.00 (e)
    // so YES is asked at 100 - 57 = 43 (2.00) and 45 (10.00); the spread is 42 / 43
    let book: OrderBook;
    beforeEach(() => {
      book = newBook();
      book.submit(gtc('a', 'yes', 40, 500, { owner: 'alice' }));
      book.submit(gtc('b', 'yes', 42, 150, { owner: 'bob' }));
      book.submit(gtc('c', 'yes', 40, 25, { owner: 'carol' }));
      book.submit(gtc('d', 'no', 55, 1000, { owner: 'dave' }));
      book.submit(gtc('e', 'no', 57, 200, { owner: 'erin' }));
    });

    it('keeps ascending levels of summed size per leg, with nothing crossed', () => {
      expect(book.ladders.yes.levels()).to.deep.equal([
        [40, 525],
        [42, 150],
      ]);
      expect(book.ladders.no.levels()).to.deep.equal([
        [55, 1000],
        [57, 200],
      ]);
      expect(book.crosses('yes', 42)).to.equal(false);
      expect(book.crosses('yes', 43), 'a YES bid at 43 meets the NO bid at 57').to.equal(true);
      expect(book.restingOrders).to.equal(5);
    });

    it('a YES bid at 45 buys the YES asks 43 then 45: best price first, fills for both sides, remainder rests', () => {
      const result = book.submit(gtc('t', 'yes', 45, 1500, { owner: 'taker' }));
      expect(matched(result)).to.deep.equal([
        ['e', 200, 43],
        ['d', 1000, 45],
      ]);
      const [first, second] = result.executions;
      expect(first!.tradeId).to.equal('t1');
      expect(first!.taker).to.deep.equal({ orderId: 't', owner: 'taker', side: 'yes', isTaker: true, price: 43, count: 200, feeMicros: 34_314 });
      // 0.07 x 2 x 0.43 x 0.57 = $0.034314; the maker pays nothing on a plain quadratic schedule
      expect(first!.maker).to.deep.include({ orderId: 'e', owner: 'erin', side: 'no', isTaker: false, price: 57, count: 200, feeMicros: 0 });
      expect(second!.taker.feeMicros).to.equal(173_250); // 0.07 x 10 x 0.45 x 0.55
      expect(result).to.deep.include({ status: 'resting', size: 1500, filled: 1200, resting: 300 });
      expect(result.bookChanges).to.deep.equal([
        { side: 'no', price: 57, delta: -200 },
        { side: 'no', price: 55, delta: -1000 },
        { side: 'yes', price: 45, delta: 300 },
      ]);
      expect(book.ladders.no.levels()).to.deep.equal([]);
      expect(book.ladders.yes.levels()).to.deep.equal([
        [40, 525],
        [42, 150],
        [45, 300],
      ]);
      expect(book.order('t')!.remaining).to.equal(300);
    });

    it('a NO bid (a YES ask) takes YES bids first in, first out within a level', () => {
      // selling YES at 40 = buying NO at 60: 42 x 1.50 first, then at 40 a (5.00) before c (0.25)
      const result = book.submit(gtc('s', 'no', 60, 600));
      expect(matched(result)).to.deep.equal([
        ['b', 150, 42],
        ['a', 450, 40],
      ]);
      expect(result.executions.map((execution) => execution.taker.price)).to.deep.equal([58, 60]);
      expect(book.order('a')!.remaining).to.equal(50);
      expect(book.ladders.yes.levels()).to.deep.equal([[40, 75]]);
      expect(result.status).to.equal('executed');
    });

    it('a price that does not reach the other side rests without trading', () => {
      const result = book.submit(gtc('x', 'no', 57, 100));
      expect(result).to.deep.include({ status: 'resting', filled: 0, resting: 100 });
      expect(
        book.ladders.no.queueAt(57).map((order) => order.orderId),
        'behind e',
      ).to.deep.equal(['e', 'x']);
    });

    it('post-only: refused with PostOnlyCrossCancel when it would cross, rests otherwise', () => {
      const refused = book.submit(gtc('p', 'yes', 43, 100, { postOnly: true }));
      expect(refused).to.deep.include({ rejected: 'PostOnlyCrossCancel', filled: 0, resting: 0 });
      expect(refused.bookChanges).to.deep.equal([]);
      expect(book.order('p')).to.equal(undefined);
      expect(book.submit(gtc('q', 'yes', 42, 100, { postOnly: true }))).to.deep.include({ status: 'resting', resting: 100 });
    });

    it('immediate or cancel: takes what it can, the rest is cancelled, nothing rests', () => {
      const result = book.submit({ orderId: 'i', side: 'yes', price: 43, count: 500, timeInForce: 'immediate_or_cancel' });
      expect(matched(result)).to.deep.equal([['e', 200, 43]]);
      expect(result).to.deep.include({ status: 'canceled', filled: 200, resting: 0 });
      expect(result.canceled).to.deep.include({ count: 300, reason: 'ImmediateOrCancel' });
      expect(book.order('i')).to.equal(undefined);
      expect(book.ladders.yes.best()).to.equal(42);
    });

    it('fill or kill: all of it or nothing, and nothing moves when killed', () => {
      const killed = book.submit({ orderId: 'k', side: 'yes', price: 45, count: 1201, timeInForce: 'fill_or_kill' });
      expect(killed).to.deep.include({ status: 'canceled', filled: 0 });
      expect(killed.canceled).to.deep.include({ count: 1201, reason: 'FillOrKillCancel' });
      expect(book.ladders.no.levels()).to.deep.equal([
        [55, 1000],
        [57, 200],
      ]);
      const filled = book.submit({ orderId: 'f', side: 'yes', price: 45, count: 1200, timeInForce: 'fill_or_kill' });
      expect(filled).to.deep.include({ status: 'executed', filled: 1200 });
    });

    it('reduce-only: capped to the position it reduces, refused without one or in the wrong direction', () => {
      // long 3 YES: selling YES (buying NO) reduces it
      const capped = book.submit({ orderId: 'r', side: 'no', price: 60, count: 500, timeInForce: 'immediate_or_cancel', reduceOnly: true, position: 300 });
      expect(capped).to.deep.include({ size: 300, filled: 300 });
      expect(book.submit({ ...gtc('r2', 'yes', 30, 100), reduceOnly: true, position: 300 })).to.deep.include({ rejected: 'ReduceOnlyCancel' });
      expect(book.submit({ ...gtc('r3', 'no', 30, 100), reduceOnly: true })).to.deep.include({ rejected: 'ReduceOnlyCancel' });
      // short 2 NO... i.e. holding 2 NO (-200): buying YES reduces it
      expect(book.submit({ ...gtc('r4', 'yes', 30, 500), reduceOnly: true, position: -200 })).to.deep.include({ size: 200, resting: 200 });
    });
  });

  describe('self-trade prevention', () => {
    let book: OrderBook;
    beforeEach(() => {
      book = newBook();
      // YES asked at 45 by: x (2.00, other), mine (1.00, me), y (3.00, other), then at 46 z (5.00)
      book.submit(gtc('x', 'no', 55, 200, { owner: 'other' }));
      book.submit(gtc('mine', 'no', 55, 100, { owner: 'me' }));
      book.submit(gtc('y', 'no', 55, 300, { owner: 'other' }));
      book.submit(gtc('z', 'no', 54, 500, { owner: 'other' }));
    });

    it('taker_at_cross: fills ahead of its own order, then the taker is cancelled and matching stops', () => {
      const result = book.submit(gtc('t', 'yes', 46, 1000, { owner: 'me' }));
      expect(matched(result)).to.deep.equal([['x', 200, 45]]);
      expect(result).to.deep.include({ status: 'canceled', filled: 200, resting: 0 });
      expect(result.canceled).to.deep.include({ count: 800, reason: 'SelfTradeCancel' });
      expect(result.makerCancels).to.deep.equal([]);
      expect(book.order('mine')!.remaining, 'its own order stays').to.equal(100);
      expect(book.ladders.no.levels()).to.deep.equal([
        [54, 500],
        [55, 400],
      ]);
    });

    it('maker: the resting order of the same owner is cancelled and matching goes on behind it', () => {
      const result = book.submit(gtc('t', 'yes', 46, 1000, { owner: 'me', selfTradePrevention: 'maker' }));
      expect(matched(result)).to.deep.equal([
        ['x', 200, 45],
        ['y', 300, 45],
        ['z', 500, 46],
      ]);
      expect(result.makerCancels).to.deep.equal([{ orderId: 'mine', owner: 'me', side: 'no', price: 55, count: 100, reason: 'SelfTradeCancel' }]);
      expect(result.bookChanges).to.deep.equal([
        { side: 'no', price: 55, delta: -600 },
        { side: 'no', price: 54, delta: -500 },
      ]);
      expect(book.order('mine')).to.equal(undefined);
      expect(result.status).to.equal('executed');
    });

    it('fill or kill counts only what self-trade prevention lets it reach', () => {
      expect(book.fillable('yes', 46, 1000, 'me')).to.equal(200);
      expect(book.fillable('yes', 46, 1000, 'me', 'maker')).to.equal(1000);
      expect(book.fillable('yes', 46, 1000)).to.equal(1000);
      const killed = book.submit({ orderId: 'k', owner: 'me', side: 'yes', price: 46, count: 300, timeInForce: 'fill_or_kill' });
      expect(killed).to.deep.include({ status: 'canceled', filled: 0 });
      expect(book.order('mine'), 'nothing cancelled when killed').to.not.equal(undefined);
    });

    it('anonymous orders never self-trade', () => {
      const anonymous = newBook();
      anonymous.submit(gtc('a', 'no', 55, 100));
      expect(anonymous.submit(gtc('b', 'yes', 45, 100)).filled).to.equal(100);
    });
  });

  describe('amend, decrease and cancel', () => {
    let book: OrderBook;
    beforeEach(() => {
      book = newBook();
      book.submit(gtc('first', 'yes', 40, 300, { owner: 'a' }));
      book.submit(gtc('second', 'yes', 40, 300, { owner: 'b' }));
      book.submit(gtc('ask', 'no', 55, 500, { owner: 'c' })); // YES asked at 45
    });

    const takeAt40 = (count: number): SubmitResult =>
      book.submit({ orderId: `sell-${count}`, side: 'no', price: 60, count, timeInForce: 'immediate_or_cancel' });

    it('a smaller size at the same price keeps the place in the queue', () => {
      const result = book.amend('first', { price: 40, remaining: 100 })!;
      expect(result).to.deep.include({ priorityKept: true, resting: 100 });
      expect(result.bookChanges).to.deep.equal([{ side: 'yes', price: 40, delta: -200 }]);
      expect(matched(takeAt40(100))).to.deep.equal([['first', 100, 40]]);
    });

    it('a larger size sends the order to the back of its level', () => {
      const result = book.amend('first', { price: 40, remaining: 400 })!;
      expect(result).to.deep.include({ priorityKept: false, resting: 400 });
      expect(result.bookChanges).to.deep.equal([{ side: 'yes', price: 40, delta: 100 }]);
      expect(matched(takeAt40(400))).to.deep.equal([
        ['second', 300, 40],
        ['first', 100, 40],
      ]);
    });

    it('a new price that crosses trades, and the rest rests there', () => {
      const result = book.amend('second', { price: 46, remaining: 600 })!;
      expect(matched(result)).to.deep.equal([['ask', 500, 45]]);
      expect(result).to.deep.include({ status: 'resting', filled: 500, resting: 100, priorityKept: false });
      expect(result.bookChanges).to.deep.equal([
        { side: 'yes', price: 40, delta: -300 },
        { side: 'no', price: 55, delta: -500 },
        { side: 'yes', price: 46, delta: 100 },
      ]);
    });

    it('a post-only order may not amend into a cross: refused, and left as it was', () => {
      const result = book.amend('second', { price: 45, remaining: 300, postOnly: true })!;
      expect(result.rejected).to.equal('PostOnlyCrossCancel');
      expect(book.order('second')).to.deep.include({ price: 40, remaining: 300 });
      expect(book.ladders.yes.queueAt(40).map((order) => order.orderId)).to.deep.equal(['first', 'second']);
    });

    it('decrease keeps the place; to zero removes the order; cancel reports what rested', () => {
      expect(book.decrease('first', 250)).to.deep.equal({ removed: 250, remaining: 50, change: { side: 'yes', price: 40, delta: -250 } });
      expect(book.ladders.yes.queueAt(40).map((order) => order.orderId)).to.deep.equal(['first', 'second']);
      expect(book.decrease('first', 80)).to.deep.include({ removed: 50, remaining: 0 });
      expect(book.order('first')).to.equal(undefined);
      expect(book.cancel('second')).to.deep.equal({ orderId: 'second', owner: 'b', side: 'yes', price: 40, count: 300, reason: 'Requested' });
      expect(book.cancel('second')).to.equal(undefined);
      expect(book.amend('second', { price: 41, remaining: 100 })).to.equal(undefined);
      expect(book.ladders.yes.levels()).to.deep.equal([]);
    });
  });

  describe('fees and input checks', () => {
    it('charges makers only on fee types that say so, with the multiplier', () => {
      const book = newBook({ feeType: 'quadratic_with_maker_fees', multiplierMilli: 500 });
      book.submit(gtc('m', 'no', 70, 10_000));
      const [execution] = book.submit(gtc('t', 'yes', 30, 10_000)).executions;
      // taker: 0.5 x 0.07 x 100 x 0.3 x 0.7 = 0.735; maker: a quarter of it
      expect([execution!.taker.feeMicros, execution!.maker.feeMicros]).to.deep.equal([735_000, 183_750]);
    });

    it('rest() refuses a crossing price, a duplicate id and bad sizes; submit() bad prices', () => {
      const book = newBook();
      book.rest({ orderId: 'a', side: 'no', price: 55, remaining: 100, owner: 'o' });
      expect(() => book.rest({ orderId: 'b', side: 'yes', price: 45, remaining: 100 })).to.throw(RangeError, /cross/);
      expect(() => book.rest({ orderId: 'a', side: 'yes', price: 10, remaining: 100, owner: 'o' })).to.throw(RangeError, /already/);
      expect(() => book.rest({ orderId: 'c', side: 'yes', price: 10, remaining: 0 })).to.throw(RangeError);
      expect(() => book.submit(gtc('d', 'yes', 100, 100))).to.throw(RangeError, /price/);
      expect(() => book.submit(gtc('e', 'yes', 10, 1.5))).to.throw(RangeError, /count/);
    });
  });

  it('property: the book never crosses, levels equal their orders, and size is conserved', () => {
    const orderArb = fc.record({
      side: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
      price: fc.integer({ min: 1, max: 99 }),
      count: fc.integer({ min: 1, max: 500 }),
      owner: fc.constantFrom(undefined, 'a', 'b'),
      tif: fc.constantFrom<'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill'>('good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'),
      stp: fc.constantFrom<'taker_at_cross' | 'maker'>('taker_at_cross', 'maker'),
      postOnly: fc.boolean(),
      cancel: fc.nat(20),
    });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 60 }), (orders) => {
        const book = newBook();
        const ids: string[] = [];
        let added = 0;
        let traded = 0;
        let cancelled = 0;
        orders.forEach((order, index) => {
          const orderId = `o${index}`;
          const result = book.submit({
            orderId,
            side: order.side,
            price: order.price,
            count: order.count,
            timeInForce: order.tif,
            selfTradePrevention: order.stp,
            postOnly: order.postOnly,
            ...(order.owner !== undefined ? { owner: order.owner } : {}),
          });
          ids.push(orderId);
          added += result.resting;
          for (const execution of result.executions) {
            expect(execution.taker.price + execution.maker.price).to.equal(100);
            expect(execution.taker.price).to.be.at.most(order.price);
            traded += execution.count;
          }
          for (const cancel of result.makerCancels) cancelled += cancel.count;
          expect(result.filled + result.resting + (result.canceled?.count ?? 0)).to.equal(result.size);
          if (order.cancel < 3 && ids.length > 0) cancelled += book.cancel(ids[order.cancel % ids.length]!)?.count ?? 0;
          const yes = book.ladders.yes.best();
          const no = book.ladders.no.best();
          expect(yes === 0 || no === 0 || yes + no < 100, 'not crossed').to.equal(true);
        });
        let resting = 0;
        for (const side of ['yes', 'no'] as const) {
          for (const [price, size] of book.ladders[side].levels()) {
            const queue = book.ladders[side].queueAt(price);
            expect(queue.reduce((sum, order) => sum + order.remaining, 0)).to.equal(size);
            resting += size;
          }
        }
        expect(resting).to.equal(added - traded - cancelled);
      }),
      { numRuns: 300 },
    );
  });
});
