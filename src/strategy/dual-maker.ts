/**
 * The dual-sided maker of one market (strategy-spec). Every event handler takes the time in
 * ms, decides, and returns the intents in the order they must be carried out. No I/O, no
 * timers, no clock reads: the same events at the same times give the same intents.
 *
 * One decision, on a book it trusts:
 *   entry targets (entry-targets.ts) -> reconcile the YES bid, then the NO bid
 *   -> reduce-only prompt on YES, then NO -> exit target (above the book's and its own
 *   bid on the leg) and reconcile, YES then NO.
 *
 * It decides nothing while the book is stale, before its first snapshot, after a stale
 * signal until a newer snapshot, while the market is closed, or after shutdown.
 */
import type { StrategyParams } from '../config/types.js';
import type { Intent } from './intent.js';
import type { FillEvent, LifecycleEvent, PositionUpdate } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';
import type { BestLevel } from '../book/order-book.js';
import type { BookView } from './book-view.js';
import { ownLevels, type OwnLevel } from './own-orders.js';
import { entryPrice, fillPriceOnLeg } from './entry-price.js';
import { entryTargets, type EntryTarget } from './entry-targets.js';
import { exitTarget, type ExitTarget } from './exit-target.js';
import { type CancelAllReason, type DecisionContext, makeIntent } from './intents.js';
import { atInventoryCap, inventoryOn, LEGS } from './legs.js';
import { type MakerMode, type MakerState, parseMakerState } from './maker-state.js';
import { announcedCloseMs, closesMarket, reopensMarket } from './market-lifecycle.js';
import { reconcileBid } from './reconcile-bid.js';
import { reconcileExit } from './reconcile-exit.js';
import { flattenDecision, reduceOnlyDecision } from './reduce-only.js';
import type { OrderEvent } from './order-events.js';
import { expiresAtMs, type RestingOrder } from './resting-order.js';
import { secondsToMs } from './units.js';

export type { BookView } from './book-view.js';
export type { MakerState } from './maker-state.js';

/**
 * How a market that is leaving (it left the selection, or the file) winds down: `flatten`
 * cancels its bids and exit asks and sells what it holds into the best bid now (reduce-only
 * IOC, again at most once per quote_ttl_s until flat); `keep_until_flat` stops bidding and
 * keeps the exit asks until they have sold the position.
 */
export type WindDownPolicy = 'flatten' | 'keep_until_flat';

type PerLeg<T> = Record<Side, T>;

/** Everything of a book a decision reads: its trust and its best bid (price and size) on each leg. */
interface TopOfBook {
  readonly snapshotCount: number;
  readonly stale: boolean;
  readonly hasSnapshot: boolean;
  readonly yes: BestLevel | undefined;
  readonly no: BestLevel | undefined;
}

function topOfBook(book: BookView): TopOfBook {
  return { snapshotCount: book.snapshotCount, stale: book.stale, hasSnapshot: book.hasSnapshot, yes: book.bestBid('yes'), no: book.bestBid('no') };
}

function sameLevel(a: BestLevel | undefined, b: BestLevel | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.price === b.price && a.size === b.size;
}

function sameTop(a: TopOfBook, b: TopOfBook): boolean {
  return a.snapshotCount === b.snapshotCount && a.stale === b.stale && a.hasSnapshot === b.hasSnapshot && sameLevel(a.yes, b.yes) && sameLevel(a.no, b.no);
}

/** The entry targets of a market that is leaving: no bid on either leg. */
const WINDING_DOWN: PerLeg<EntryTarget> = { yes: { kind: 'none', reason: 'winding_down' }, no: { kind: 'none', reason: 'winding_down' } };

function perLeg<T>(yes: T, no: T): PerLeg<T> {
  return { yes, no };
}

function undefinedIfNull<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

/** A cancel names the order it cancels. */
function withOrderId(intent: Intent, order: RestingOrder): Intent {
  return order.clientOrderId === undefined ? intent : { ...intent, clientOrderId: order.clientOrderId };
}

