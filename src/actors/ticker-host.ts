/**
 * One ticker inside a shard actor: its order book, its maker and its lifecycle phase.
 *
 *   starting --snapshot--> live <--snapshot-- stale
 *                           |  --stale-->       ^
 *                           '-----------------> closed (lifecycle) ; any --shutdown--> stopped
 *
 * Only `live` tickers decide; the maker itself also refuses to quote on a stale book. Every
 * method takes the time from the injected clock and returns the intents to emit, in order.
 */
import { OrderBook } from '../book/order-book.js';
import type { StrategyParams } from '../config/types.js';
import type { Intent } from '../strategy/intent.js';
import type { BookDelta, BookSnapshot, FillEvent, LifecycleEvent, PositionUpdate } from '../protocol/decode.js';
import { DualMaker, type BookView, type MakerState, type WindDownPolicy } from '../strategy/dual-maker.js';
import { excludingOwn, OwnOrderLedger } from '../strategy/own-orders.js';
import { closesMarket, reopensMarket } from '../strategy/market-lifecycle.js';
import { otherLeg } from '../strategy/legs.js';
import type { OrderEvent } from '../strategy/order-events.js';
import type { TimeSource } from '../clock/clock.js';
import type { TickerPhase } from './messages.js';

export interface StepResult {
  readonly intents: Intent[];
  /** the book refused the update and is stale: it needs a fresh snapshot */
  readonly refused: boolean;
}

export interface TickerHostOptions {
  /** the maker's orders really rest on the exchange (paper orders): decide on the book without them */
  readonly ownOrdersInBook?: boolean;
  /** a restarted actor's last reported maker state */
  readonly restoredState?: MakerState;
  /** intents become orders: client order ids come from here */
  readonly orderIds?: () => string;
}

export class TickerHost {
  readonly book: OrderBook;
  private readonly maker: DualMaker;
  private phaseNow: TickerPhase;
  /** this account's resting size per level, when its orders rest in the book (paper orders) */
  private readonly ownOrders: OwnOrderLedger | undefined;
  /** intents emitted so far (the shard's phase trace refers to them) */
  intentsEmitted = 0;

  constructor(
    readonly ticker: string,
    params: StrategyParams,
    private readonly clock: TimeSource,
    options: TickerHostOptions = {},
  ) {
    this.book = new OrderBook(ticker);
    const restored = options.restoredState;
    this.maker = restored ? DualMaker.fromState(ticker, params, restored) : new DualMaker(ticker, params);
    if (options.orderIds) this.maker.assignOrderIds(options.orderIds);
    this.ownOrders = options.ownOrdersInBook ? new OwnOrderLedger() : undefined;
    this.phaseNow = 'starting';
  }

  /** The book the maker decides on: as others see it when its own orders rest in it. */
  private view(): BookView {
    return this.ownOrders ? excludingOwn(this.book, this.ownOrders.levels()) : this.book;
  }

  get phase(): TickerPhase {
    return this.phaseNow;
  }

  /**
   * A host re-created after its actor died: whatever its last reported state had resting
   * is cancelled at once (the book it rested on is gone).
   */
  recover(): Intent[] {
    this.book.markStale('actor_restarted');
    this.phaseNow = 'stale';
    return this.maker.onStale('actor_restarted', this.clock.now());
  }

  /** Applies a snapshot; a snapshot the book refuses leaves the ticker stale (`refused`). */
  snapshot(snapshot: BookSnapshot): StepResult {
    if (this.phaseNow === 'stopped') return { intents: [], refused: false };
    this.book.applySnapshot(snapshot);
    this.ownOrders?.reconcile(this.maker.ownLevels());
    if (this.book.stale) return { intents: this.markStale(this.book.staleReason ?? 'book_refused_snapshot'), refused: true };
    if (this.phaseNow !== 'closed') this.phaseNow = 'live';
    return { intents: this.maker.onBook(this.view(), this.clock.now()), refused: false };
  }

  /** Applies a delta; a delta the book refuses (a level gone negative, a bad price) leaves the ticker stale (`refused`). */
  delta(delta: BookDelta): StepResult {
    if (this.phaseNow !== 'live' && this.phaseNow !== 'closed') return { intents: [], refused: false };
    if (!this.book.applyDelta(delta)) {
      return { intents: this.markStale(this.book.staleReason ?? 'book_refused_delta'), refused: true };
    }
    if (delta.own) this.ownOrders?.applyOwnDelta(delta.side, delta.price, delta.delta);
    return { intents: this.phaseNow === 'live' ? this.maker.onBook(this.view(), this.clock.now()) : [], refused: false };
  }

  position(update: PositionUpdate): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    return this.maker.onPosition(update, this.view(), this.clock.now());
  }

  fill(fill: FillEvent): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    this.ownOrders?.applyFill(fill);
    return this.maker.onFill(fill, this.view(), this.clock.now());
  }

  /**
   * What became of one of the maker's orders. A fill of a resting order also comes off the
   * own-order ledger and tells the maker its price (as a fill frame would).
   */
  orderEvent(event: OrderEvent): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    const fill = event.kind === 'OrderFilled' ? event.fill : undefined;
    let intents: Intent[] = [];
    if (fill !== undefined) {
      const buys = event.role === 'entry';
      // the leg whose exposure grew: buying leg L adds L, selling L adds the other leg
      const grown = buys ? event.leg : otherLeg(event.leg);
      const yesPrice = event.leg === 'yes' ? fill.price : 100 - fill.price;
      const fillEvent: FillEvent = {
        ticker: this.ticker,
        tradeId: '',
        orderId: event.orderId ?? '',
        side: grown,
        yesPrice,
        count: fill.count,
        isTaker: fill.isTaker,
      };
      this.ownOrders?.applyFill(fillEvent);
      intents = this.maker.onFill(fillEvent, this.view(), this.clock.now());
    }
    return [...intents, ...this.maker.onOrderEvent(event, this.view())];
  }

  lifecycle(event: LifecycleEvent): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    const now = this.clock.now();
    if (closesMarket(event, now)) this.phaseNow = 'closed';
    else if (reopensMarket(event) && this.phaseNow === 'closed') {
      // resumes like a stale book: decisions wait for a fresh snapshot
      this.book.markStale('reactivated');
      this.phaseNow = 'stale';
    }
    return this.maker.onLifecycle(event, this.view(), now);
  }

  markStale(reason: string): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    this.book.markStale(reason);
    if (this.phaseNow !== 'closed') this.phaseNow = 'stale';
    return this.maker.onStale(reason, this.clock.now());
  }

  timer(): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    return this.maker.onTimer(this.view(), this.clock.now());
  }

  setParams(params: StrategyParams): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    return this.maker.setParams(params, this.view(), this.clock.now());
  }

  /** The market is leaving (see DualMaker.windDown). */
  windDown(policy: WindDownPolicy): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    return this.maker.windDown(policy, this.view(), this.clock.now());
  }

  /** While the market is leaving: its policy, what it holds and how many of its orders rest. */
  winding(): { policy: WindDownPolicy; position: number; resting: number } | undefined {
    const policy = this.maker.windingDown;
    return policy === undefined ? undefined : { policy, position: this.maker.heldPosition, resting: this.maker.restingCount };
  }

  shutdown(): Intent[] {
    if (this.phaseNow === 'stopped') return [];
    this.phaseNow = 'stopped';
    return this.maker.shutdown(this.clock.now());
  }

  nextDeadlineMs(): number | undefined {
    return this.phaseNow === 'stopped' ? undefined : this.maker.nextDeadlineMs();
  }

  exportState(): MakerState {
    return this.maker.exportState();
  }
}
