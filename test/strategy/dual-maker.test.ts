import { expect } from 'chai';
import sinon from 'sinon';
import { OrderBook } from '../../src/book/order-book.js';
import type { Intent } from '../../src/strategy/intent.js';
import { DualMaker } from '../../src/strategy/dual-maker.js';
import { MakerStateError } from '../../src/strategy/maker-state.js';
import { bookOf, describeIntents, exampleOneBook, hundredths, paramsWith, SPEC_DEFAULTS, TICKER } from './fixtures.js';

const T0 = 1_767_225_600_000;

/** A maker quoting example 1 (YES 5 @ 43, NO 5 @ 54) since T0. */
function quotingMaker(params = SPEC_DEFAULTS): { maker: DualMaker; book: OrderBook } {
  const maker = new DualMaker(TICKER, params);
  const book = exampleOneBook();
  maker.onBook(book, T0);
  return { maker, book };
}

/** A maker holding YES +20 at $8.40 on example 1: bids YES 42, NO 55, exit YES 44, all since T0. */
function holdingMaker(): { maker: DualMaker; book: OrderBook } {
  const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
  const book = exampleOneBook();
  maker.onPosition({ ticker: TICKER, position: hundredths(20), costE4: 84_000 }, book, T0);
  return { maker, book };
}

function snapshotAgain(book: OrderBook): void {
  book.applySnapshot(book.toSnapshot());
}