/** A refused order and the top of the book it was refused on: the same order is not sent again on the same top. */
interface Refusal {
  readonly price: number;
  readonly size: number;
  readonly top: TopOfBook;
}

/**
 * The client order ids of one decision's intents: a new id for every order an intent stands
 * for (quote, reprice, exit, reduce-only), the id of what it cancels on a cancel; the order
 * left resting carries the id of the intent that posted it.
 */
function labelled(
  intents: readonly Intent[],
  before: RestingOrder | undefined,
  after: RestingOrder | undefined,
  nextId: () => string,
): { intents: Intent[]; resting: RestingOrder | undefined } {
  let resting = after;
  const out = intents.map((intent): Intent => {
    if (intent.kind === 'cancel' || intent.kind === 'exit_cancel') {
      return before?.clientOrderId === undefined ? intent : { ...intent, clientOrderId: before.clientOrderId };
    }
    const clientOrderId = nextId();
    if (resting !== undefined && resting !== before) resting = { ...resting, clientOrderId };
    return { ...intent, clientOrderId };
  });
  return { intents: out, resting };
}

export class DualMaker {
  private params: StrategyParams;
  private mode: MakerMode = 'active';
  private readonly bids: PerLeg<RestingOrder | undefined> = perLeg(undefined, undefined);
  private readonly exits: PerLeg<RestingOrder | undefined> = perLeg(undefined, undefined);
  private position = 0;
  private costE4: number | undefined;
  private readonly lastFillPrices: PerLeg<number | undefined> = perLeg(undefined, undefined);
  private readonly lastReduceOnlyMs: PerLeg<number | undefined> = perLeg(undefined, undefined);
  /** the snapshot count of the last book seen; a stale signal waits for a higher one */
  private seenSnapshotCount: number | undefined;
  /** set while waiting for a fresh snapshot: decisions resume once snapshotCount exceeds it */
  private resumeAfterSnapshot: number | undefined;
  private pausedBecause: string | undefined;
  /** a close time announced for later: the market closes when it comes */
  private closeAtMs: number | undefined;
  /**
   * The top of the book (and its trust) at the end of the last full decision, while nothing
   * else has changed since. A decision depends on the book only through its best bids, so a
   * delta that leaves them as they were, with no deadline due, decides nothing new.
   */
  private decidedTop: TopOfBook | undefined;
  /** when intents become orders: where their client order ids come from */
  private orderIds: (() => string) | undefined;
  /** refused orders per role and leg, until the top of the book moves */
  private readonly refusedBids: PerLeg<Refusal | undefined> = perLeg(undefined, undefined);
  private readonly refusedExits: PerLeg<Refusal | undefined> = perLeg(undefined, undefined);
  /** set while the market is leaving: no more entry bids (see WindDownPolicy) */
  private winding: WindDownPolicy | undefined;

  constructor(
    readonly ticker: string,
    params: StrategyParams,
  ) {
    this.params = params;
  }

  /** A maker carrying on from an exported state (a restarted actor). Throws MakerStateError on a bad state. */
  static fromState(ticker: string, params: StrategyParams, state: MakerState): DualMaker {
    const checked = parseMakerState(state);
    const maker = new DualMaker(ticker, params);
    maker.mode = checked.mode;
    for (const leg of LEGS) {
      maker.bids[leg] = undefinedIfNull(checked.bids[leg]);
      maker.exits[leg] = undefinedIfNull(checked.exits[leg]);
      maker.lastFillPrices[leg] = undefinedIfNull(checked.lastFillPrices[leg]);
      maker.lastReduceOnlyMs[leg] = undefinedIfNull(checked.lastReduceOnlyMs[leg]);
    }
    maker.position = checked.position;
    maker.costE4 = undefinedIfNull(checked.costE4);
    maker.closeAtMs = undefinedIfNull(checked.closeAtMs);
    return maker;
  }

