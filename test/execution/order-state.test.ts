import { expect } from 'chai';
import fc from 'fast-check';
import type { OrderIntent } from '../../src/execution/order-request.js';
import {
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  applyOrderEvent,
  isTerminal,
  isWorking,
  knownFilled,
  newOrder,
  remainingSize,
  type OrderEvent,
  type OrderEventType,
  type OrderStatus,
  type OrderTransition,
  type TrackedOrder,
} from '../../src/execution/order-state.js';

const intent: OrderIntent = {
  ticker: 'KXTEST-26DEC31-T1',
  clientOrderId: 'c-1',
  leg: 'yes',
  action: 'buy',
  price: 40,
  size: 1000,
  timeInForce: 'good_till_canceled',
  postOnly: true,
  reduceOnly: false,
};

function fresh(fields: Partial<OrderIntent> = {}): TrackedOrder {
  const made = newOrder({ ...intent, ...fields }, 0);
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

let clock = 0;

/** Apply events that must all be accepted. */
function run(order: TrackedOrder, ...events: OrderEvent[]): TrackedOrder {
  let current = order;
  for (const event of events) {
    const result = applyOrderEvent(current, event, ++clock);
    if (!result.ok) throw new Error(`${event.type} refused: ${result.error.message}`);
    current = result.value.order;
  }
  return current;
}

function apply(order: TrackedOrder, event: OrderEvent): OrderTransition {
  const result = applyOrderEvent(order, event, ++clock);
  if (!result.ok) throw new Error(`${event.type} refused: ${result.error.message}`);
  return result.value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const accepted = (remaining: number, filled: number): OrderEvent => ({ type: 'accepted', orderId: 'o-1', remaining, filled });
const fill = (count: number): OrderEvent => ({ type: 'filled', count });

// Records in every state, in the variants that matter: with and without fills, and an amend
// in flight that raises the size above what has already filled.
const resting = () => run(fresh(), accepted(1000, 0));
const partiallyFilled = () => run(fresh(), accepted(700, 300));
const amendingUp = () => run(partiallyFilled(), { type: 'amend_sent', price: 41, size: 2000, clientOrderId: 'c-2' });
const amendingUpFilledOld = () => run(amendingUp(), fill(1000)); // 1000 of the old 1000, not of the new 2000

const VARIANTS: Readonly<Record<OrderStatus, ReadonlyArray<() => TrackedOrder>>> = {
  pending: [() => fresh(), () => run(fresh(), fill(300))],
  resting: [resting, () => run(resting(), { type: 'amend_sent', price: 41, size: 1000 }, { type: 'amend_rejected', reason: 'x' })],
  partially_filled: [partiallyFilled, () => run(resting(), fill(250))],
  pending_cancel: [() => run(resting(), { type: 'cancel_sent' }), () => run(partiallyFilled(), { type: 'cancel_sent' })],
  pending_amend: [() => run(resting(), { type: 'amend_sent', price: 41, size: 1500, clientOrderId: 'c-2' }), amendingUp, amendingUpFilledOld],
  unknown: [
    () => run(fresh(), { type: 'timed_out' }),
    () => run(fresh(), fill(300), { type: 'timed_out' }),
    () => run(resting(), { type: 'cancel_sent' }, { type: 'timed_out' }),
    () => run(amendingUpFilledOld(), { type: 'timed_out' }),
  ],
  filled: [() => run(resting(), fill(1000)), () => run(fresh(), accepted(0, 1000))],
  canceled: [() => run(resting(), { type: 'cancel_sent' }, { type: 'canceled', reason: 'CancelRequest' }), () => run(fresh(), accepted(0, 300))],
  rejected: [() => run(fresh(), { type: 'rejected', reason: 'post_only_cross' })],
  expired: [() => run(partiallyFilled(), { type: 'expired' })],
};

// Payloads for every event; some depend on the record (a fill that completes it, an amend above its fills).
const PAYLOADS: Readonly<Record<OrderEventType, ReadonlyArray<(order: TrackedOrder) => OrderEvent>>> = {
  accepted: [() => accepted(1000, 0), () => accepted(700, 300), () => accepted(0, 1000), () => accepted(0, 300), () => accepted(0, 0)],
  rejected: [() => ({ type: 'rejected', reason: 'insufficient_balance' })],
  filled: [() => fill(100), (order) => fill(Math.max(1, remainingSize(order)))],
  cancel_sent: [() => ({ type: 'cancel_sent' })],
  canceled: [() => ({ type: 'canceled', reason: 'CancelRequest' }), () => ({ type: 'canceled', reason: 'SelfTradeCancel', orderId: 'o-1' })],
  cancel_rejected: [() => ({ type: 'cancel_rejected', reason: 'try again' }), () => ({ type: 'cancel_rejected', reason: 'not_found', orderGone: true })],
  amend_sent: [(order) => ({ type: 'amend_sent', price: 42, size: knownFilled(order) + 500, clientOrderId: 'c-9' })],
  amended: [
    (order) => ({ type: 'amended', price: 42, size: knownFilled(order) + 500 }),
    (order) => ({ type: 'amended', price: 42, size: Math.max(1, knownFilled(order)), filled: knownFilled(order) }),
  ],
  amend_rejected: [() => ({ type: 'amend_rejected', reason: 'invalid_order' }), () => ({ type: 'amend_rejected', reason: 'not_found', orderGone: true })],
  expired: [() => ({ type: 'expired' })],
  timed_out: [() => ({ type: 'timed_out' })],
  found: [
    () => ({ type: 'found', status: 'resting', orderId: 'o-1', remaining: 1000, filled: 0 }),
    () => ({ type: 'found', status: 'resting', orderId: 'o-1', remaining: 500, filled: 300, price: 41 }),
    (order) => ({ type: 'found', status: 'resting', orderId: 'o-1', remaining: 1, filled: Math.max(0, knownFilled(order) - 1) }),
    () => ({ type: 'found', status: 'executed', orderId: 'o-1', remaining: 0, filled: 1000 }),
    () => ({ type: 'found', status: 'canceled', orderId: 'o-1', remaining: 0, filled: 0 }),
  ],
  not_found: [() => ({ type: 'not_found' })],
};

describe('execution/order-state', () => {
  describe('the transition table, case by case', () => {
    it('covers every state and names only known states and events', () => {
      expect(Object.keys(ORDER_TRANSITIONS).sort()).to.deep.equal([...ORDER_STATUSES].sort());
      for (const status of ORDER_STATUSES) {
        for (const [event, targets] of Object.entries(ORDER_TRANSITIONS[status])) {
          expect(ORDER_EVENT_TYPES, `${status} --${event}`).to.include(event);
          for (const target of targets ?? []) expect(ORDER_STATUSES).to.include(target);
        }
      }
    });

    it('every state has fixtures in that state', () => {
      for (const status of ORDER_STATUSES) for (const make of VARIANTS[status]) expect(make().status, status).to.equal(status);
    });

    for (const status of ORDER_STATUSES) {
      for (const event of ORDER_EVENT_TYPES) {
        const targets = ORDER_TRANSITIONS[status][event];
        if (targets !== undefined) {
          it(`${status} --${event}--> ${targets.join(' | ')}`, () => {
            const reached = new Set<OrderStatus>();
            for (const make of VARIANTS[status]) {
              for (const payload of PAYLOADS[event]) {
                const order = deepFreeze(make());
                const result = applyOrderEvent(order, payload(order), 1_000);
                if (!result.ok) throw new Error(`refused: ${result.error.message}`);
                expect(result.value.from).to.equal(status);
                expect(result.value.to).to.equal(result.value.order.status);
                expect(targets).to.include(result.value.to);
                expect(result.value.order.updatedMs).to.equal(1_000);
                reached.add(result.value.to);
              }
            }
            // every target the table lists is reachable from some record and payload
            expect([...reached].sort()).to.deep.equal([...targets].sort());
          });
        } else {
          const kind = isTerminal(status) ? 'terminal' : 'illegal';
          it(`${status} refuses ${event} (${kind})`, () => {
            for (const make of VARIANTS[status]) {
              for (const payload of PAYLOADS[event]) {
                const order = deepFreeze(make());
                const before = structuredClone(order);
                const result = applyOrderEvent(order, payload(order), 1_000);
                expect(result.ok).to.equal(false);
                if (result.ok) return;
                expect(result.error).to.include({ kind, status, event });
                expect(result.error.message).to.be.a('string').and.not.equal('');
                expect(order).to.deep.equal(before);
              }
            }
          });
        }
      }
    }
  });

  describe('scenarios', () => {
    it('a new order is pending its create', () => {
      const order = fresh();
      expect(order).to.deep.include({ status: 'pending', awaiting: 'create', filled: 0, venueFilled: 0, size: 1000, price: 40, clientOrderId: 'c-1' });
      expect(order).to.not.have.property('orderId');
      expect(newOrder({ ...intent, price: 0 }, 0)).to.have.nested.property('error.field', 'price');
    });

    it('partial then full fill', () => {
      let order = run(fresh(), accepted(1000, 0));
      expect(order).to.deep.include({ status: 'resting', orderId: 'o-1' });
      expect(order).to.not.have.property('awaiting');
      let step = apply(order, fill(300));
      expect([step.from, step.to]).to.deep.equal(['resting', 'partially_filled']);
      order = step.order;
      expect(remainingSize(order)).to.equal(700);
      step = apply(order, fill(700));
      expect([step.from, step.to]).to.deep.equal(['partially_filled', 'filled']);
      expect(step.order.filled).to.equal(1000);
      expect(remainingSize(step.order)).to.equal(0);
      expect(step.lateFill).to.equal(undefined);
    });

    it('a fill that beats the cancel: filled, and the cancel answer is dropped as terminal', () => {
      let order = run(fresh(), accepted(1000, 0), { type: 'cancel_sent' });
      expect(order).to.deep.include({ status: 'pending_cancel', awaiting: 'cancel' });
      order = run(order, fill(1000));
      expect(order.status).to.equal('filled');
      const late = applyOrderEvent(order, { type: 'canceled', reason: 'CancelRequest' }, 9);
      expect(late).to.deep.include({ ok: false });
      if (!late.ok) expect(late.error.kind).to.equal('terminal');
      expect(order.filled).to.equal(1000);
    });

    it('a fill after the cancel: counted, the order stays canceled, the step says lateFill', () => {
      const order = run(fresh(), accepted(1000, 0), { type: 'cancel_sent' }, fill(400), { type: 'canceled', reason: 'CancelRequest' });
      expect(order).to.deep.include({ status: 'canceled', filled: 400, reason: 'CancelRequest' });
      const step = apply(order, fill(600));
      expect(step.to).to.equal('canceled');
      expect(step.lateFill).to.equal(true);
      expect(step.overfill).to.equal(undefined);
      expect(step.order).to.deep.include({ filled: 1000, lateFilled: 600 });
    });

    it('timeout, then the lookup finds it resting: the order id is learnt and it can be canceled', () => {
      let order = run(fresh(), { type: 'timed_out' });
      expect(order).to.deep.include({ status: 'unknown', awaiting: 'create' });
      order = run(order, { type: 'found', status: 'resting', orderId: 'o-7', remaining: 1000, filled: 0 });
      expect(order).to.deep.include({ status: 'resting', orderId: 'o-7', size: 1000 });
      expect(order).to.not.have.property('awaiting');
      expect(run(order, { type: 'cancel_sent' }).status).to.equal('pending_cancel');
    });

    it('timeout, then not found: the create never took effect (rejected); a late fill would still count', () => {
      const order = run(fresh(), { type: 'timed_out' }, { type: 'not_found' });
      expect(order).to.deep.include({ status: 'rejected', reason: 'not found after the create timed out' });
      const step = apply(order, { type: 'filled', count: 100, orderId: 'o-1' });
      expect(step).to.deep.include({ to: 'rejected', lateFill: true });
      expect(step.order).to.deep.include({ filled: 100, orderId: 'o-1' });
    });

    it('a cancel that timed out and is not found: the order existed, so it ended canceled', () => {
      const order = run(partiallyFilled(), fill(300), { type: 'cancel_sent' }, { type: 'timed_out' });
      expect(order).to.deep.include({ status: 'unknown', awaiting: 'cancel' });
      expect(run(order, { type: 'not_found' })).to.deep.include({ status: 'canceled', filled: 300 });
      expect(run(order, { type: 'found', status: 'canceled', orderId: 'o-1', remaining: 0, filled: 300 })).to.deep.include({ status: 'canceled' });
    });

    it('fills reported both in the answer and by the fill channel are counted once', () => {
      let order = run(fresh(), accepted(700, 300));
      expect(order).to.deep.include({ status: 'partially_filled', filled: 0, venueFilled: 300, size: 1000 });
      order = run(order, fill(300));
      expect(order).to.deep.include({ status: 'partially_filled', filled: 300, venueFilled: 300 });
      expect(remainingSize(order)).to.equal(700);
    });

    it('immediate-or-cancel that partly filled: canceled remainder, its fill reports counted when they come', () => {
      const ioc = fresh({ timeInForce: 'immediate_or_cancel', postOnly: false });
      let order = run(ioc, accepted(0, 300));
      expect(order).to.deep.include({ status: 'canceled', venueFilled: 300, filled: 0 });
      order = run(order, fill(300));
      expect(order).to.deep.include({ status: 'canceled', filled: 300 });
      expect(run(ioc, accepted(0, 1000)).status).to.equal('filled');
    });

    it('a fill report before the create answer keeps the order pending; the answer then sorts it', () => {
      let order = run(fresh(), { type: 'filled', count: 200, orderId: 'o-1' });
      expect(order).to.deep.include({ status: 'pending', filled: 200, orderId: 'o-1' });
      order = run(order, accepted(800, 200));
      expect(order).to.deep.include({ status: 'partially_filled', filled: 200, size: 1000 });
    });

    it('amend: new price, total size and client order id once answered; refused amend keeps the old ones', () => {
      const sent = run(resting(), { type: 'amend_sent', price: 42, size: 1500, clientOrderId: 'c-2' });
      expect(sent).to.deep.include({ status: 'pending_amend', awaiting: 'amend', amendTo: { price: 42, size: 1500, clientOrderId: 'c-2' } });
      expect(run(sent, { type: 'amended', price: 42, size: 1500, filled: 0 })).to.deep.include({
        status: 'resting',
        price: 42,
        size: 1500,
        clientOrderId: 'c-2',
      });
      const refused = run(sent, { type: 'amend_rejected', reason: 'invalid_order' });
      expect(refused).to.deep.include({ status: 'resting', price: 40, size: 1000, clientOrderId: 'c-1', reason: 'invalid_order' });
      expect(refused).to.not.have.property('amendTo');
    });

    it('a fill while an amend raises the size completes the order only past both sizes', () => {
      const order = amendingUpFilledOld(); // 1000 filled: all of the old size, half of the new
      expect(order.status).to.equal('pending_amend');
      expect(remainingSize(order)).to.equal(1000);
      expect(run(order, { type: 'amended', price: 41, size: 2000 }).status).to.equal('partially_filled');
      expect(run(order, { type: 'amend_rejected', reason: 'x' }).status).to.equal('filled');
    });

    it('a cancel the venue refuses: back to resting, or unknown if the order is gone', () => {
      const sent = run(partiallyFilled(), { type: 'cancel_sent' });
      expect(run(sent, { type: 'cancel_rejected', reason: 'try again' })).to.deep.include({ status: 'partially_filled' });
      expect(run(sent, { type: 'cancel_rejected', reason: 'not_found', orderGone: true })).to.deep.include({ status: 'unknown', awaiting: 'cancel' });
    });

    it('refuses malformed payloads as invalid and leaves the record as it was', () => {
      const order = deepFreeze(resting());
      const cases: unknown[] = [
        { type: 'filled', count: 0 },
        { type: 'filled', count: 1.5 },
        { type: 'filled', count: 10, orderId: 'someone-else' },
        { type: 'amend_sent', price: 100, size: 1000 },
        { type: 'amend_sent', price: 41, size: 0 },
        { type: 'canceled' },
        { type: 'explode' },
        null,
        'filled',
      ];
      for (const event of cases) {
        const result = applyOrderEvent(order, event as OrderEvent, 5);
        expect(result.ok, JSON.stringify(event)).to.equal(false);
        if (!result.ok) expect(result.error.kind).to.equal('invalid');
      }
      const partly = run(partiallyFilled(), fill(300));
      const noRoom = applyOrderEvent(partly, { type: 'amend_sent', price: 41, size: 300 }, 5);
      expect(noRoom.ok).to.equal(false);
      if (!noRoom.ok) expect(noRoom.error.message).to.match(/cancel instead/);
      const pending = run(fresh(), { type: 'timed_out' });
      expect(applyOrderEvent(pending, { type: 'found', status: 'resting', orderId: 'o-1', remaining: 0, filled: 0 }, 5)).to.have.nested.property(
        'error.kind',
        'invalid',
      );
    });

    it('flags an overfill and still counts it', () => {
      const step = apply(resting(), fill(1200));
      expect(step).to.deep.include({ to: 'filled', overfill: true });
      expect(step.order.filled).to.equal(1200);
    });

    it('helpers: terminal and working states', () => {
      expect(ORDER_STATUSES.filter(isTerminal)).to.deep.equal(['filled', 'canceled', 'rejected', 'expired']);
      expect(ORDER_STATUSES.filter(isWorking)).to.deep.equal(['resting', 'partially_filled']);
    });
  });

  describe('properties', () => {
    const eventArbitrary: fc.Arbitrary<OrderEvent> = fc.oneof(
      fc.record({
        type: fc.constant('accepted' as const),
        orderId: fc.constant('o-1'),
        remaining: fc.integer({ min: 0, max: 1500 }),
        filled: fc.integer({ min: 0, max: 1500 }),
      }),
      fc.record({ type: fc.constant('rejected' as const), reason: fc.constant('r') }),
      fc.record({ type: fc.constant('filled' as const), count: fc.integer({ min: -5, max: 800 }) }),
      fc.constant({ type: 'cancel_sent' as const }),
      fc.record({ type: fc.constant('canceled' as const), reason: fc.constant('c') }),
      fc.record({ type: fc.constant('cancel_rejected' as const), reason: fc.constant('x'), orderGone: fc.boolean() }),
      fc.record({ type: fc.constant('amend_sent' as const), price: fc.integer({ min: 0, max: 100 }), size: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ type: fc.constant('amended' as const), price: fc.integer({ min: 1, max: 99 }), size: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ type: fc.constant('amend_rejected' as const), reason: fc.constant('x'), orderGone: fc.boolean() }),
      fc.constant({ type: 'expired' as const }),
      fc.constant({ type: 'timed_out' as const }),
      fc.record({
        type: fc.constant('found' as const),
        status: fc.constantFrom('resting' as const, 'canceled' as const, 'executed' as const),
        orderId: fc.constant('o-1'),
        remaining: fc.integer({ min: 0, max: 1500 }),
        filled: fc.integer({ min: 0, max: 1500 }),
      }),
      fc.constant({ type: 'not_found' as const }),
    );

    it('any sequence: never throws, stays in the table, counts every accepted fill once, refusals change nothing', () => {
      fc.assert(
        fc.property(fc.array(eventArbitrary, { maxLength: 40 }), (events) => {
          let order = fresh();
          let fills = 0;
          for (const event of events) {
            const before = structuredClone(order);
            const result = applyOrderEvent(order, event, 1);
            if (!result.ok) {
              expect(order).to.deep.equal(before);
              continue;
            }
            expect(ORDER_TRANSITIONS[before.status][event.type]).to.include(result.value.to);
            if (event.type === 'filled') fills += event.count;
            order = result.value.order;
            expect(order.filled).to.equal(fills);
            expect(ORDER_STATUSES).to.include(order.status);
            if (isWorking(order.status)) {
              expect(knownFilled(order)).to.be.lessThan(order.size);
              expect(order.orderId).to.be.a('string');
              expect(order).to.not.have.property('awaiting');
            }
            if (order.status.startsWith('pending_')) expect(order.awaiting).to.equal(order.status === 'pending_cancel' ? 'cancel' : 'amend');
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});