describe('DualMaker', () => {
  describe('entry-bid TTL', () => {
    it('keeps a bid until quote_ttl_s, then cancels (ttl) and quotes again (ttl_refresh)', () => {
      const { maker, book } = quotingMaker();
      expect(maker.nextDeadlineMs()).to.equal(T0 + 6_000);
      expect(maker.onTimer(book, T0 + 5_999)).to.deep.equal([]);
      expect(describeIntents(maker.onTimer(book, T0 + 6_000))).to.deep.equal([
        'cancel buy yes 5.00@43 ttl',
        'quote buy yes 5.00@43 ttl_refresh',
        'cancel buy no 5.00@54 ttl',
        'quote buy no 5.00@54 ttl_refresh',
      ]);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 12_000);
    });

    it('starts the age again on a reprice', () => {
      const { maker, book } = quotingMaker();
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 42, delta: hundredths(40) }); // YES queue now thick
      expect(describeIntents(maker.onBook(book, T0 + 3_000))).to.deep.equal(['reprice buy yes 5.00@42 join was 43', 'reprice buy no 5.00@55 improve was 54']);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 9_000);
      expect(maker.onTimer(book, T0 + 6_000)).to.deep.equal([]);
    });

    it('drives one timer at nextDeadlineMs (sinon fake timers)', () => {
      const clock = sinon.useFakeTimers({
        now: T0,
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      });
      try {
        const { maker, book } = quotingMaker();
        const emitted: Intent[] = [];
        let timer: ReturnType<typeof setTimeout> | undefined;
        const arm = (): void => {
          const deadline = maker.nextDeadlineMs();
          if (deadline === undefined) return;
          timer = setTimeout(() => {
            emitted.push(...maker.onTimer(book, Date.now()));
            arm();
          }, deadline - Date.now());
        };
        arm();
        clock.tick(5_999);
        expect(emitted).to.deep.equal([]);
        clock.tick(1);
        expect(describeIntents(emitted)).to.have.length(4);
        expect(emitted.every((intent) => intent.tsMs === T0 + 6_000)).to.equal(true);
        clock.tick(6_000);
        expect(emitted).to.have.length(8);
        clearTimeout(timer);
      } finally {
        clock.restore();
      }
    });
  });

  describe('deltas that leave the top of the book as it was', () => {
    it('decides nothing on a delta below the best bids (the decision is skipped)', () => {
      const { maker, book } = quotingMaker();
      const spread = sinon.spy(book, 'spread');
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 40, delta: hundredths(30) });
      book.applyDelta({ ticker: TICKER, side: 'no', price: 53, delta: -hundredths(22) });
      expect(maker.onBook(book, T0 + 1_000)).to.deep.equal([]);
      expect(spread.called).to.equal(false);
    });

    it('decides on a delta at the best bid', () => {
      const { maker, book } = quotingMaker();
      const spread = sinon.spy(book, 'spread');
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 42, delta: hundredths(40) }); // YES queue now thick
      expect(describeIntents(maker.onBook(book, T0 + 1_000))).to.deep.equal(['reprice buy yes 5.00@42 join was 43', 'reprice buy no 5.00@55 improve was 54']);
      expect(spread.called).to.equal(true);
    });

    it('refreshes at a due TTL deadline even on a delta below the top', () => {
      const { maker, book } = quotingMaker();
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 40, delta: hundredths(1) });
      expect(describeIntents(maker.onBook(book, T0 + 6_000))).to.deep.equal([
        'cancel buy yes 5.00@43 ttl',
        'quote buy yes 5.00@43 ttl_refresh',
        'cancel buy no 5.00@54 ttl',
        'quote buy no 5.00@54 ttl_refresh',
      ]);
    });

    it('decides again on a fresh snapshot of the same book', () => {
      const { maker, book } = quotingMaker();
      maker.onStale('gap', T0 + 1_000);
      snapshotAgain(book);
      expect(describeIntents(maker.onBook(book, T0 + 2_000))).to.deep.equal(['quote buy yes 5.00@43 improve', 'quote buy no 5.00@54 cushion']);
    });
  });

  describe('exits', () => {
    it('expires an exit after exit_ttl_s and posts it again at the current target', () => {
      const { maker, book } = holdingMaker();
      expect(maker.onTimer(book, T0 + 5_999)).to.deep.equal([]);
      maker.onTimer(book, T0 + 6_000); // entry bids refresh; exit still young
      expect(maker.nextDeadlineMs()).to.equal(T0 + 12_000);
      maker.onTimer(book, T0 + 12_000);
      maker.onTimer(book, T0 + 18_000);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 20_000);
      expect(describeIntents(maker.onTimer(book, T0 + 20_000))).to.deep.equal(['exit_cancel sell yes 5.00@44 ttl', 'exit sell yes 5.00@44 ttl_refresh']);
    });

    it('reprices the exit when the average cost changes', () => {
      const { maker, book } = holdingMaker();
      // +30 at $13.20 = 44c each: exit 46
      const intents = maker.onPosition({ ticker: TICKER, position: hundredths(30), costE4: 132_000 }, book, T0 + 1);
      expect(describeIntents(intents)).to.deep.equal(['exit_cancel sell yes 5.00@44 reprice', 'exit sell yes 5.00@46 take_profit']);
    });

    it('reprices the exit size when inventory drops under exit_size', () => {
      const { maker, book } = holdingMaker();
      const intents = maker.onPosition({ ticker: TICKER, position: hundredths(2.5), costE4: 10_500 }, book, T0 + 1);
      expect(describeIntents(intents).slice(-2)).to.deep.equal(['exit_cancel sell yes 5.00@44 reprice', 'exit sell yes 2.50@44 take_profit']);
    });

    it('moves the exit above the best bid when the bid climbs to it', () => {
      const { maker, book } = holdingMaker();
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 44, delta: hundredths(10) });
      expect(describeIntents(maker.onBook(book, T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@42 spread_too_narrow',
        'cancel buy no 5.00@55 spread_too_narrow',
        'exit_cancel sell yes 5.00@44 reprice',
        'exit sell yes 5.00@45 above_best_bid',
      ]);
    });

    it('cancels the exit when the leg goes flat (flat), and bids flat again', () => {
      const { maker, book } = holdingMaker();
      expect(describeIntents(maker.onPosition({ ticker: TICKER, position: 0 }, book, T0 + 1))).to.deep.equal([
        'reprice buy yes 5.00@43 improve was 42',
        'reprice buy no 5.00@54 cushion was 55',
        'exit_cancel sell yes 5.00@44 flat',
      ]);
      expect(maker.exportState().exits).to.deep.equal({ yes: null, no: null });
    });

    it('moves the exit to the other leg when the position flips', () => {
      const { maker, book } = holdingMaker();
      const intents = maker.onPosition({ ticker: TICKER, position: -hundredths(10), costE4: 56_000 }, book, T0 + 1);
      expect(describeIntents(intents)).to.deep.equal([
        'reprice buy yes 5.00@43 improve was 42',
        'reprice buy no 5.00@54 cushion was 55',
        'exit_cancel sell yes 5.00@44 flat',
        'exit sell no 5.00@58 take_profit',
      ]);
    });

    it('asks above its own improved entry bid on the same leg, so it never trades with itself', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = bookOf([[40, 10]], [[50, 100]]);
      const intents = maker.onPosition({ ticker: TICKER, position: hundredths(5), costE4: 19_500 }, book, T0);
      expect(describeIntents(intents)).to.deep.equal(['quote buy yes 5.00@41 improve', 'quote buy no 5.00@50 join', 'exit sell yes 5.00@42 above_best_bid']);
    });

    it('caps the exit at 99 and never asks at or below the best bid', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = bookOf([[60, 10]], [[20, 10]]);
      const intents = maker.onPosition({ ticker: TICKER, position: hundredths(5), costE4: 49_000 }, book, T0);
      expect(describeIntents(intents).at(-1)).to.equal('exit sell yes 5.00@99 price_cap');
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 99, delta: hundredths(1) });
      expect(describeIntents(maker.onBook(book, T0 + 1)).at(-1)).to.equal('exit_cancel sell yes 5.00@99 would_cross');
    });
  });

  describe('entry from fills', () => {
    it('uses the last fill price on the held leg while no position cost is known', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = exampleOneBook();
      const noCost = maker.onPosition({ ticker: TICKER, position: hundredths(5) }, book, T0);
      expect(describeIntents(noCost).filter((line) => line.startsWith('exit'))).to.deep.equal([]);
      const fill = { ticker: TICKER, tradeId: 't1', orderId: 'o1', side: 'yes' as const, yesPrice: 41, count: 500 };
      expect(describeIntents(maker.onFill(fill, book, T0 + 1))).to.deep.equal(['exit sell yes 5.00@43 take_profit']);
    });

    it('reads a NO fill at 100 - the YES price', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = exampleOneBook();
      maker.onPosition({ ticker: TICKER, position: -hundredths(5) }, book, T0);
      const fill = { ticker: TICKER, tradeId: 't1', orderId: 'o1', side: 'no' as const, yesPrice: 45, count: 500 };
      expect(describeIntents(maker.onFill(fill, book, T0 + 1))).to.deep.equal(['exit sell no 5.00@57 take_profit']);
    });

    it('only remembers a fill that does not change the entry', () => {
      const { maker, book } = holdingMaker();
      const fill = { ticker: TICKER, tradeId: 't1', orderId: 'o1', side: 'yes' as const, yesPrice: 30, count: 500 };
      expect(maker.onFill(fill, book, T0 + 1)).to.deep.equal([]);
      const other = { ...fill, side: 'no' as const };
      expect(maker.onFill(other, book, T0 + 2)).to.deep.equal([]);
      expect(maker.exportState().lastFillPrices).to.deep.equal({ yes: 30, no: 70 });
    });
  });

  describe('inventory cap and reduce-only', () => {
    function cappedMaker(): { maker: DualMaker; book: OrderBook; first: Intent[] } {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = exampleOneBook();
      const first = maker.onPosition({ ticker: TICKER, position: hundredths(100), costE4: 420_000 }, book, T0);
      return { maker, book, first };
    }

    it('prompts at most once per quote_ttl_s while the cap holds', () => {
      const { maker, book, first } = cappedMaker();
      expect(describeIntents(first)).to.include('reduce_only sell yes 10.00@42 inventory_cap');
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 40, delta: 100 });
      expect(maker.onBook(book, T0 + 1_000)).to.deep.equal([]);
      const unchanged = { ticker: TICKER, position: hundredths(100), costE4: 420_000 };
      expect(maker.onPosition(unchanged, book, T0 + 2_000)).to.deep.equal([]);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 6_000);
      expect(describeIntents(maker.onTimer(book, T0 + 6_000))).to.deep.equal([
        'cancel buy no 5.00@55 ttl',
        'quote buy no 5.00@55 ttl_refresh',
        'reduce_only sell yes 10.00@42 inventory_cap',
      ]);
    });

    it('prompts again at once after the cap was released and reached again', () => {
      const { maker, book } = cappedMaker();
      maker.onPosition({ ticker: TICKER, position: hundredths(90), costE4: 378_000 }, book, T0 + 1_000);
      const again = maker.onPosition({ ticker: TICKER, position: hundredths(100), costE4: 420_000 }, book, T0 + 2_000);
      expect(describeIntents(again)).to.include('reduce_only sell yes 10.00@42 inventory_cap');
    });

    it('has nothing to sell into without a bid on the capped leg, and prompts when one appears', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = bookOf([], [[54, 12]]);
      const intents = maker.onPosition({ ticker: TICKER, position: hundredths(100), costE4: 420_000 }, book, T0);
      expect(describeIntents(intents)).to.deep.equal(['exit sell yes 5.00@44 take_profit']);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 20_000);
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 40, delta: hundredths(3) });
      expect(describeIntents(maker.onBook(book, T0 + 10))).to.deep.equal(['quote buy no 5.00@55 improve', 'reduce_only sell yes 10.00@40 inventory_cap']);
    });
  });

  describe('stale books', () => {
    it('cancels every bid and exit on a stale signal, then waits for a newer snapshot', () => {
      const { maker, book } = holdingMaker();
      book.markStale('seq gap');
      expect(describeIntents(maker.onStale('seq gap', T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@42 stale_book',
        'cancel buy no 5.00@55 stale_book',
        'exit_cancel sell yes 5.00@44 stale_book',
      ]);
      expect(maker.pauseReason).to.equal('seq gap');
      expect(maker.nextDeadlineMs()).to.equal(undefined);
      const update = { ticker: TICKER, position: hundredths(20), costE4: 84_000 };
      expect(maker.onPosition(update, book, T0 + 2)).to.deep.equal([]);
      expect(maker.onTimer(book, T0 + 60_000)).to.deep.equal([]);
      snapshotAgain(book);
      expect(describeIntents(maker.onBook(book, T0 + 60_001))).to.deep.equal([
        'quote buy yes 5.00@42 cushion',
        'quote buy no 5.00@55 improve',
        'exit sell yes 5.00@44 take_profit',
      ]);
      expect(maker.pauseReason).to.equal(undefined);
    });

    it('needs a newer snapshot even if the book itself was never marked stale', () => {
      const { maker, book } = quotingMaker();
      maker.onStale('disconnected', T0 + 1);
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 41, delta: 100 });
      expect(maker.onBook(book, T0 + 2)).to.deep.equal([]);
      snapshotAgain(book);
      expect(maker.onBook(book, T0 + 3)).to.have.length(2);
    });

    it('cancels on its own when it sees a stale book nobody told it about', () => {
      const { maker, book } = quotingMaker();
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 42, delta: -hundredths(19) });
      expect(book.stale).to.equal(true);
      expect(describeIntents(maker.onBook(book, T0 + 1))).to.deep.equal(['cancel buy yes 5.00@43 stale_book', 'cancel buy no 5.00@54 stale_book']);
      expect(maker.onBook(book, T0 + 2)).to.deep.equal([]);
    });

    it('decides nothing before the first snapshot', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = new OrderBook(TICKER);
      const update = { ticker: TICKER, position: hundredths(20), costE4: 84_000 };
      expect(maker.onPosition(update, book, T0)).to.deep.equal([]);
      expect(maker.onTimer(book, T0 + 1)).to.deep.equal([]);
      book.applySnapshot(exampleOneBook().toSnapshot());
      expect(maker.onBook(book, T0 + 2)).to.have.length(3);
    });

    it('has nothing to cancel on a stale signal when nothing rests', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      expect(maker.onStale('disconnected', T0)).to.deep.equal([]);
    });
  });

  describe('market lifecycle', () => {
    const closing = [
      { ticker: TICKER, eventType: 'deactivated', isDeactivated: true },
      { ticker: TICKER, eventType: 'determined' },
      { ticker: TICKER, eventType: 'settled' },
      { ticker: TICKER, eventType: 'close_date_updated', closeTsMs: T0 },
    ];
    for (const event of closing) {
      it(`cancels everything on ${event.eventType} (market_closed) and decides nothing more`, () => {
        const { maker, book } = holdingMaker();
        expect(describeIntents(maker.onLifecycle(event, book, T0 + 1))).to.deep.equal([
          'cancel buy yes 5.00@42 market_closed',
          'cancel buy no 5.00@55 market_closed',
          'exit_cancel sell yes 5.00@44 market_closed',
        ]);
        expect(maker.exportState().mode).to.equal('closed');
        snapshotAgain(book);
        expect(maker.onBook(book, T0 + 2)).to.deep.equal([]);
        expect(maker.onTimer(book, T0 + 100_000)).to.deep.equal([]);
        const update = { ticker: TICKER, position: hundredths(100), costE4: 1 };
        expect(maker.onPosition(update, book, T0 + 3)).to.deep.equal([]);
        expect(maker.onLifecycle(event, book, T0 + 4)).to.deep.equal([]);
        expect(maker.nextDeadlineMs()).to.equal(undefined);
      });
    }

    it('keeps trading until a close date in the future, then closes when it comes', () => {
      const { maker, book } = holdingMaker();
      const closeAt = T0 + 3_600_000;
      const later = { ticker: TICKER, eventType: 'close_date_updated', closeTsMs: closeAt };
      expect(maker.onLifecycle(later, book, T0 + 1)).to.deep.equal([]);
      expect(maker.exportState().mode).to.equal('active');
      expect(maker.exportState().closeAtMs).to.equal(closeAt);
      expect(maker.nextDeadlineMs()).to.be.at.most(closeAt);
      // well before the close, a timer decision keeps quoting
      expect(maker.onTimer(book, closeAt - 1).every((intent) => intent.reason !== 'market_closed')).to.equal(true);
      const atClose = maker.onTimer(book, closeAt);
      expect(atClose.length).to.be.greaterThan(0);
      expect(atClose.every((intent) => intent.reason === 'market_closed')).to.equal(true);
      expect(maker.exportState().mode).to.equal('closed');
      expect(maker.onBook(book, closeAt + 1)).to.deep.equal([]);
    });

    it('survives a restart with its close time', () => {
      const { maker, book } = holdingMaker();
      const closeAt = T0 + 60_000;
      maker.onLifecycle({ ticker: TICKER, eventType: 'close_date_updated', closeTsMs: closeAt }, book, T0 + 1);
      const restored = DualMaker.fromState(TICKER, SPEC_DEFAULTS, JSON.parse(JSON.stringify(maker.exportState())));
      expect(restored.nextDeadlineMs()).to.be.at.most(closeAt);
    });

    it('resumes after activated, once a fresh snapshot arrives', () => {
      const { maker, book } = quotingMaker();
      maker.onLifecycle({ ticker: TICKER, eventType: 'deactivated' }, book, T0 + 1);
      expect(maker.onLifecycle({ ticker: TICKER, eventType: 'activated' }, book, T0 + 2)).to.deep.equal([]);
      expect(maker.exportState().mode).to.equal('active');
      expect(maker.onBook(book, T0 + 3)).to.deep.equal([]);
      snapshotAgain(book);
      expect(describeIntents(maker.onBook(book, T0 + 4))).to.deep.equal(['quote buy yes 5.00@43 improve', 'quote buy no 5.00@54 cushion']);
    });

    it('treats activated on an open market as nothing', () => {
      const { maker, book } = quotingMaker();
      expect(maker.onLifecycle({ ticker: TICKER, eventType: 'activated' }, book, T0 + 1)).to.deep.equal([]);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 6_000);
    });
  });

  describe('winding down (a market that leaves)', () => {
    it('keep_until_flat: cancels the entry bids, keeps the exit until the position is gone, then rests nothing', () => {
      const { maker, book } = holdingMaker();
      expect(describeIntents(maker.windDown('keep_until_flat', book, T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@42 winding_down',
        'cancel buy no 5.00@55 winding_down',
      ]);
      expect(maker.windingDown).to.equal('keep_until_flat');
      expect(maker.restingCount).to.equal(1);
      // the book moves: still no bid, the exit stays
      book.applyDelta({ ticker: TICKER, side: 'no', price: 56, delta: hundredths(50) });
      expect(maker.onBook(book, T0 + 2)).to.deep.equal([]);
      // a partial sale re-sizes nothing below exit_size; the last one leaves it flat
      expect(describeIntents(maker.onPosition({ ticker: TICKER, position: 0 }, book, T0 + 3))).to.deep.equal(['exit_cancel sell yes 5.00@44 flat']);
      expect(maker.heldPosition).to.equal(0);
      expect(maker.restingCount).to.equal(0);
      expect(maker.onTimer(book, T0 + 60_000)).to.deep.equal([]);
    });

    it('flatten: cancels bids and exits and sells the whole inventory into the best bid, again once per quote_ttl_s until flat', () => {
      const { maker, book } = holdingMaker();
      expect(describeIntents(maker.windDown('flatten', book, T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@42 winding_down',
        'cancel buy no 5.00@55 winding_down',
        'exit_cancel sell yes 5.00@44 flatten',
        'reduce_only sell yes 20.00@42 flatten',
      ]);
      expect(maker.restingCount).to.equal(0);
      // part of it sold: nothing more before quote_ttl_s, then the rest
      expect(maker.onPosition({ ticker: TICKER, position: hundredths(8), costE4: 33_600 }, book, T0 + 2)).to.deep.equal([]);
      expect(maker.nextDeadlineMs()).to.equal(T0 + 6_001);
      expect(describeIntents(maker.onTimer(book, T0 + 6_001))).to.deep.equal(['reduce_only sell yes 8.00@42 flatten']);
      expect(maker.onPosition({ ticker: TICKER, position: 0 }, book, T0 + 6_002)).to.deep.equal([]);
      expect(maker.nextDeadlineMs()).to.equal(undefined);
      expect(maker.onTimer(book, T0 + 20_000)).to.deep.equal([]);
    });

    it('flatten without a bid to sell into waits for one', () => {
      const maker = new DualMaker(TICKER, SPEC_DEFAULTS);
      const book = bookOf([], [[54, 12]]);
      maker.onPosition({ ticker: TICKER, position: hundredths(5), costE4: 21_000 }, book, T0);
      expect(describeIntents(maker.windDown('flatten', book, T0 + 1))).to.deep.equal(['exit_cancel sell yes 5.00@44 flatten']);
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 40, delta: hundredths(3) });
      expect(describeIntents(maker.onBook(book, T0 + 2))).to.deep.equal(['reduce_only sell yes 5.00@40 flatten']);
    });

    it('a flat market that leaves rests nothing at once', () => {
      const { maker, book } = quotingMaker();
      expect(describeIntents(maker.windDown('flatten', book, T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@43 winding_down',
        'cancel buy no 5.00@54 winding_down',
      ]);
      expect(maker.restingCount).to.equal(0);
      expect(maker.heldPosition).to.equal(0);
    });
  });

  describe('shutdown', () => {
    it('cancels everything (shutdown) and decides nothing more', () => {
      const { maker, book } = holdingMaker();
      expect(describeIntents(maker.shutdown(T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@42 shutdown',
        'cancel buy no 5.00@55 shutdown',
        'exit_cancel sell yes 5.00@44 shutdown',
      ]);
      expect(maker.shutdown(T0 + 2)).to.deep.equal([]);
      expect(maker.onBook(book, T0 + 3)).to.deep.equal([]);
      expect(maker.onStale('late', T0 + 4)).to.deep.equal([]);
      expect(maker.nextDeadlineMs()).to.equal(undefined);
      expect(maker.exportState().mode).to.equal('stopped');
    });
  });

  describe('books at the edges', () => {
    it('cancels both bids on a crossed book', () => {
      const { maker, book } = quotingMaker();
      book.applyDelta({ ticker: TICKER, side: 'yes', price: 47, delta: 100 });
      expect(book.isCrossed()).to.equal(true);
      expect(describeIntents(maker.onBook(book, T0 + 1))).to.deep.equal([
        'cancel buy yes 5.00@43 spread_too_narrow',
        'cancel buy no 5.00@54 spread_too_narrow',
      ]);
    });

    it('cancels both bids when a ladder empties', () => {
      const { maker, book } = quotingMaker();
      book.applyDelta({ ticker: TICKER, side: 'no', price: 54, delta: -hundredths(12) });
      book.applyDelta({ ticker: TICKER, side: 'no', price: 53, delta: -hundredths(22) });
      expect(describeIntents(maker.onBook(book, T0 + 1))).to.deep.equal(['cancel buy yes 5.00@43 book_incomplete', 'cancel buy no 5.00@54 book_incomplete']);
    });
  });

  describe('parameters', () => {
    it('re-decides at once on new parameters', () => {
      const { maker, book } = quotingMaker();
      const intents = maker.setParams(paramsWith({ bid_size: 7, improve: false }), book, T0 + 1);
      expect(describeIntents(intents)).to.deep.equal(['reprice buy yes 7.00@42 join was 43', 'reprice buy no 7.00@54 join was 54']);
    });

    it('lets each market run its own parameters on the same book', () => {
      const wide = new DualMaker(TICKER, paramsWith({ sum_cushion: 10 }));
      const narrow = new DualMaker(TICKER, paramsWith({ bid_size: 2 }));
      expect(describeIntents(wide.onBook(exampleOneBook(), T0))).to.deep.equal(['quote buy yes 5.00@43 improve', 'quote buy no 5.00@47 cushion']);
      expect(describeIntents(narrow.onBook(exampleOneBook(), T0))).to.deep.equal(['quote buy yes 2.00@43 improve', 'quote buy no 2.00@54 cushion']);
    });

    it('uses fractional TTL seconds to the millisecond', () => {
      const { maker } = quotingMaker(paramsWith({ quote_ttl_s: 0.25 }));
      expect(maker.nextDeadlineMs()).to.equal(T0 + 250);
    });
  });

  describe('state export', () => {
    it('round-trips through JSON, and the copy carries on exactly like the original', () => {
      const { maker, book } = holdingMaker();
      const state = JSON.parse(JSON.stringify(maker.exportState()));
      const copy = DualMaker.fromState(TICKER, SPEC_DEFAULTS, state);
      expect(copy.exportState()).to.deep.equal(maker.exportState());
      expect(copy.nextDeadlineMs()).to.equal(maker.nextDeadlineMs());
      book.applyDelta({ ticker: TICKER, side: 'no', price: 56, delta: 100 });
      expect(copy.onBook(book, T0 + 7_000)).to.deep.equal(maker.onBook(book, T0 + 7_000));
      expect(copy.onTimer(book, T0 + 20_000)).to.deep.equal(maker.onTimer(book, T0 + 20_000));
    });

    it('lets a restarted actor cancel what its last state had resting', () => {
      const { maker } = holdingMaker();
      const restored = DualMaker.fromState(TICKER, SPEC_DEFAULTS, maker.exportState());
      expect(describeIntents(restored.onStale('actor_restarted', T0 + 5))).to.deep.equal([
        'cancel buy yes 5.00@42 stale_book',
        'cancel buy no 5.00@55 stale_book',
        'exit_cancel sell yes 5.00@44 stale_book',
      ]);
      const freshBook = new OrderBook(TICKER);
      expect(restored.onBook(freshBook, T0 + 6)).to.deep.equal([]);
      freshBook.applySnapshot(exampleOneBook().toSnapshot());
      expect(restored.onBook(freshBook, T0 + 7)).to.have.length(3);
    });

    it('refuses a malformed state with a clear error', () => {
      const state = { ...new DualMaker(TICKER, SPEC_DEFAULTS).exportState(), position: 'ten' };
      expect(() => DualMaker.fromState(TICKER, SPEC_DEFAULTS, state as never)).to.throw(MakerStateError, /position/);
    });
  });

  describe('bad input', () => {
    it('refuses events for another ticker', () => {
      const { maker, book } = quotingMaker();
      expect(() => maker.onPosition({ ticker: 'OTHER-1', position: 100 }, book, T0)).to.throw(RangeError, /OTHER-1/);
      expect(() => maker.onFill({ ticker: 'OTHER-1', tradeId: 't', orderId: 'o', side: 'yes', yesPrice: 40, count: 1 }, book, T0)).to.throw(
        RangeError,
        /OTHER-1/,
      );
      expect(() => maker.onLifecycle({ ticker: 'OTHER-1', eventType: 'settled' }, book, T0)).to.throw(RangeError);
      expect(maker.exportState().mode).to.equal('active');
    });

    it('refuses a non-integer position or cost and keeps its state', () => {
      const { maker, book } = quotingMaker();
      expect(() => maker.onPosition({ ticker: TICKER, position: 1.5 }, book, T0)).to.throw(RangeError, /position/);
      const badCost = { ticker: TICKER, position: 100, costE4: Number.NaN };
      expect(() => maker.onPosition(badCost, book, T0)).to.throw(RangeError, /cost/);
      expect(maker.exportState().position).to.equal(0);
    });
  });
});