  exportState(): MakerState {
    const nullIfUndefined = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
    const pairOf = <T>(values: PerLeg<T | undefined>) => ({
      yes: nullIfUndefined(values.yes),
      no: nullIfUndefined(values.no),
    });
    return {
      mode: this.mode,
      bids: pairOf(this.bids),
      exits: pairOf(this.exits),
      position: this.position,
      costE4: nullIfUndefined(this.costE4),
      lastFillPrices: pairOf(this.lastFillPrices),
      lastReduceOnlyMs: pairOf(this.lastReduceOnlyMs),
      closeAtMs: nullIfUndefined(this.closeAtMs),
    };
  }

  /** From now on every order intent gets a client order id from `next` (intents become orders). */
  assignOrderIds(next: () => string): void {
    this.orderIds = next;
  }

  /**
   * What became of an order (src/strategy/order-events.ts). An order the maker believes rests
   * that is rejected, cancelled, expired or completely filled is gone at once; a partial fill
   * leaves what remains. A rejected order is not sent again while the top of the book is the
   * one it was refused on. The next book event decides again.
   */
  onOrderEvent(event: OrderEvent, book: BookView): Intent[] {
    this.requireTicker(event.ticker, 'order event');
    if (event.role === 'reduce') return [];
    const held = event.role === 'entry' ? this.bids : this.exits;
    const resting = held[event.leg];
    if (resting === undefined || resting.clientOrderId !== event.clientOrderId) return [];
    this.decidedTop = undefined;
    if (event.kind === 'OrderAccepted') return [];
    if (event.kind === 'OrderFilled' && event.remaining > 0) {
      held[event.leg] = { ...resting, size: event.remaining };
      return [];
    }
    held[event.leg] = undefined;
    if (event.kind === 'OrderRejected') {
      const refusals = event.role === 'entry' ? this.refusedBids : this.refusedExits;
      refusals[event.leg] = { price: resting.price, size: resting.size, top: topOfBook(book) };
    }
    return [];
  }

  /** Whether a target repeats an order refused on this very top of the book (and forgets refusals the book has moved past). */
  private refusedAgain(
    refusals: PerLeg<Refusal | undefined>,
    leg: Side,
    target: { readonly price: number; readonly size: number } | undefined,
    top: TopOfBook,
  ): boolean {
    const refusal = refusals[leg];
    if (refusal === undefined) return false;
    if (!sameTop(refusal.top, top)) {
      refusals[leg] = undefined;
      return false;
    }
    return target !== undefined && target.price === refusal.price && target.size === refusal.size;
  }

  /** Where this maker's announced orders sit on the two bid ladders (see own-orders.ts). */
  ownLevels(): OwnLevel[] {
    return ownLevels(this.bids, this.exits);
  }

  /** New parameters (a per-market override or a live change); decides again at once. */
  /**
   * The market is leaving: from now on no entry bid is posted (resting ones are cancelled,
   * reason winding_down); `flatten` also cancels the exits and sells the inventory now. A
   * second call may change the policy. Lasts until the maker is shut down.
   */
  windDown(policy: WindDownPolicy, book: BookView, nowMs: number): Intent[] {
    this.winding = policy;
    this.decidedTop = undefined;
    return this.decide(book, nowMs);
  }

  /** The policy it winds down by, while the market is leaving. */
  get windingDown(): WindDownPolicy | undefined {
    return this.winding;
  }

  /** The signed position it decides on, hundredths of a contract (+ YES held, - NO held). */
  get heldPosition(): number {
    return this.position;
  }

  /** Orders it believes rest (entry bids and exit asks). */
  get restingCount(): number {
    let count = 0;
    for (const leg of LEGS) count += (this.bids[leg] === undefined ? 0 : 1) + (this.exits[leg] === undefined ? 0 : 1);
    return count;
  }

  setParams(params: StrategyParams, book: BookView, nowMs: number): Intent[] {
    this.params = params;
    return this.decide(book, nowMs);
  }

