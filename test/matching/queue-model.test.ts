import { expect } from 'chai';
import fc from 'fast-check';
import { QueueModel, type QueueEvent, type QueueModelConfig, type QueueOrderSpec } from '../../src/matching/queue-model.js';

function model(config: Partial<QueueModelConfig> = {}): { queue: QueueModel; events: QueueEvent[] } {
  const events: QueueEvent[] = [];
  return { queue: new QueueModel(config, (event) => events.push(event)), events };
}

function bid(id: string, side: 'yes' | 'no', price: number, size: number, extra: Partial<QueueOrderSpec> = {}): QueueOrderSpec {
  return { id, side, price, size, postOnly: true, immediateOrCancel: false, reduceOnly: false, ...extra };
}

function fills(events: readonly QueueEvent[], id?: string): Array<[number, boolean]> {
  return events
    .filter((event) => event.kind === 'fill' && (id === undefined || event.id === id))
    .map((event) => [(event as { count: number }).count, (event as { isTaker: boolean }).isTaker]);
}

describe('matching/queue-model', () => {
  describe('risk averse (the default)', () => {
    it('joins behind the level, moves only on trades, fills once nothing is ahead, and fills on a trade through its price', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 500]], [[50, 300]], 1000);
      queue.submit(bid('o1', 'yes', 40, 300), 1000);
      expect(events[0]).to.include({ kind: 'accepted', id: 'o1', resting: 300, filled: 0 });
      expect(queue.order('o1')!.ahead).to.equal(500);

      queue.delta('yes', 40, -200, false, 1001); // no trade: a cancellation
      queue.advance(1002);
      expect(queue.order('o1')!.ahead, 'a cancellation moves it only to the size left').to.equal(300);

      queue.delta('yes', 40, 400, false, 1003); // joins behind
      expect(queue.order('o1')!.ahead).to.equal(300);

      queue.delta('yes', 40, -100, false, 1004); // the delta of the trade that follows
      queue.trade('yes', 40, 100, 1004);
      expect(queue.order('o1')!.ahead, 'the trade and its delta move the queue once').to.equal(200);
      expect(queue.visibleSize('yes', 40)).to.equal(600);

      queue.trade('yes', 40, 250, 1005); // trade first, then its delta
      expect(fills(events)).to.deep.equal([[50, false]]);
      queue.delta('yes', 40, -250, false, 1005);
      queue.advance(1010);
      expect(queue.order('o1')).to.include({ ahead: 0, remaining: 250, filled: 50 });
      expect(queue.visibleSize('yes', 40)).to.equal(350);

      queue.trade('yes', 38, 1000, 1011); // the makers were at 38: our 40 was traded through
      expect(fills(events)).to.deep.equal([
        [50, false],
        [250, false],
      ]);
      expect(queue.order('o1')).to.equal(undefined);
      expect(queue.position).to.equal(300);
    });

    it('ignores trades on the other leg and trades at worse prices for the order', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 100]], [[55, 100]], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.trade('no', 55, 100, 1); // the NO bids traded: YES takers bought at 45
      queue.trade('yes', 41, 100, 2); // makers at 41 were better than us
      expect(fills(events)).to.deep.equal([]);
      expect(queue.order('o1')!.ahead).to.equal(100);
    });

    it('several of our orders at one level share a trade in time priority', () => {
      const { queue, events } = model();
      queue.snapshot([], [], 0);
      queue.submit(bid('a', 'yes', 40, 300), 0); // nothing ahead
      queue.delta('yes', 40, 500, false, 1); // behind a, ahead of b
      queue.submit(bid('b', 'yes', 40, 1000), 2);
      expect(queue.order('b')!.ahead).to.equal(500);
      queue.trade('yes', 40, 1000, 3);
      // the queue was [a 300][public 500][b 1000]: the taker's 1000 fill a 300, the public 500, b 200
      expect(fills(events, 'a')).to.deep.equal([[300, false]]);
      expect(fills(events, 'b')).to.deep.equal([[200, false]]);
      expect(queue.order('b')!.ahead).to.equal(0);
    });

    it('an order that joined after a decrease is not moved by the trade that decrease was', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 500]], [], 0);
      queue.delta('yes', 40, -200, false, 10); // a trade's delta, its trade message comes next
      queue.submit(bid('late', 'yes', 40, 100), 10);
      expect(queue.order('late')!.ahead, 'joins behind what the feed shows').to.equal(300);
      queue.trade('yes', 40, 200, 10);
      expect(queue.order('late')!.ahead).to.equal(300);
      expect(fills(events)).to.deep.equal([]);
    });

    it('a snapshot bounds what is ahead by the new level', () => {
      const { queue } = model();
      queue.snapshot([[40, 500]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.snapshot([[40, 120]], [], 5);
      expect(queue.order('o1')!.ahead).to.equal(120);
    });
  });

  describe('probabilistic (power law)', () => {
    it('moves forward by the share f(ahead) / (f(ahead) + f(behind)) of each decrease', () => {
      const { queue } = model({ kind: 'probabilistic', exponent: 2 });
      queue.snapshot([[40, 300]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.delta('yes', 40, 100, false, 1); // 300 ahead, 100 behind
      queue.delta('yes', 40, -200, false, 2);
      queue.advance(3);
      // share ahead 300² / (300² + 100²) = 0.9: 300 - 0.9 · 200 = 120
      expect(queue.order('o1')!.ahead).to.equal(120);
      queue.delta('yes', 40, -150, false, 4);
      queue.advance(5);
      // 120 ahead, 80 behind: 120 - 150 · 14400 / 20800 = 16.15 -> 16
      expect(queue.order('o1')!.ahead).to.equal(16);
    });

    it('takes from ahead what the part behind cannot absorb', () => {
      const { queue } = model({ kind: 'probabilistic', exponent: 2 });
      queue.snapshot([[40, 20]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.delta('yes', 40, 80, false, 1); // 20 ahead, 80 behind
      queue.delta('yes', 40, -90, false, 2);
      queue.advance(3);
      // share behind 6400 / 6800: 84.7 of the 90, more than the 80 behind; the level keeps 10, all ahead
      expect(queue.order('o1')!.ahead).to.equal(10);
    });

    it('the same decreases leave the risk-averse order further back', () => {
      const { queue } = model();
      queue.snapshot([[40, 300]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.delta('yes', 40, 100, false, 1);
      queue.delta('yes', 40, -200, false, 2);
      queue.advance(3);
      expect(queue.order('o1')!.ahead).to.equal(200);
    });

    it('a delta of our own order changes the level but never moves our queue', () => {
      const own = model({ kind: 'probabilistic', exponent: 1 });
      own.queue.snapshot([[40, 300]], [], 0);
      own.queue.submit(bid('o1', 'yes', 40, 100), 0);
      own.queue.delta('yes', 40, 200, false, 1);
      own.queue.delta('yes', 40, -100, true, 2);
      own.queue.advance(3);
      expect(own.queue.order('o1')!.ahead).to.equal(300);
      expect(own.queue.visibleSize('yes', 40)).to.equal(400);
      const public_ = model({ kind: 'probabilistic', exponent: 1 });
      public_.queue.snapshot([[40, 300]], [], 0);
      public_.queue.submit(bid('o1', 'yes', 40, 100), 0);
      public_.queue.delta('yes', 40, 200, false, 1);
      public_.queue.delta('yes', 40, -100, false, 2);
      public_.queue.advance(3);
      expect(public_.queue.order('o1')!.ahead, '300 - 100 · 300/500').to.equal(240);
    });
  });

  describe('latency', () => {
    it('an order cannot rest or fill before it arrives, and joins behind the size there on arrival', () => {
      const { queue, events } = model({ entryLatencyMs: 100 });
      queue.snapshot([[40, 200]], [], 1000);
      queue.submit(bid('o1', 'yes', 40, 100), 1000);
      expect(events).to.deep.equal([]);
      queue.trade('yes', 38, 500, 1050); // through its price, but it is still on its way
      queue.delta('yes', 40, 300, false, 1099);
      queue.advance(1100);
      expect(events.map((event) => event.kind)).to.deep.equal(['accepted']);
      expect(events[0]).to.include({ tsMs: 1100, resting: 100 });
      expect(queue.order('o1')!.ahead).to.equal(500);
      queue.trade('yes', 38, 500, 1101);
      expect(fills(events)).to.deep.equal([[100, false]]);
    });

    it('a cancel does not protect the order before it arrives', () => {
      const { queue, events } = model({ cancelLatencyMs: 100 });
      queue.snapshot([[40, 200]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 300), 0);
      queue.cancel('o1', 2000);
      queue.trade('yes', 39, 100, 2050);
      expect(fills(events)).to.deep.equal([[100, false]]);
      queue.advance(2100);
      expect(events.at(-1)).to.include({ kind: 'canceled', id: 'o1', removed: 200, tsMs: 2100, reason: 'requested' });
      queue.trade('yes', 39, 100, 2101);
      expect(fills(events)).to.have.length(1);
    });

    it('a request falls due before a feed event at its time', () => {
      const { queue, events } = model({ entryLatencyMs: 10 });
      queue.snapshot([[40, 200]], [], 0);
      queue.submit(bid('o1', 'yes', 40, 100), 0);
      queue.trade('yes', 39, 100, 10);
      expect(events.map((event) => event.kind)).to.deep.equal(['accepted', 'fill']);
      expect(queue.nextDueMs()).to.equal(undefined);
    });

    it('a decrease keeps the queue place; an amend to a new price goes to the back of the new level', () => {
      const { queue, events } = model();
      queue.snapshot(
        [
          [40, 200],
          [39, 50],
        ],
        [],
        0,
      );
      queue.submit(bid('o1', 'yes', 40, 300), 0);
      queue.trade('yes', 40, 150, 1);
      queue.decrease('o1', 100, 2);
      expect(queue.order('o1')).to.include({ ahead: 50, remaining: 100 });
      queue.amend('o1', 39, 100, 3);
      expect(events.at(-1)).to.include({ kind: 'amended', price: 39, remaining: 100, priorityKept: false });
      expect(queue.order('o1')).to.include({ price: 39, ahead: 50 });
    });
  });

  describe('orders that cross the book', () => {
    it('a post-only order that would cross is refused', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 100]], [[55, 100]], 0);
      queue.submit(bid('o1', 'yes', 45, 100), 0);
      expect(events).to.deep.equal([{ kind: 'rejected', request: 1, id: 'o1', tsMs: 0, reason: 'post_only_cross' }]);
    });

    it('a post-only order that would cross one of our own resting orders is refused too', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 100]], [[50, 100]], 0);
      queue.submit(bid('own', 'no', 56, 100), 0); // our YES ask at 44, better than the public 50
      queue.submit(bid('o1', 'yes', 45, 100), 1);
      expect(events.at(-1)).to.include({ kind: 'rejected', id: 'o1', reason: 'post_only_cross' });
      queue.submit(bid('o2', 'yes', 45, 100, { postOnly: false }), 2);
      // not post-only: it stops at our own order (self-trade prevention, taker at cross)
      expect(events.slice(-2)).to.deep.include({ kind: 'canceled', request: undefined, id: 'o2', tsMs: 2, removed: 100, reason: 'self_trade' });
      expect(queue.order('own')).to.include({ remaining: 100 });
    });

    it('an order that crosses takes the visible size at the best prices, then rests; an IOC cancels the rest', () => {
      const { queue, events } = model();
      queue.snapshot(
        [[40, 100]],
        [
          [50, 300],
          [47, 200],
        ],
        0,
      );
      queue.submit(bid('t1', 'yes', 55, 700, { postOnly: false }), 0);
      // YES is asked at 50 (300) and 53 (200)
      expect(
        events
          .filter((event) => event.kind === 'fill')
          .map((event) => [(event as { price: number }).price, (event as { count: number }).count, (event as { isTaker: boolean }).isTaker]),
      ).to.deep.equal([
        [50, 300, true],
        [53, 200, true],
      ]);
      expect(events.at(-1)).to.include({ kind: 'accepted', filled: 500, resting: 200 });
      expect(queue.visibleSize('no', 50), 'what we took is gone for our later orders').to.equal(0);
      queue.submit(bid('t2', 'yes', 51, 700, { postOnly: false, immediateOrCancel: true }), 1);
      expect(events.slice(-2).map((event) => event.kind)).to.deep.equal(['accepted', 'canceled']);
      expect(events.at(-1)).to.include({ removed: 700, reason: 'immediate_or_cancel' });
      queue.delta('no', 50, 500, false, 2); // new makers arrive
      queue.submit(bid('t3', 'yes', 51, 700, { postOnly: false, immediateOrCancel: true }), 3);
      expect(fills(events, 't3')).to.deep.equal([[500, true]]);
      queue.delta('no', 50, -800, false, 4); // the recorded level empties: what we took is forgotten
      expect(queue.visibleSize('no', 50)).to.equal(0);
      queue.delta('no', 50, 200, false, 5);
      expect(queue.visibleSize('no', 50)).to.equal(200);
    });

    it('reduce-only is refused without a position and capped at it', () => {
      const { queue, events } = model();
      queue.snapshot([[40, 1000]], [[50, 1000]], 0);
      queue.submit(bid('r1', 'no', 60, 100, { postOnly: false, immediateOrCancel: true, reduceOnly: true }), 0);
      expect(events.at(-1)).to.include({ kind: 'rejected', reason: 'reduce_only' });
      queue.submit(bid('b1', 'yes', 50, 300, { postOnly: false }), 1); // takes 300 at 50: long 300 YES
      expect(queue.position).to.equal(300);
      queue.submit(bid('r2', 'no', 60, 500, { postOnly: false, immediateOrCancel: true, reduceOnly: true }), 2);
      expect(fills(events, 'r2')).to.deep.equal([[300, true]]);
      expect(queue.position).to.equal(0);
    });
  });

  describe('properties', () => {
    type Step =
      | { type: 'delta'; side: 'yes' | 'no'; price: number; delta: number; own: boolean }
      | { type: 'trade'; side: 'yes' | 'no'; price: number; count: number }
      | { type: 'submit'; side: 'yes' | 'no'; price: number; size: number; postOnly: boolean; ioc: boolean }
      | { type: 'cancel'; which: number }
      | { type: 'wait'; ms: number };
    const price = fc.integer({ min: 35, max: 65 });
    const side = fc.constantFrom<'yes' | 'no'>('yes', 'no');
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ type: fc.constant('delta' as const), side, price, delta: fc.integer({ min: -500, max: 500 }), own: fc.boolean() }),
      fc.record({ type: fc.constant('trade' as const), side, price, count: fc.integer({ min: 1, max: 600 }) }),
      fc.record({ type: fc.constant('submit' as const), side, price, size: fc.integer({ min: 1, max: 800 }), postOnly: fc.boolean(), ioc: fc.boolean() }),
      fc.record({ type: fc.constant('cancel' as const), which: fc.nat(20) }),
      fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 50 }) }),
    );
    const config = fc.record({
      kind: fc.constantFrom<'risk_averse' | 'probabilistic'>('risk_averse', 'probabilistic'),
      exponent: fc.double({ min: 0.5, max: 4, noNaN: true }),
      entryLatencyMs: fc.integer({ min: 0, max: 30 }),
      cancelLatencyMs: fc.integer({ min: 0, max: 30 }),
      tradePairingMs: fc.integer({ min: 0, max: 5 }),
    });

    /** Runs the steps; reports each fill with the feed call it came in. */
    function run(
      cfg: QueueModelConfig,
      steps: readonly Step[],
    ): { fills: Array<{ id: string; count: number; isTaker: boolean; during: Step | undefined }>; sizes: Map<string, number> } {
      const out: Array<{ id: string; count: number; isTaker: boolean; during: Step | undefined }> = [];
      let during: Step | undefined;
      const queue = new QueueModel(cfg, (event) => {
        if (event.kind === 'fill') out.push({ id: event.id, count: event.count, isTaker: event.isTaker, during });
      });
      const sizes = new Map<string, number>();
      let now = 0;
      queue.snapshot(
        [
          [40, 300],
          [45, 200],
        ],
        [
          [50, 300],
          [52, 100],
        ],
        now,
      );
      const ids: string[] = [];
      for (const s of steps) {
        during = s;
        if (s.type === 'delta') {
          const size = queue.visibleSize(s.side, s.price);
          queue.delta(s.side, s.price, Math.max(s.delta, -size), s.own, now);
        } else if (s.type === 'trade') {
          queue.trade(s.side, s.price, s.count, now);
        } else if (s.type === 'submit') {
          const id = `o${ids.length}`;
          ids.push(id);
          sizes.set(id, s.size);
          queue.submit({ id, side: s.side, price: s.price, size: s.size, postOnly: s.postOnly, immediateOrCancel: s.ioc, reduceOnly: false }, now);
        } else if (s.type === 'cancel') {
          if (ids.length > 0) queue.cancel(ids[s.which % ids.length]!, now);
        } else {
          now += s.ms;
          during = undefined;
          queue.advance(now);
        }
      }
      return { fills: out, sizes };
    }

    it('a fill never exceeds the order', () => {
      fc.assert(
        fc.property(config, fc.array(step, { maxLength: 80 }), (cfg, steps) => {
          const { fills: all, sizes } = run(cfg, steps);
          const filled = new Map<string, number>();
          for (const fill of all) filled.set(fill.id, (filled.get(fill.id) ?? 0) + fill.count);
          for (const [id, total] of filled) expect(total).to.be.at.most(sizes.get(id)!);
          for (const fill of all) expect(fill.count).to.be.greaterThan(0);
        }),
        { numRuns: 300 },
      );
    });

    it('a risk-averse maker fill happens only with a trade at or through its price', () => {
      fc.assert(
        fc.property(config, fc.array(step, { maxLength: 80 }), (cfg, steps) => {
          const queueConfig = { ...cfg, kind: 'risk_averse' as const };
          const submitted = new Map<string, { side: string; price: number }>();
          let index = 0;
          for (const s of steps) if (s.type === 'submit') submitted.set(`o${index++}`, { side: s.side, price: s.price });
          for (const fill of run(queueConfig, steps).fills) {
            if (fill.isTaker) continue;
            const order = submitted.get(fill.id)!;
            expect(fill.during?.type, `maker fill of ${fill.id} outside a trade`).to.equal('trade');
            const trade = fill.during as Extract<Step, { type: 'trade' }>;
            expect(trade.side).to.equal(order.side);
            expect(trade.price).to.be.at.most(order.price);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
