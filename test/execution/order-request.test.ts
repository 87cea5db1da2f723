import { expect } from 'chai';
import fc from 'fast-check';
import {
  amendOrderBody,
  batchCancelBody,
  batchCreateBody,
  checkOrderIntent,
  createOrderBody,
  decreaseOrderBody,
  fromVenueQuote,
  toVenueQuote,
  type DecreaseIntent,
  type Leg,
  type OrderAction,
  type OrderIntent,
} from '../../src/execution/order-request.js';

const intent = (fields: Partial<OrderIntent> = {}): OrderIntent => ({
  ticker: 'KXTEST-26DEC31-T1',
  clientOrderId: 'c-1',
  leg: 'yes',
  action: 'buy',
  price: 40,
  size: 500,
  timeInForce: 'good_till_canceled',
  postOnly: true,
  reduceOnly: false,
  ...fields,
});

function body(fields: Partial<OrderIntent>) {
  const built = createOrderBody(intent(fields));
  if (!built.ok) throw new Error(`expected a body, got ${built.error.message}`);
  return built.value;
}

function refusal(fields: Partial<OrderIntent> | Record<string, unknown>) {
  const built = createOrderBody({ ...intent(), ...fields } as OrderIntent);
  if (built.ok) throw new Error('expected a refusal');
  return built.error;
}