  /**
   * After a snapshot or a delta was applied to the book. A delta below the top changes no
   * input of the decision: it is skipped unless a deadline is due (the result is the same).
   */
  onBook(book: BookView, nowMs: number): Intent[] {
    const top = topOfBook(book);
    if (this.decidedTop !== undefined && sameTop(this.decidedTop, top) && !this.deadlineDue(nowMs)) return [];
    return this.decide(book, nowMs, top);
  }

  private deadlineDue(nowMs: number): boolean {
    const deadline = this.nextDeadlineMs();
    return deadline !== undefined && nowMs >= deadline;
  }

  /** Inventory comes only from here (strategy-spec section 2). */
  onPosition(update: PositionUpdate, book: BookView, nowMs: number): Intent[] {
    this.requireTicker(update.ticker, 'position update');
    if (!Number.isSafeInteger(update.position)) {
      throw new RangeError(`${this.ticker}: position must be integer hundredths, got ${update.position}`);
    }
    if (update.costE4 !== undefined && !Number.isSafeInteger(update.costE4)) {
      throw new RangeError(`${this.ticker}: position cost must be integer ten-thousandths, got ${update.costE4}`);
    }
    this.position = update.position;
    this.costE4 = update.costE4;
    return this.decide(book, nowMs);
  }

  /**
   * Remembers the fill's price on the leg it added to (the entry while no position cost is
   * known). A fill does not change inventory; it decides again only when it changed the
   * entry of the held leg.
   */
  onFill(fill: FillEvent, book: BookView, nowMs: number): Intent[] {
    this.decidedTop = undefined;
    this.requireTicker(fill.ticker, 'fill');
    const { leg, price } = fillPriceOnLeg(fill);
    if (!Number.isInteger(price) || price < 0 || price > 100) {
      throw new RangeError(`${this.ticker}: fill price must be 0..100 ticks, got ${fill.yesPrice}`);
    }
    const entryBefore = this.entryOf(leg);
    this.lastFillPrices[leg] = price;
    return this.entryOf(leg) === entryBefore ? this.closeIfDue(nowMs) : this.decide(book, nowMs);
  }

  /** For the TTLs and the reduce-only rate limit; see nextDeadlineMs. */
  onTimer(book: BookView, nowMs: number): Intent[] {
    return this.decide(book, nowMs);
  }

  /** The book can no longer be trusted: cancel everything and wait for a newer snapshot. */
  onStale(reason: string, nowMs: number): Intent[] {
    this.decidedTop = undefined;
    const closing = this.closeIfDue(nowMs);
    if (closing.length > 0 || this.mode !== 'active') return closing;
    this.waitForSnapshotAfter(this.seenSnapshotCount ?? 0, reason);
    return this.cancelEverything('stale_book', nowMs);
  }

  onLifecycle(event: LifecycleEvent, book: BookView, nowMs: number): Intent[] {
    this.decidedTop = undefined;
    this.requireTicker(event.ticker, 'lifecycle event');
    const intents = this.closeIfDue(nowMs);
    if (closesMarket(event, nowMs)) return [...intents, ...this.close(event.eventType, nowMs)];
    const closeAt = announcedCloseMs(event, nowMs);
    if (closeAt !== undefined) this.closeAtMs = closeAt;
    if (reopensMarket(event) && this.mode === 'closed') {
      this.mode = 'active';
      this.seenSnapshotCount = book.snapshotCount;
      this.waitForSnapshotAfter(book.snapshotCount, `reopened: ${event.eventType}`);
    }
    return intents;
  }

  /** Closes the market once its announced close time has come. */
  private closeIfDue(nowMs: number): Intent[] {
    return this.closeAtMs !== undefined && nowMs >= this.closeAtMs ? this.close('close time reached', nowMs) : [];
  }

  /** The market closed: cancel everything (reason market_closed) and decide nothing until `activated`. */
  private close(why: string, nowMs: number): Intent[] {
    this.closeAtMs = undefined;
    if (this.mode !== 'active') return [];
    this.mode = 'closed';
    this.pausedBecause = `market_closed: ${why}`;
    return this.cancelEverything('market_closed', nowMs);
  }

  /** Cancels everything (reason shutdown) and decides nothing more. */
  shutdown(nowMs: number): Intent[] {
    this.decidedTop = undefined;
    if (this.mode === 'stopped') return [];
    const intents = this.cancelEverything('shutdown', nowMs);
    this.mode = 'stopped';
    this.pausedBecause = 'shutdown';
    return intents;
  }

  /** The earliest time a timer decision can change something, if any. */
  nextDeadlineMs(): number | undefined {
    if (this.mode !== 'active' || this.resumeAfterSnapshot !== undefined) return undefined;
    const quoteTtlMs = secondsToMs(this.params.quote_ttl_s);
    const exitTtlMs = secondsToMs(this.params.exit_ttl_s);
    // called after every step: a running minimum, no array
    let earliest = this.closeAtMs ?? Infinity;
    for (const leg of LEGS) {
      const bid = this.bids[leg];
      const exit = this.exits[leg];
      const lastPrompt = this.lastReduceOnlyMs[leg];
      if (bid !== undefined) earliest = Math.min(earliest, expiresAtMs(bid, quoteTtlMs));
      if (exit !== undefined) earliest = Math.min(earliest, expiresAtMs(exit, exitTtlMs));
      if (
        lastPrompt !== undefined &&
        (atInventoryCap(leg, this.position, this.params) || (this.winding === 'flatten' && inventoryOn(leg, this.position) > 0))
      ) {
        earliest = Math.min(earliest, lastPrompt + quoteTtlMs);
      }
    }
    return earliest === Infinity ? undefined : earliest;
  }

  /** Why the maker is not deciding (waiting for a snapshot, closed, shut down), or undefined while it decides. */
  get pauseReason(): string | undefined {
    return this.pausedBecause;
  }

  /** Decides on the book (`known`: its top, when the caller has read it already); every entry point that decides comes here. */
  private decide(book: BookView, nowMs: number, known?: TopOfBook): Intent[] {
    this.decidedTop = undefined;
    if (this.mode !== 'active') return [];
    const closing = this.closeIfDue(nowMs);
    if (closing.length > 0 || this.mode !== 'active') return closing;
    if (!this.trusts(book)) return this.cancelEverything('stale_book', nowMs);
    // the book does not change during a decision: its best bids are read once (or were, by onBook)
    const top = known ?? topOfBook(book);
    const context: DecisionContext = { ticker: this.ticker, nowMs };
    const intents: Intent[] = [];
    const targets = this.winding === undefined ? entryTargets(book, this.position, this.params) : WINDING_DOWN;
    const quoteTtlMs = secondsToMs(this.params.quote_ttl_s);
    for (const leg of LEGS) {
      const target = targets[leg];
      if (this.bids[leg] === undefined && this.refusedAgain(this.refusedBids, leg, target.kind === 'none' ? undefined : target, top)) continue;
      const outcome = this.labelled(reconcileBid(context, leg, target, this.bids[leg], quoteTtlMs), this.bids[leg]);
      intents.push(...outcome.intents);
      this.bids[leg] = outcome.resting;
    }
    const flattening = this.winding === 'flatten';
    const prompts = (): void => {
      for (const leg of LEGS) {
        const inventory = inventoryOn(leg, this.position);
        const decision = flattening
          ? flattenDecision(inventory, top[leg], this.lastReduceOnlyMs[leg], nowMs, this.params)
          : reduceOnlyDecision(inventory, atInventoryCap(leg, this.position, this.params), top[leg], this.lastReduceOnlyMs[leg], nowMs, this.params);
        if (decision.prompt !== undefined) {
          const prompt = makeIntent(context, 'reduce_only', leg, decision.prompt, flattening ? 'flatten' : 'inventory_cap');
          intents.push(this.orderIds === undefined ? prompt : { ...prompt, clientOrderId: this.orderIds() });
        }
        this.lastReduceOnlyMs[leg] = decision.lastPromptMs;
      }
    };
    // flattening: the exit asks are cancelled before the inventory is sold, so nothing sells it twice
    if (!flattening) prompts();
    const exitTtlMs = secondsToMs(this.params.exit_ttl_s);
    for (const leg of LEGS) {
      const inventory = inventoryOn(leg, this.position);
      const target: ExitTarget = flattening
        ? { kind: 'none', reason: 'flatten' }
        : exitTarget(inventory, this.entryOf(leg), this.highestBid(leg, top[leg]), this.params);
      if (this.exits[leg] === undefined && this.refusedAgain(this.refusedExits, leg, target.kind === 'none' ? undefined : target, top)) continue;
      const outcome = this.labelled(reconcileExit(context, leg, target, this.exits[leg], exitTtlMs), this.exits[leg]);
      intents.push(...outcome.intents);
      this.exits[leg] = outcome.resting;
    }
    if (flattening) prompts();
    this.decidedTop = top;
    return intents;
  }