describe('execution/order-request', () => {
  describe('create body', () => {
    it('buy YES at p is a bid at p', () => {
      expect(body({ leg: 'yes', action: 'buy', price: 43, size: 1000 })).to.deep.equal({
        ticker: 'KXTEST-26DEC31-T1',
        client_order_id: 'c-1',
        side: 'bid',
        count: '10.00',
        price: '0.4300',
        time_in_force: 'good_till_canceled',
        self_trade_prevention_type: 'taker_at_cross',
        post_only: true,
        reduce_only: false,
      });
    });

    it('sell YES at p is an ask at p', () => {
      const b = body({ leg: 'yes', action: 'sell', price: 45 });
      expect([b.side, b.price]).to.deep.equal(['ask', '0.4500']);
    });

    it('buy NO at q is an ask at 100 - q', () => {
      const b = body({ leg: 'no', action: 'buy', price: 54 });
      expect([b.side, b.price]).to.deep.equal(['ask', '0.4600']);
    });

    it('sell NO at q is a bid at 100 - q', () => {
      const b = body({ leg: 'no', action: 'sell', price: 60 });
      expect([b.side, b.price]).to.deep.equal(['bid', '0.4000']);
    });

    it('writes fractional sizes and the optional fields', () => {
      const b = body({
        size: 1,
        timeInForce: 'good_till_canceled',
        postOnly: false,
        reduceOnly: true,
        cancelOnPause: true,
        orderGroupId: 'og_1',
        expirationS: 1_800_000_000,
      });
      expect(b.count).to.equal('0.01');
      expect(b.reduce_only).to.equal(true);
      expect(b.post_only).to.equal(false);
      expect(b.cancel_order_on_pause).to.equal(true);
      expect(b.order_group_id).to.equal('og_1');
      expect(b.expiration_time).to.equal(1_800_000_000);
      expect(body({ size: 7477, timeInForce: 'fill_or_kill' })).to.include({ count: '74.77', time_in_force: 'fill_or_kill' });
    });

    it('leaves out the optional fields that are not set', () => {
      const b = body({ timeInForce: 'immediate_or_cancel' }) as unknown as Record<string, unknown>;
      for (const field of ['cancel_order_on_pause', 'order_group_id', 'expiration_time', 'subaccount', 'exchange_index']) {
        expect(b, field).to.not.have.property(field);
      }
    });

    it('refuses bad input with the field and a reason', () => {
      expect(refusal({ price: 0 })).to.include({ field: 'price' });
      expect(refusal({ price: 100 })).to.include({ field: 'price' });
      expect(refusal({ price: 42.5 })).to.include({ field: 'price' });
      expect(refusal({ size: 0 })).to.include({ field: 'size' });
      expect(refusal({ size: -5 })).to.include({ field: 'size' });
      expect(refusal({ size: 1.5 })).to.include({ field: 'size' });
      expect(refusal({ ticker: '' })).to.include({ field: 'ticker' });
      expect(refusal({ clientOrderId: ' c ' })).to.include({ field: 'clientOrderId' });
      expect(refusal({ leg: 'maybe' })).to.include({ field: 'leg' });
      expect(refusal({ action: 'hold' })).to.include({ field: 'action' });
      expect(refusal({ timeInForce: 'good_till_time' })).to.include({ field: 'timeInForce' });
      expect(refusal({ postOnly: 'yes' })).to.include({ field: 'postOnly' });
      expect(refusal({ reduceOnly: undefined })).to.include({ field: 'reduceOnly' });
      expect(refusal({ cancelOnPause: 1 })).to.include({ field: 'cancelOnPause' });
      expect(refusal({ orderGroupId: '' })).to.include({ field: 'orderGroupId' });
      expect(refusal({ expirationS: 1.5 })).to.include({ field: 'expirationS' });
      expect(refusal({ expirationS: 1_800_000_000, timeInForce: 'immediate_or_cancel' }).message).to.match(/good_till_canceled/);
      expect(createOrderBody(null as unknown as OrderIntent)).to.deep.include({ ok: false });
      expect(checkOrderIntent(intent())).to.equal(undefined);
    });
  });

  describe('the YES-leg mapping and its inverse', () => {
    const cases: ReadonlyArray<[Leg, OrderAction, number, 'bid' | 'ask', number]> = [
      ['yes', 'buy', 43, 'bid', 43],
      ['yes', 'sell', 45, 'ask', 45],
      ['no', 'buy', 54, 'ask', 46],
      ['no', 'sell', 60, 'bid', 40],
    ];
    for (const [leg, action, price, side, yesPrice] of cases) {
      it(`${action} ${leg} @ ${price} <-> ${side} @ ${yesPrice}`, () => {
        expect(toVenueQuote(leg, action, price)).to.deep.equal({ side, yesPrice });
        expect(fromVenueQuote(side, yesPrice, leg)).to.deep.equal({ ok: true, value: { leg, action, price } });
      });
    }

    it('reads one venue order on either leg: a bid at 40 is buy YES @ 40 or sell NO @ 60', () => {
      expect(fromVenueQuote('bid', 40, 'yes')).to.deep.equal({ ok: true, value: { leg: 'yes', action: 'buy', price: 40 } });
      expect(fromVenueQuote('bid', 40, 'no')).to.deep.equal({ ok: true, value: { leg: 'no', action: 'sell', price: 60 } });
    });

    it('round-trips every leg, action and tick', () => {
      fc.assert(
        fc.property(fc.constantFrom<Leg>('yes', 'no'), fc.constantFrom<OrderAction>('buy', 'sell'), fc.integer({ min: 1, max: 99 }), (leg, action, price) => {
          const quote = toVenueQuote(leg, action, price);
          expect(fromVenueQuote(quote.side, quote.yesPrice, leg)).to.deep.equal({ ok: true, value: { leg, action, price } });
        }),
      );
    });

    it('refuses venue prices off the 1..99 grid and unknown sides', () => {
      for (const bad of [0, 100, 40.5, Number.NaN]) expect(fromVenueQuote('bid', bad, 'yes')).to.have.nested.property('error.field', 'yesPrice');
      expect(fromVenueQuote('buy' as 'bid', 40, 'yes')).to.have.nested.property('error.field', 'side');
      expect(fromVenueQuote('ask', 40, 'both' as Leg)).to.have.nested.property('error.field', 'leg');
    });
  });

  describe('amend body', () => {
    const amend = {
      ticker: 'T',
      clientOrderId: 'c-1',
      updatedClientOrderId: 'c-2',
      leg: 'no' as Leg,
      action: 'buy' as OrderAction,
      price: 57,
      filled: 300,
      resting: 500,
    };

    it('sends the new total (filled + resting) on the YES leg, with both client order ids', () => {
      expect(amendOrderBody(amend)).to.deep.equal({
        ok: true,
        value: { ticker: 'T', side: 'ask', price: '0.4300', count: '8.00', client_order_id: 'c-1', updated_client_order_id: 'c-2' },
      });
      expect(amendOrderBody({ ...amend, leg: 'yes', action: 'buy', filled: 0, resting: 1 })).to.deep.include({
        value: { ticker: 'T', side: 'bid', price: '0.5700', count: '0.01', client_order_id: 'c-1', updated_client_order_id: 'c-2' },
      });
    });

    it('refuses a resting size of zero, a negative filled, a reused client order id', () => {
      expect(amendOrderBody({ ...amend, resting: 0 })).to.have.nested.property('error.field', 'resting');
      expect(amendOrderBody({ ...amend, filled: -1 })).to.have.nested.property('error.field', 'filled');
      expect(amendOrderBody({ ...amend, updatedClientOrderId: 'c-1' })).to.have.nested.property('error.field', 'updatedClientOrderId');
      expect(amendOrderBody({ ...amend, price: 100 })).to.have.nested.property('error.field', 'price');
      expect(amendOrderBody({ ...amend, filled: Number.MAX_SAFE_INTEGER })).to.have.nested.property('error.field', 'resting');
    });
  });

  describe('decrease body', () => {
    it('reduce_to or reduce_by, with the ticker for routing', () => {
      expect(decreaseOrderBody({ reduceTo: 0 })).to.deep.equal({ ok: true, value: { reduce_to: '0.00' } });
      expect(decreaseOrderBody({ reduceTo: 250, ticker: 'T' })).to.deep.equal({ ok: true, value: { reduce_to: '2.50', market_ticker: 'T' } });
      expect(decreaseOrderBody({ reduceBy: 200 })).to.deep.equal({ ok: true, value: { reduce_by: '2.00' } });
    });

    it('refuses both, neither, and bad counts', () => {
      expect(decreaseOrderBody({ reduceTo: 1, reduceBy: 1 } as unknown as DecreaseIntent)).to.have.property('ok', false);
      expect(decreaseOrderBody({} as DecreaseIntent)).to.have.property('ok', false);
      expect(decreaseOrderBody({ reduceBy: 0 })).to.have.nested.property('error.field', 'reduceBy');
      expect(decreaseOrderBody({ reduceTo: -1 })).to.have.nested.property('error.field', 'reduceTo');
    });
  });

  describe('batch bodies', () => {
    it('batch create: one create body per intent, in order', () => {
      const built = batchCreateBody([intent({ clientOrderId: 'a' }), intent({ clientOrderId: 'b', leg: 'no', price: 70 })]);
      expect(built.ok).to.equal(true);
      if (!built.ok) return;
      expect(built.value.orders.map((o) => [o.client_order_id, o.side, o.price])).to.deep.equal([
        ['a', 'bid', '0.4000'],
        ['b', 'ask', '0.3000'],
      ]);
      expect(built.value.orders[0]).to.deep.equal(body({ clientOrderId: 'a' }));
    });

    it('batch create: refused whole, naming the item, on a bad item, a repeated client order id or no items', () => {
      expect(batchCreateBody([intent({ clientOrderId: 'a' }), intent({ clientOrderId: 'b', price: 0 })])).to.deep.include({
        ok: false,
      });
      expect(batchCreateBody([intent({ clientOrderId: 'a' }), intent({ clientOrderId: 'b', price: 0 })])).to.have.nested.property('error.index', 1);
      expect(batchCreateBody([intent({ clientOrderId: 'a' }), intent({ clientOrderId: 'a' })])).to.have.nested.property('error.index', 1);
      expect(batchCreateBody([])).to.have.nested.property('error.field', 'orders');
    });

    it('batch cancel: order ids with the ticker when known', () => {
      expect(batchCancelBody([{ orderId: 'o1', ticker: 'T' }, { orderId: 'o2' }])).to.deep.equal({
        ok: true,
        value: { orders: [{ order_id: 'o1', market_ticker: 'T' }, { order_id: 'o2' }] },
      });
      expect(batchCancelBody([{ orderId: 'o1' }, { orderId: 'o1' }])).to.have.nested.property('error.index', 1);
      expect(batchCancelBody([{ orderId: '' }])).to.have.nested.property('error.field', 'orderId');
      expect(batchCancelBody([])).to.have.property('ok', false);
    });
  });
});