  /** The reconciliation's intents with client order ids, when intents become orders. */
  private labelled(
    outcome: { intents: Intent[]; resting: RestingOrder | undefined },
    before: RestingOrder | undefined,
  ): { intents: Intent[]; resting: RestingOrder | undefined } {
    return this.orderIds === undefined ? outcome : labelled(outcome.intents, before, outcome.resting, this.orderIds);
  }

  /**
   * A book is trusted when it has a snapshot, is not stale, and (after a stale signal or a
   * reopening) has applied a snapshot since. A stale book seen here is treated like a stale
   * signal, so nothing keeps resting on it even if nobody called onStale.
   */
  private trusts(book: BookView): boolean {
    this.seenSnapshotCount = book.snapshotCount;
    if (book.stale || !book.hasSnapshot) {
      this.waitForSnapshotAfter(book.snapshotCount, this.pausedBecause ?? 'book not trusted');
      return false;
    }
    if (this.resumeAfterSnapshot !== undefined) {
      if (book.snapshotCount <= this.resumeAfterSnapshot) return false;
      this.resumeAfterSnapshot = undefined;
      this.pausedBecause = undefined;
    }
    return true;
  }

  private entryOf(leg: Side): number | undefined {
    return entryPrice(leg, this.position, this.costE4, this.lastFillPrices[leg]);
  }

  /** The highest bid on a leg, the book's or the maker's own entry bid (decided just before the exits). */
  private highestBid(leg: Side, bookBest: BestLevel | undefined): number | undefined {
    const own = this.bids[leg]?.price;
    if (bookBest === undefined) return own;
    return own === undefined ? bookBest.price : Math.max(bookBest.price, own);
  }

  private waitForSnapshotAfter(snapshotCount: number, reason: string): void {
    this.resumeAfterSnapshot = Math.max(snapshotCount, this.resumeAfterSnapshot ?? 0);
    this.pausedBecause = reason;
  }

  /** cancel every resting bid, then exit_cancel every resting exit, YES before NO. */
  private cancelEverything(reason: CancelAllReason, nowMs: number): Intent[] {
    const context: DecisionContext = { ticker: this.ticker, nowMs };
    const intents: Intent[] = [];
    for (const leg of LEGS) {
      const bid = this.bids[leg];
      if (bid !== undefined) intents.push(withOrderId(makeIntent(context, 'cancel', leg, bid, reason), bid));
      this.bids[leg] = undefined;
    }
    for (const leg of LEGS) {
      const exit = this.exits[leg];
      if (exit !== undefined) intents.push(withOrderId(makeIntent(context, 'exit_cancel', leg, exit, reason), exit));
      this.exits[leg] = undefined;
    }
    return intents;
  }

  private requireTicker(ticker: string, what: string): void {
    if (ticker !== this.ticker) throw new RangeError(`maker for ${this.ticker} was given a ${what} for ${ticker}`);
  }
}
