/**
 * The work of the execution actor, free of threads and ports so it can be tested in-thread:
 * turns the makers' intents into orders on a venue, keeps every order's life (order-state.ts),
 * spends one write budget for the whole account, books fills into the portfolio and the fills
 * journal, and tells each maker what became of its orders.
 *
 * Order slots. Each (ticker, leg, role) holds at most one order. An intent sets the slot's
 * latest target (a price and size, or nothing); the slot is then brought to its target when
 * the budget allows, with one request at a time per slot:
 *   - a target equal to what rests sends nothing (a TTL refresh keeps its queue place);
 *   - nothing resting: create; nothing wanted: cancel;
 *   - a different size at the same price, smaller: decrease (keeps queue priority);
 *   - otherwise: amend (one request, 10 tokens, against 12 for cancel and create).
 * A target superseded before it was sent is never sent: only the latest counts.
 *
 * Budget and order. Cancels go first, then the other slots in the order their targets came.
 * A request is sent only when the write budget has its tokens; a 429 holds every write for a
 * jittered, growing time (RateLimitBackoff) and empties the budget.
 *
 * Order life. A replacement (amend or decrease) of an order younger than `minOrderLifeMs`
 * waits until the order is that old, so a target that flips back within that time sends
 * nothing. Cancels never wait.
 *
 * Unknown outcomes. A request whose answer was lost leaves its order `unknown`; nothing else
 * is sent for that slot until a lookup by client order id says what the venue has.
 *
 * Time comes from the injected clock; requests are the venue's promises.
 */
import type { Clock, TimerHandle } from '../clock/clock.js';
import { DEFAULT_FEE_SCHEDULE, fillFeeMicros, type FeeSchedule } from '../fees/fee-model.js';
import type { RuntimeEvent } from '../log/runtime-event.js';
import type { Fill } from '../portfolio/fill.js';
import { Portfolio } from '../portfolio/portfolio.js';
import type { Side } from '../protocol/wire.js';
import type { Intent } from '../strategy/intent.js';
import { ROLE_OF_KIND, type ExecutionEvent, type OrderEventKind, type SlotRole } from './messages.js';
import {
  applyOrderEvent,
  isTerminal,
  isWorking,
  knownFilled,
  newOrder,
  remainingSize,
  type OrderEvent as StateEvent,
  type TrackedOrder,
} from './order-state.js';
import type { OrderAction, OrderIntent, TimeInForce } from './order-request.js';
import {
  VenueOutcomeUnknownError,
  VenueRateLimitedError,
  VenueRefusedError,
  type Venue,
  type VenueFill,
  type VenueHolding,
  type VenueOrder,
  type VenueOrderEnded,
} from './venue.js';
import { RateLimitBackoff, writeCost, type WriteBudget, type WriteKind } from './write-budget.js';
import type { RiskEngine } from '../risk/risk-engine.js';

/** What a slot should hold: an order like this, or (null) nothing. */
interface Target {
  readonly clientOrderId: string;
  readonly action: OrderAction;
  readonly price: number;
  readonly size: number;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly reason: string;
}

interface Slot {
  readonly key: string;
  readonly ticker: string;
  readonly leg: Side;
  readonly role: SlotRole;
  /** the latest instruction not yet carried out: a target, null (nothing), or undefined (none) */
  desired: Target | null | undefined;
  /** why the slot is to be emptied (the reason of the cancel intent) */
  cancelReason: string;
  /** the order in this slot at the venue (not terminal) */
  live: TrackedOrder | undefined;
  /** a request for this slot is in flight */
  busy: boolean;
  /** when the live order got its current price and size */
  placedMs: number;
  /** when the slot got its current instruction (the order of work) */
  instructedSeq: number;
  /**
   * The client order id the maker knows the live order by, and the order's own client id
   * it stands for. They differ when a target equal to what rests was kept on the resting
   * order: events about that order carry the maker's id, so the maker recognises them.
   */
  makerId: string | undefined;
  makerIdFor: string | undefined;
}

/** Attempts to cancel one order left from before, and the first wait between them (doubling: 0.25 + 0.5 + 1 + 2 + 4 s). */
const RECONCILE_CANCEL_ATTEMPTS = 6;
const RECONCILE_RETRY_MS = 250;
export interface ExecutionCounters {
  readonly intents: number;
  /** requests sent, by kind (create, cancel, amend, decrease, lookup) */
  readonly requests: Readonly<Record<string, number>>;
  /** targets that needed nothing sent (equal to what rests, or superseded) */
  readonly unchanged: number;
  readonly rejects: Readonly<Record<string, number>>;
  readonly fills: number;
  readonly rateLimited: number;
  readonly unknownOutcomes: number;
  readonly tokensSpent: number;
  readonly tokensLeft: number;
  readonly openOrders: number;
}

export interface ExecutionCoreOptions {
  readonly venue: Venue;
  readonly clock: Clock;
  readonly budget: WriteBudget;
  readonly backoff?: RateLimitBackoff;
  readonly minOrderLifeMs: number;
  /** to the shard that owns the ticker */
  readonly emit: (ticker: string, event: ExecutionEvent) => void;
  /** the fills journal */
  readonly journal: (fill: Fill) => void;
  readonly log: (event: RuntimeEvent) => void;
  /** the fee schedule of a market, when the venue does not report fees */
  readonly feeSchedule?: (ticker: string) => FeeSchedule;
  /** every order carries cancel_order_on_pause */
  readonly cancelOnPause?: boolean;
  /** the gate every order passes before it is sent, and the kill switch (src/risk/) */
  readonly risk?: RiskEngine;
  /** every market's orders in an order group of this many matched contracts (hundredths) per rolling 15 s (live) */
  readonly orderGroupContracts?: number;
  /** told when the kill switch trips (with why) and when a person resumes it (null), so the latch can outlive the process */
  readonly onKillSwitch?: (trip: { readonly reason: string; readonly atMs: number } | null) => void;
}

/** slots the pump puts in order by picking the least each time, before it sorts the rest */
const PICKED_IN_ORDER = 8;
/** Trade ids remembered for deduplication. */
const SEEN_TRADES_LIMIT = 50_000;
/** Ended orders kept for late fills, by order id. */
const ENDED_ORDERS_LIMIT = 5_000;

export class ExecutionCore {
  readonly portfolio = new Portfolio();
  readonly #options: ExecutionCoreOptions;
  readonly #backoff: RateLimitBackoff;
  readonly #slots = new Map<string, Slot>();
  /** slots that may need work (an instruction, or an order of unknown outcome): the pump looks at these only */
  readonly #dirty = new Set<Slot>();
  /** the pump's work lists, reused (the pump does not run inside itself) */
  readonly #workCancels: Slot[] = [];
  readonly #workOthers: Slot[] = [];
  readonly #workSeqs: number[] = [];
  /** every order not yet ended and recently ended ones, by client order id and by order id */
  readonly #byClientId = new Map<string, { slot: Slot; order: TrackedOrder }>();
  readonly #byOrderId = new Map<string, { slot: Slot; order: TrackedOrder }>();
  readonly #ended: string[] = [];
  readonly #seenTrades = new Set<string>();
  readonly #tradeOrder: string[] = [];
  /** fills that arrived before the create's answer named their order */
  readonly #earlyFills = new Map<string, VenueFill[]>();
  /** each market's order group (live), and back */
  readonly #groups = new Map<string, string>();
  readonly #groupMarkets = new Map<string, string>();
  #seq = 0;
  #holdUntilMs = 0;
  /**
   * The share of the budget's rate the venue has shown it grants: halved by a 429 (once per
   * hold), regained a little with every write that goes through. A budget configured above
   * the account's real tier converges to the venue's rate instead of meeting 429s forever.
   */
  #rateScale = 1;
  #timer: { handle: TimerHandle; atMs: number } | undefined;
  /** the pump's timer callback, made once (the pump wakes often while the budget refills) */
  readonly #onWake = (): void => {
    this.#timer = undefined;
    this.pump();
  };
  #pumping = false;
  #pumpAgain = false;
  #stopped = false;
  readonly #inFlight = new Set<Promise<void>>();
  #counts = { intents: 0, unchanged: 0, fills: 0, unknownOutcomes: 0 };
  readonly #requests: Record<string, number> = {};
  readonly #rejects: Record<string, number> = {};

  constructor(options: ExecutionCoreOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? new RateLimitBackoff();
    options.venue.listen({
      fill: (fill) => this.#onFill(fill),
      orderEnded: (ended) => this.#onOrderEnded(ended),
      settled: (ticker, result) => this.#onSettled(ticker, result),
      groupTriggered: (groupId) => void this.#onGroupTriggered(groupId),
      position: (position) => {
        const ours = this.portfolio.market(position.ticker).position;
        if (ours !== position.position) {
          options.log({
            level: 'debug',
            kind: 'position_differs',
            ticker: position.ticker,
            message: `venue position ${position.position} hundredths, ours ${ours} (fills may still be on their way)`,
          });
        }
      },
    });
  }

  // ---- intents ------------------------------------------------------------------------

  /** A maker's intents, in order; the slots they set are worked on at once. */
  submit(intents: readonly Intent[]): void {
    if (this.#stopped) return;
    for (const intent of intents) this.#instruct(intent);
    this.pump();
  }

  #instruct(intent: Intent): void {
    this.#counts.intents += 1;
    const role = ROLE_OF_KIND[intent.kind];
    const slot = this.#slot(intent.ticker, intent.side, role);
    if (slot.desired !== undefined) this.#counts.unchanged += 1; // the earlier instruction is superseded, never sent
    slot.instructedSeq = ++this.#seq;
    if (intent.kind === 'cancel' || intent.kind === 'exit_cancel') {
      slot.desired = null;
      this.#dirty.add(slot);
      slot.cancelReason = intent.reason;
      return;
    }
    if (intent.clientOrderId === undefined) {
      this.#options.log({
        level: 'error',
        kind: 'intent_without_order_id',
        ticker: intent.ticker,
        message: `${intent.kind} ${intent.side} has no client order id; not sent`,
      });
      slot.desired = undefined;
      this.#dirty.add(slot);
      return;
    }
    const ioc = intent.kind === 'reduce_only';
    slot.desired = {
      clientOrderId: intent.clientOrderId,
      action: intent.action,
      price: intent.price,
      size: intent.size,
      timeInForce: ioc ? 'immediate_or_cancel' : 'good_till_canceled',
      postOnly: !ioc,
      reduceOnly: ioc,
      reason: intent.reason,
    };
    this.#dirty.add(slot);
  }

  #slot(ticker: string, leg: Side, role: SlotRole): Slot {
    const key = `${ticker}|${leg}|${role}`;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = {
        key,
        ticker,
        leg,
        role,
        desired: undefined,
        cancelReason: '',
        live: undefined,
        busy: false,
        placedMs: 0,
        instructedSeq: 0,
        makerId: undefined,
        makerIdFor: undefined,
      };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  // ---- the pump -----------------------------------------------------------------------

  /** Sends what the budget allows, cancels first; arms a timer for the rest. */
  pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  #pumpOnce(): void {
    const now = this.#options.clock.now();
    if (now < this.#holdUntilMs) {
      // writes wait; lookups (reads) of orders of unknown outcome do not
      for (const slot of this.#dirty) if (!slot.busy && slot.live?.status === 'unknown') this.#lookup(slot, slot.live);
      this.#wakeAt(this.#holdUntilMs);
      return;
    }
    // cancels first, then the rest in the order their instructions came (sequence numbers are
    // unique, so the order is total). The pump usually stops at the first write the budget
    // cannot pay for, so the rest is ordered lazily: the first few by picking the least, the
    // others sorted only when the pump gets that far. Keys are taken now, as a sort would.
    // the lists are kept between pumps and written over (emptying them would give up their
    // storage, and the pump runs often); only their first `cancelCount` / `otherCount` count
    const cancels = this.#workCancels;
    const others = this.#workOthers;
    const seqs = this.#workSeqs;
    let cancelCount = 0;
    let otherCount = 0;
    // the least of the others is found on the way (it goes first, unless cancels stop the pump)
    let least = 0;
    for (const slot of this.#dirty) {
      const desired = slot.desired;
      if (desired === undefined && slot.live?.status !== 'unknown') this.#dirty.delete(slot);
      else if (!slot.busy) {
        if (desired === null) cancels[cancelCount++] = slot;
        else {
          const seq = slot.instructedSeq;
          if (otherCount > 0 && seq < seqs[least]!) least = otherCount;
          others[otherCount] = slot;
          seqs[otherCount] = seq;
          otherCount++;
        }
      }
    }
    if (least !== 0) {
      const leastSlot = others[least]!;
      others[least] = others[0]!;
      others[0] = leastSlot;
      const leastSeq = seqs[least]!;
      seqs[least] = seqs[0]!;
      seqs[0] = leastSeq;
    }
    // cancels by sequence (insertion: they are few)
    for (let index = 1; index < cancelCount; index++) {
      const slot = cancels[index]!;
      let at = index;
      while (at > 0 && cancels[at - 1]!.instructedSeq > slot.instructedSeq) {
        cancels[at] = cancels[at - 1]!;
        at--;
      }
      cancels[at] = slot;
    }
    const total = cancelCount + otherCount;
    let wakeAt = Infinity;
    for (let index = 0; index < total; index++) {
      let slot: Slot;
      if (index < cancelCount) slot = cancels[index]!;
      else {
        const at = index - cancelCount;
        if (at > 0 && at < PICKED_IN_ORDER) {
          let pick = at;
          for (let other = at + 1; other < otherCount; other++) if (seqs[other]! < seqs[pick]!) pick = other;
          if (pick !== at) {
            const pickedSlot = others[pick]!;
            others[pick] = others[at]!;
            others[at] = pickedSlot;
            const pickedSeq = seqs[pick]!;
            seqs[pick] = seqs[at]!;
            seqs[at] = pickedSeq;
          }
        } else if (at === PICKED_IN_ORDER) {
          const rest = others.slice(at, otherCount).map((restSlot, offset) => ({ slot: restSlot, seq: seqs[at + offset]! }));
          rest.sort((a, b) => a.seq - b.seq);
          for (let offset = 0; offset < rest.length; offset++) others[at + offset] = rest[offset]!.slot;
        }
        slot = others[at]!;
      }
      const next = this.#step(slot, now);
      if (next === 'blocked') {
        wakeAt = Math.min(wakeAt, now + Math.max(1, this.#options.budget.msUntil(2, now)));
        if (slot.desired === null) continue; // a cheaper cancel may still fit
        break;
      }
      if (typeof next === 'number') wakeAt = Math.min(wakeAt, next);
    }
    if (wakeAt !== Infinity) this.#wakeAt(wakeAt);
  }

  /** One slot: sends its request, or says when to come back ('blocked': no tokens). */
  #step(slot: Slot, now: number): 'blocked' | number | undefined {
    const live = slot.live;
    if (live?.status === 'unknown') {
      this.#lookup(slot, live);
      return undefined;
    }
    const desired = slot.desired;
    if (desired === undefined) return undefined;
    if (desired === null) {
      if (live === undefined) {
        slot.desired = undefined;
        this.#dirty.add(slot);
        return undefined;
      }
      if (!isWorking(live.status)) return undefined; // its answer is awaited
      if (!this.#take('cancel', slot, now)) return 'blocked';
      this.#cancel(slot, live, slot.cancelReason);
      return undefined;
    }
    if (live === undefined) {
      const refusal = this.#refusedByRisk(slot, desired, undefined, now);
      if (refusal === 'wait') return now + 100;
      if (refusal) return undefined;
      if (!this.#take('create', slot, now)) return 'blocked';
      this.#create(slot, desired, now);
      return undefined;
    }
    if (!isWorking(live.status)) return undefined;
    const resting = remainingSize(live);
    if (live.price === desired.price && resting === desired.size && live.action === desired.action) {
      // what rests is what is wanted: nothing to send, the order keeps its queue place
      slot.desired = undefined;
      this.#dirty.add(slot);
      slot.makerId = desired.clientOrderId;
      slot.makerIdFor = live.clientOrderId;
      this.#counts.unchanged += 1;
      return undefined;
    }
    const readyAt = slot.placedMs + this.#options.minOrderLifeMs;
    if (now < readyAt) return readyAt;
    if (live.action !== desired.action || slot.role === 'reduce') {
      // not one order any more: empty the slot first, the target stays and is created after
      if (!this.#take('cancel', slot, now)) return 'blocked';
      this.#cancel(slot, live, 'replaced');
      return undefined;
    }
    if (live.price === desired.price && desired.size < resting) {
      if (!this.#take('decrease', slot, now)) return 'blocked';
      this.#decrease(slot, live, desired, now);
      return undefined;
    }
    const refusal = this.#refusedByRisk(slot, desired, live, now);
    if (refusal === 'wait') return now + 100;
    if (refusal) return undefined;
    if (!this.#take('amend', slot, now)) return 'blocked';
    this.#amend(slot, live, desired, now);
    return undefined;
  }

  /**
   * The risk gate for a create or an amend. Refused: the maker hears OrderRejected with the
   * limit as the reason and the slot keeps what it has; 'wait': the orders-per-second window
   * is full, the slot is tried again shortly.
   */
  #refusedByRisk(slot: Slot, target: Target, live: TrackedOrder | undefined, now: number): boolean | 'wait' {
    const risk = this.#options.risk;
    if (!risk) return false;
    const decision = risk.check(
      {
        ticker: slot.ticker,
        leg: slot.leg,
        action: target.action,
        price: target.price,
        size: target.size,
        reduceOnly: target.reduceOnly,
        ...(live ? { replaces: live.clientOrderId } : {}),
      },
      now,
    );
    if (decision.allowed) return false;
    if (decision.limit === 'orders_per_second') return 'wait';
    slot.desired = undefined;
    this.#dirty.add(slot);
    this.#countReject(`risk_${decision.limit}`);
    this.#options.log({
      level: decision.hard ? 'warn' : 'info',
      kind: 'risk_blocked',
      ticker: slot.ticker,
      message: `${slot.key} ${target.action} ${target.size / 100} @ ${target.price}: ${decision.reason}`,
    });
    this.#emit(slot, 'OrderRejected', { clientOrderId: target.clientOrderId, price: target.price, remaining: 0, reason: `risk:${decision.limit}` });
    return true;
  }

  #take(kind: WriteKind, slot: Slot, now: number): boolean {
    const cost = Math.ceil(writeCost(kind) / this.#rateScale);
    if (!this.#options.budget.tryTake(cost, now)) return false;
    this.#requests[kind] = (this.#requests[kind] ?? 0) + 1;
    this.portfolio.orderSent(slot.ticker, kind);
    this.portfolio.tokensSpent(slot.ticker, cost);
    return true;
  }

  #wakeAt(atMs: number): void {
    if (this.#stopped && this.#inFlight.size === 0 && ![...this.#slots.values()].some((slot) => slot.desired !== undefined)) return;
    if (this.#timer !== undefined && this.#timer.atMs <= atMs) return;
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer.handle);
    const handle = this.#options.clock.setTimer(atMs, this.#onWake);
    this.#timer = { handle, atMs };
  }

  /** Runs a request for a slot; its answer is handled when it comes, then the pump runs again. */
  #request(slot: Slot, run: () => Promise<void>): void {
    slot.busy = true;
    const request = run()
      .catch((error: Error) => this.#options.log({ level: 'error', kind: 'execution_failed', ticker: slot.ticker, message: `${slot.key}: ${error.message}` }))
      .finally(() => {
        slot.busy = false;
        this.#inFlight.delete(request);
        this.pump();
      });
    this.#inFlight.add(request);
  }

  // ---- requests -----------------------------------------------------------------------

  #create(slot: Slot, target: Target, now: number): void {
    slot.desired = undefined;
    this.#dirty.add(slot);
    const intent: OrderIntent = {
      ticker: slot.ticker,
      clientOrderId: target.clientOrderId,
      leg: slot.leg,
      action: target.action,
      price: target.price,
      size: target.size,
      timeInForce: target.timeInForce,
      postOnly: target.postOnly,
      reduceOnly: target.reduceOnly,
      ...(this.#options.cancelOnPause ? { cancelOnPause: true } : {}),
      ...(this.#groups.has(slot.ticker) ? { orderGroupId: this.#groups.get(slot.ticker)! } : {}),
    };
    const created = newOrder(intent, now);
    if (!created.ok) {
      this.#countReject('invalid_order');
      this.#emit(slot, 'OrderRejected', {
        clientOrderId: target.clientOrderId,
        price: target.price,
        remaining: 0,
        reason: `invalid_order: ${created.error.field} ${created.error.message}`,
      });
      return;
    }
    let order = created.value;
    this.#options.risk?.orderSent({ ...intent, size: target.size }, now);
    this.#track(slot, order);
    slot.live = order;
    slot.placedMs = now;
    slot.makerId = target.clientOrderId;
    slot.makerIdFor = target.clientOrderId;
    this.#request(slot, async () => {
      try {
        const ack = await this.#options.venue.create(intent);
        this.#succeeded();
        order = this.#apply(slot, order.clientOrderId, { type: 'accepted', orderId: ack.orderId, remaining: ack.remaining, filled: ack.filled });
        this.#options.risk?.orderAccepted(order.clientOrderId, ack.orderId);
        this.#replayEarlyFills(ack.orderId);
        const current = this.#current(order.clientOrderId);
        if (current && !isTerminal(current.status))
          this.#emit(slot, 'OrderAccepted', {
            clientOrderId: current.clientOrderId,
            orderId: ack.orderId,
            price: current.price,
            remaining: remainingSize(current),
          });
        else if (current?.status === 'canceled')
          this.#emit(slot, 'OrderCanceled', {
            clientOrderId: current.clientOrderId,
            orderId: ack.orderId,
            price: current.price,
            remaining: 0,
            reason: target.timeInForce === 'immediate_or_cancel' ? 'immediate_or_cancel' : 'not_resting',
          });
      } catch (error) {
        this.#failed(slot, order.clientOrderId, error, 'create');
      }
    });
  }

  #cancel(slot: Slot, live: TrackedOrder, reason: string): void {
    if (slot.desired === null) slot.desired = undefined;
    this.#dirty.add(slot);
    this.#apply(slot, live.clientOrderId, { type: 'cancel_sent' });
    const orderId = live.orderId!;
    this.#request(slot, async () => {
      try {
        await this.#options.venue.cancel({ orderId, ticker: slot.ticker });
        this.#succeeded();
        const after = this.#apply(slot, live.clientOrderId, { type: 'canceled', reason, orderId });
        if (after.status === 'canceled')
          this.#emit(slot, 'OrderCanceled', { clientOrderId: after.clientOrderId, orderId, price: after.price, remaining: 0, reason });
      } catch (error) {
        if (error instanceof VenueRefusedError && error.status === 404) {
          // gone already (filled or cancelled): a lookup says which
          this.#apply(slot, live.clientOrderId, { type: 'cancel_rejected', reason: error.code, orderGone: true });
          return;
        }
        if (error instanceof VenueRateLimitedError) {
          this.#apply(slot, live.clientOrderId, { type: 'cancel_rejected', reason: 'rate_limited' });
          if (slot.desired === undefined) slot.desired = null; // still to be cancelled
          this.#dirty.add(slot);
          this.#rateLimited(slot);
          return;
        }
        if (error instanceof VenueRefusedError) {
          // refused for another reason: what the venue has is not known; a lookup tells
          this.#countReject(error.code);
          this.#apply(slot, live.clientOrderId, { type: 'cancel_rejected', reason: error.code, orderGone: true });
          if (slot.desired === undefined) slot.desired = null;
          this.#dirty.add(slot);
          return;
        }
        this.#unknown(slot, live.clientOrderId, error);
      }
    });
  }

  #amend(slot: Slot, live: TrackedOrder, target: Target, now: number): void {
    slot.desired = undefined;
    this.#dirty.add(slot);
    const totalSize = knownFilled(live) + target.size;
    this.#apply(slot, live.clientOrderId, { type: 'amend_sent', price: target.price, size: totalSize, clientOrderId: target.clientOrderId });
    const orderId = live.orderId!;
    this.#options.risk?.orderSent(
      {
        ticker: slot.ticker,
        clientOrderId: target.clientOrderId,
        leg: slot.leg,
        action: target.action,
        price: target.price,
        size: target.size,
        reduceOnly: target.reduceOnly,
        replaces: live.clientOrderId,
      },
      now,
    );
    this.#track(slot, this.#current(live.clientOrderId)!, target.clientOrderId);
    this.#request(slot, async () => {
      try {
        const answer = await this.#options.venue.amend({
          orderId,
          ticker: slot.ticker,
          leg: slot.leg,
          action: target.action,
          price: target.price,
          filled: knownFilled(live),
          resting: target.size,
          clientOrderId: live.clientOrderId,
          newClientOrderId: target.clientOrderId,
        });
        this.#succeeded();
        const after = this.#apply(slot, live.clientOrderId, {
          type: 'amended',
          price: target.price,
          size: answer.filled + answer.remaining,
          filled: answer.filled,
        });
        slot.placedMs = now;
        slot.makerId = target.clientOrderId;
        slot.makerIdFor = after.clientOrderId;
        if (!isTerminal(after.status))
          this.#emit(slot, 'OrderAccepted', { clientOrderId: after.clientOrderId, orderId, price: after.price, remaining: remainingSize(after) });
      } catch (error) {
        this.#replaceFailed(slot, live, error, target);
      }
    });
  }

  #decrease(slot: Slot, live: TrackedOrder, target: Target, now: number): void {
    slot.desired = undefined;
    this.#dirty.add(slot);
    const totalSize = knownFilled(live) + target.size;
    this.#apply(slot, live.clientOrderId, { type: 'amend_sent', price: live.price, size: totalSize });
    const orderId = live.orderId!;
    this.#request(slot, async () => {
      try {
        const answer = await this.#options.venue.decrease({ orderId, ticker: slot.ticker, reduceTo: target.size });
        this.#succeeded();
        const current = this.#current(live.clientOrderId)!;
        const after = this.#apply(slot, live.clientOrderId, { type: 'amended', price: live.price, size: knownFilled(current) + answer.remaining });
        if (!isTerminal(after.status))
          this.#emit(slot, 'OrderAccepted', { clientOrderId: after.clientOrderId, orderId, price: after.price, remaining: remainingSize(after) });
        void now;
      } catch (error) {
        this.#replaceFailed(slot, live, error, target);
      }
    });
  }

  /** An amend or decrease that failed: a refused one leaves the order as it was, which the maker no longer wants. */
  #replaceFailed(slot: Slot, live: TrackedOrder, error: unknown, target: Target): void {
    // the id the amend would have given names nothing unless the venue took it (then a lookup finds it)
    const alias = this.#byClientId.get(target.clientOrderId);
    if (alias && alias.order.clientOrderId !== target.clientOrderId && !(error instanceof VenueOutcomeUnknownError))
      this.#byClientId.delete(target.clientOrderId);
    if (error instanceof VenueRateLimitedError) {
      this.#apply(slot, live.clientOrderId, { type: 'amend_rejected', reason: 'rate_limited' });
      if (slot.desired === undefined) slot.desired = target; // try again later
      this.#dirty.add(slot);
      this.#rateLimited(slot);
      return;
    }
    if (error instanceof VenueRefusedError) {
      const gone = error.status === 404;
      const after = this.#apply(slot, live.clientOrderId, { type: 'amend_rejected', reason: error.code, orderGone: gone });
      this.#countReject(error.code);
      this.#emit(slot, 'OrderRejected', { clientOrderId: target.clientOrderId, orderId: live.orderId, price: target.price, remaining: 0, reason: error.code });
      // what still rests is not what the maker wants: empty the slot
      if (!gone && !isTerminal(after.status) && slot.desired === undefined) {
        slot.desired = null;
        this.#dirty.add(slot);
        slot.cancelReason = 'replace_refused';
      }
      return;
    }
    this.#unknown(slot, live.clientOrderId, error);
  }

  #lookup(slot: Slot, live: TrackedOrder): void {
    this.#requests.lookup = (this.#requests.lookup ?? 0) + 1;
    this.#request(slot, async () => {
      let found: VenueOrder | undefined;
      try {
        found = await this.#options.venue.findOrder(slot.ticker, live.clientOrderId);
      } catch (error) {
        // try again after a pause: nothing else is sent for this slot meanwhile
        this.#options.log({
          level: 'warn',
          kind: 'order_lookup_failed',
          ticker: slot.ticker,
          message: `${live.clientOrderId}: ${(error as Error).message}; retrying`,
        });
        if (error instanceof VenueRateLimitedError) this.#rateLimited(slot);
        this.#holdUntilMs = Math.max(this.#holdUntilMs, this.#options.clock.now() + 500);
        return;
      }
      const wasCreate = live.awaiting === 'create';
      const after = found
        ? this.#apply(slot, live.clientOrderId, {
            type: 'found',
            status: found.status,
            orderId: found.orderId,
            remaining: found.remaining,
            filled: found.filled,
            price: found.leg === live.leg ? found.price : 100 - found.price,
            ...(found.clientOrderId ? { clientOrderId: found.clientOrderId } : {}),
          })
        : this.#apply(slot, live.clientOrderId, { type: 'not_found' });
      if (found) this.#replayEarlyFills(found.orderId);
      this.#options.log({
        level: 'info',
        kind: 'order_resolved',
        ticker: slot.ticker,
        message: `${live.clientOrderId}: ${found ? `found ${found.status}` : 'not found'} -> ${after.status}`,
      });
      if (!isTerminal(after.status)) {
        this.#emit(slot, 'OrderAccepted', { clientOrderId: after.clientOrderId, orderId: after.orderId, price: after.price, remaining: remainingSize(after) });
      } else if (after.status === 'rejected') {
        this.#emit(slot, 'OrderRejected', { clientOrderId: after.clientOrderId, orderId: after.orderId, price: after.price, remaining: 0, reason: 'lost' });
      } else if (after.status === 'canceled') {
        this.#emit(slot, 'OrderCanceled', {
          clientOrderId: after.clientOrderId,
          orderId: after.orderId,
          price: after.price,
          remaining: 0,
          reason: wasCreate ? 'not_resting' : slot.cancelReason || 'canceled',
        });
      }
    });
  }

  /** A create that failed: refused (gone at once), rate limited (the target stays), or of unknown outcome. */
  #failed(slot: Slot, clientOrderId: string, error: unknown, what: string): void {
    if (error instanceof VenueRateLimitedError) {
      const order = this.#current(clientOrderId)!;
      this.#apply(slot, clientOrderId, { type: 'rejected', reason: 'rate_limited' });
      // nothing happened: the same target is sent again once the hold is over
      if (slot.desired === undefined) {
        slot.desired = {
          clientOrderId: `${clientOrderId}`,
          action: order.action,
          price: order.price,
          size: order.size,
          timeInForce: order.timeInForce,
          postOnly: order.postOnly,
          reduceOnly: order.reduceOnly,
          reason: 'retry',
        };
        this.#dirty.add(slot);
      }
      this.#forget(clientOrderId);
      this.#rateLimited(slot);
      return;
    }
    if (error instanceof VenueRefusedError) {
      const after = this.#apply(slot, clientOrderId, { type: 'rejected', reason: error.code });
      this.#countReject(error.code);
      this.#options.log({
        level: 'info',
        kind: 'order_rejected',
        ticker: slot.ticker,
        message: `${what} ${slot.leg} ${after.action} ${after.size / 100} @ ${after.price}: ${error.code} (${error.message})`,
      });
      this.#emit(slot, 'OrderRejected', { clientOrderId, price: after.price, remaining: 0, reason: error.code });
      return;
    }
    this.#unknown(slot, clientOrderId, error);
  }

  #unknown(slot: Slot, clientOrderId: string, error: unknown): void {
    this.#counts.unknownOutcomes += 1;
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof VenueOutcomeUnknownError)) {
      this.#options.log({ level: 'error', kind: 'execution_error', ticker: slot.ticker, message: `${clientOrderId}: ${message}` });
    }
    this.#apply(slot, clientOrderId, { type: 'timed_out' });
    this.#options.log({
      level: 'warn',
      kind: 'order_unknown',
      ticker: slot.ticker,
      message: `${clientOrderId}: outcome unknown (${message}); looking it up before anything else is sent for ${slot.key}`,
    });
  }

  #rateLimited(slot: Slot): void {
    const now = this.#options.clock.now();
    this.portfolio.rateLimited(slot.ticker);
    if (now < this.#holdUntilMs) {
      // more answers of the same burst: counted, but the hold and the rate change once per burst
      this.#backoff.onRateLimited();
      return;
    }
    const wait = this.#backoff.onRateLimited();
    this.#rateScale = Math.max(0.1, this.#rateScale / 2);
    this.#options.budget.exhaust(now);
    this.#holdUntilMs = Math.max(this.#holdUntilMs, now + Math.max(wait, this.#options.budget.msUntil(writeCost('cancel'), now)));
    this.#options.log({
      level: 'warn',
      kind: 'rate_limited',
      ticker: slot.ticker,
      message: `429 from the venue; writes held for ${this.#holdUntilMs - now} ms, at ${Math.round(this.#rateScale * 100)} % of the budget's rate until writes go through again`,
    });
  }

  /** A write went through: the backoff starts again from its base, and the rate is regained step by step. */
  #succeeded(): void {
    this.#backoff.onSuccess();
    this.#rateScale = Math.min(1, this.#rateScale + 0.02);
  }

  #countReject(reason: string): void {
    this.#rejects[reason] = (this.#rejects[reason] ?? 0) + 1;
  }

  // ---- order records ------------------------------------------------------------------

  #track(slot: Slot, order: TrackedOrder, alsoAs?: string): void {
    const entry = { slot, order };
    this.#byClientId.set(order.clientOrderId, entry);
    if (alsoAs !== undefined) this.#byClientId.set(alsoAs, entry);
    if (order.orderId !== undefined) this.#byOrderId.set(order.orderId, entry);
  }

  #current(clientOrderId: string): TrackedOrder | undefined {
    return this.#byClientId.get(clientOrderId)?.order;
  }

  #forget(clientOrderId: string): void {
    const entry = this.#byClientId.get(clientOrderId);
    if (!entry) return;
    this.#byClientId.delete(clientOrderId);
    if (entry.slot.live?.clientOrderId === clientOrderId) entry.slot.live = undefined;
  }

  /** Applies a state event to an order; a refused one is logged and changes nothing. */
  #apply(slot: Slot, clientOrderId: string, event: StateEvent): TrackedOrder {
    const entry = this.#byClientId.get(clientOrderId);
    if (!entry) throw new Error(`no order ${clientOrderId}`);
    const result = applyOrderEvent(entry.order, event, this.#options.clock.now());
    if (!result.ok) {
      if (result.error.kind !== 'terminal')
        this.#options.log({ level: 'warn', kind: 'order_event_refused', ticker: slot.ticker, message: result.error.message });
      return entry.order;
    }
    const order = result.value.order;
    entry.order = order;
    this.#dirty.add(slot);
    if (order.orderId !== undefined) this.#byOrderId.set(order.orderId, entry);
    if (order.clientOrderId !== clientOrderId) {
      // an amend gave the order a new client order id: the old one names nothing any more
      this.#byClientId.set(order.clientOrderId, entry);
      if (this.#byClientId.get(clientOrderId) === entry) this.#byClientId.delete(clientOrderId);
    }

    if (result.value.overfill)
      this.#options.log({
        level: 'error',
        kind: 'overfill',
        ticker: slot.ticker,
        message: `${order.clientOrderId}: fills ${order.filled} exceed the order's size ${order.size}`,
      });
    if (isTerminal(order.status)) {
      this.#options.risk?.orderClosed(order.clientOrderId);
      if (order.clientOrderId !== clientOrderId) this.#options.risk?.orderClosed(clientOrderId);
      if (slot.live !== undefined && (slot.live.clientOrderId === clientOrderId || slot.live.clientOrderId === order.clientOrderId)) slot.live = undefined;
      this.#ended.push(order.clientOrderId);
      while (this.#ended.length > ENDED_ORDERS_LIMIT) {
        const old = this.#byClientId.get(this.#ended.shift()!);
        if (old && isTerminal(old.order.status)) {
          this.#byClientId.delete(old.order.clientOrderId);
          if (old.order.orderId !== undefined) this.#byOrderId.delete(old.order.orderId);
        }
      }
    } else if (slot.live !== undefined && (slot.live.clientOrderId === clientOrderId || slot.live.clientOrderId === order.clientOrderId)) {
      slot.live = order;
    }
    return order;
  }

  #emit(
    slot: Slot,
    kind: OrderEventKind,
    details: {
      clientOrderId: string;
      orderId?: string | undefined;
      price: number;
      remaining: number;
      reason?: string;
      fill?: { count: number; price: number; feeMicros: number; isTaker: boolean };
    },
  ): void {
    const clientOrderId = details.clientOrderId === slot.makerIdFor && slot.makerId !== undefined ? slot.makerId : details.clientOrderId;
    this.#options.emit(slot.ticker, {
      kind,
      ticker: slot.ticker,
      leg: slot.leg,
      role: slot.role,
      tsMs: this.#options.clock.now(),
      ...details,
      orderId: details.orderId,
      clientOrderId,
    });
  }

  // ---- what the venue reports ---------------------------------------------------------

  #onFill(fill: VenueFill): void {
    if (this.#seenTrades.has(fill.tradeId)) return;
    const entry = this.#byOrderId.get(fill.orderId) ?? (fill.clientOrderId !== undefined ? this.#byClientId.get(fill.clientOrderId) : undefined);
    if (!entry) {
      // the create's answer has not come yet: keep the fill until it names the order
      const waiting = this.#earlyFills.get(fill.orderId) ?? [];
      waiting.push(fill);
      this.#earlyFills.set(fill.orderId, waiting);
      if (this.#earlyFills.size > 10_000) {
        const [oldest] = this.#earlyFills.keys();
        this.#options.log({ level: 'error', kind: 'fill_unattributed', message: `fills of order ${oldest} never matched an order of ours` });
        this.#earlyFills.delete(oldest!);
      }
      return;
    }
    this.#seenTrades.add(fill.tradeId);
    this.#tradeOrder.push(fill.tradeId);
    if (this.#tradeOrder.length > SEEN_TRADES_LIMIT) this.#seenTrades.delete(this.#tradeOrder.shift()!);
    const { slot } = entry;
    const order = entry.order;
    const price = order.leg === 'yes' ? fill.yesPrice : 100 - fill.yesPrice;
    const feeMicros =
      fill.feeMicros ?? fillFeeMicros(fill.yesPrice, fill.count, fill.isTaker, this.#options.feeSchedule?.(fill.ticker) ?? DEFAULT_FEE_SCHEDULE);
    const booked: Fill = {
      tsMs: fill.tsMs,
      ticker: order.ticker,
      orderId: fill.orderId,
      clientOrderId: order.clientOrderId,
      side: order.leg,
      action: order.action,
      price,
      count: fill.count,
      feeMicros,
      isTaker: fill.isTaker,
    };
    try {
      this.portfolio.applyFill(booked);
    } catch (error) {
      this.#options.log({ level: 'error', kind: 'fill_not_booked', ticker: order.ticker, message: `${fill.tradeId}: ${(error as Error).message}` });
    }
    this.#counts.fills += 1;
    this.#options.journal(booked);
    try {
      this.#options.risk?.fill(booked, this.#options.clock.now());
    } catch (error) {
      this.#options.log({ level: 'error', kind: 'risk_fill_not_booked', ticker: order.ticker, message: (error as Error).message });
    }
    this.#judgePnl();
    const after = this.#apply(slot, order.clientOrderId, { type: 'filled', count: fill.count, orderId: fill.orderId });
    this.#emit(slot, 'OrderFilled', {
      clientOrderId: after.clientOrderId,
      orderId: fill.orderId,
      price: after.price,
      remaining: remainingSize(after),
      fill: { count: fill.count, price, feeMicros, isTaker: fill.isTaker },
    });
    const market = this.portfolio.market(order.ticker);
    this.#options.emit(order.ticker, { kind: 'PositionChanged', ticker: order.ticker, position: market.position, costE4: Math.ceil(market.costMicros / 100) });
    this.pump();
  }

  /**
   * An order group reached its limit: the exchange cancelled the market's orders and refuses
   * new ones. The market is paused, its position is checked against the venue's, and only then
   * is the group reset and the market resumed.
   */
  async #onGroupTriggered(groupId: string): Promise<void> {
    const ticker = this.#groupMarkets.get(groupId);
    if (ticker === undefined) return;
    this.#options.log({
      level: 'error',
      kind: 'order_group_triggered',
      ticker,
      message: `order group ${groupId} reached its limit of ${(this.#options.orderGroupContracts ?? 0) / 100} contracts in 15 s: the market is paused until its position is checked and the group reset`,
    });
    this.pause(ticker);
    try {
      const { positions } = await this.#options.venue.positions([ticker]);
      const venuePosition = positions.find((holding) => holding.ticker === ticker)?.position ?? 0;
      const ours = this.portfolio.market(ticker).position;
      if (venuePosition !== ours)
        this.#options.log({
          level: 'warn',
          kind: 'position_differs',
          ticker,
          message: `after the trigger: venue ${venuePosition / 100}, ours ${ours / 100}; fills may still be on their way`,
        });
      await this.#options.venue.resetOrderGroup?.(groupId);
      this.#options.risk?.activate(ticker);
      this.#options.log({
        level: 'warn',
        kind: 'order_group_reset',
        ticker,
        message: `position checked (${venuePosition / 100}); order group ${groupId} reset; the market quotes again`,
      });
    } catch (error) {
      this.#options.log({ level: 'error', kind: 'order_group_reset_failed', ticker, message: `${(error as Error).message}; the market stays paused` });
    }
  }

  /** The hard limits are judged on total net PnL after every fill and mark; a trip cancels everything. */
  #judgePnl(): void {
    const risk = this.#options.risk;
    if (!risk) return;
    const trip = risk.pnl(this.portfolio.total().netMicros, this.#options.clock.now());
    if (trip) this.#killed(trip.reason);
  }

  #killed(reason: string): void {
    const trip = this.#options.risk?.trippedBecause;
    this.#options.onKillSwitch?.(trip ? { reason: trip.reason, atMs: trip.atMs } : { reason, atMs: this.#options.clock.now() });
    this.#options.log({
      level: 'error',
      kind: 'kill_switch',
      message: `kill switch: ${reason}; every order is cancelled and nothing is sent until a person resumes`,
    });
    this.cancelAll('kill_switch');
  }

  /** A market's best bids, for marking its position (and judging drawdown on the marks). */
  mark(ticker: string, top: { readonly yesBid?: number; readonly noBid?: number }): void {
    this.portfolio.mark(ticker, top);
    this.#judgePnl();
  }

  // ---- manual control -----------------------------------------------------------------

  /** The kill switch, by hand: latches until resume(). */
  kill(who: string): void {
    const risk = this.#options.risk;
    if (risk) risk.trip(`manual kill by ${who}`, this.#options.clock.now());
    this.#killed(`manual kill by ${who}`);
  }

  /** Stops sending for one market or all (cancels what rests); state is kept. */
  pause(ticker: string | undefined): void {
    this.#options.risk?.pause(ticker);
    this.#cancelWhere((slot) => ticker === undefined || slot.ticker === ticker, 'paused');
  }

  /** Back to normal for one market or all; a tripped kill switch is resumed only without a ticker. Returns why not, when it cannot. */
  resume(ticker: string | undefined, who: string): string | undefined {
    const risk = this.#options.risk;
    if (!risk) return undefined;
    if (ticker === undefined && risk.trippedBecause !== null) {
      const result = risk.resume(who, this.#options.clock.now());
      if (!result.resumed) return result.reason;
      this.#options.onKillSwitch?.(null);
    }
    risk.activate(ticker);
    return undefined;
  }

  /**
   * Takes positions to zero: every order of the markets is cancelled and a reduce-only,
   * immediate-or-cancel sell of the held leg goes to its best bid; the markets stay reducing
   * (only reducing orders pass) until resumed.
   */
  flatten(ticker: string | undefined, top: (ticker: string) => { yesBid?: number; noBid?: number } | undefined): string[] {
    this.#options.risk?.flatten(ticker);
    this.#cancelWhere((slot) => (ticker === undefined || slot.ticker === ticker) && slot.role !== 'reduce', 'flatten');
    const sent: string[] = [];
    for (const market of this.portfolio.markets()) {
      if (market.position === 0 || (ticker !== undefined && market.ticker !== ticker)) continue;
      const leg: Side = market.position > 0 ? 'yes' : 'no';
      const bid = leg === 'yes' ? top(market.ticker)?.yesBid : top(market.ticker)?.noBid;
      if (bid === undefined) {
        this.#options.log({
          level: 'warn',
          kind: 'flatten_skipped',
          ticker: market.ticker,
          message: `no ${leg} bid to sell into; the position stays until one appears`,
        });
        continue;
      }
      const slot = this.#slot(market.ticker, leg, 'reduce');
      slot.instructedSeq = ++this.#seq;
      slot.desired = {
        clientOrderId: `flat-${market.ticker}-${this.#seq}-${this.#options.clock.now()}`,
        action: 'sell',
        price: bid,
        size: Math.abs(market.position),
        timeInForce: 'immediate_or_cancel',
        postOnly: false,
        reduceOnly: true,
        reason: 'flatten',
      };
      this.#dirty.add(slot);
      sent.push(market.ticker);
    }
    this.pump();
    return sent;
  }

  #cancelWhere(match: (slot: Slot) => boolean, reason: string): void {
    for (const slot of this.#slots.values()) {
      if (!match(slot)) continue;
      slot.instructedSeq = ++this.#seq;
      slot.desired = slot.live || slot.busy ? null : undefined;
      this.#dirty.add(slot);
      slot.cancelReason = reason;
    }
    this.pump();
  }

  #onSettled(ticker: string, result: 'yes' | 'no' | 'void'): void {
    const before = this.portfolio.market(ticker);
    try {
      this.portfolio.settle(ticker, result);
      this.#options.risk?.settled(ticker);
    } catch (error) {
      this.#options.log({ level: 'error', kind: 'settlement_not_booked', ticker, message: (error as Error).message });
      return;
    }
    const after = this.portfolio.market(ticker);
    this.#options.log({
      level: 'info',
      kind: 'settled',
      ticker,
      message: `settled ${result}: position ${before.position / 100} closed, realized ${(after.realizedMicros - before.realizedMicros) / 1e6} dollars`,
    });
    this.#options.emit(ticker, { kind: 'PositionChanged', ticker, position: after.position, costE4: Math.ceil(after.costMicros / 100) });
  }

  #replayEarlyFills(orderId: string): void {
    const waiting = this.#earlyFills.get(orderId);
    if (!waiting) return;
    this.#earlyFills.delete(orderId);
    for (const fill of waiting) this.#onFill(fill);
  }

  #onOrderEnded(ended: VenueOrderEnded): void {
    const entry = this.#byOrderId.get(ended.orderId) ?? (ended.clientOrderId !== undefined ? this.#byClientId.get(ended.clientOrderId) : undefined);
    if (!entry || isTerminal(entry.order.status)) return;
    const after = this.#apply(
      entry.slot,
      entry.order.clientOrderId,
      ended.status === 'expired' ? { type: 'expired', orderId: ended.orderId } : { type: 'canceled', reason: ended.reason, orderId: ended.orderId },
    );
    if (!isTerminal(after.status)) return;
    this.#countReject(ended.reason);
    this.#emit(entry.slot, ended.status === 'expired' ? 'OrderExpired' : 'OrderCanceled', {
      clientOrderId: after.clientOrderId,
      orderId: ended.orderId,
      price: after.price,
      remaining: 0,
      reason: ended.reason,
    });
    this.pump();
  }

  // ---- reading and stopping -----------------------------------------------------------

  /** Client order ids the core keeps a record under (live and recently ended orders). */
  trackedIds(): number {
    return this.#byClientId.size;
  }

  /** Orders not ended, by slot. */
  openOrders(): TrackedOrder[] {
    return [...this.#slots.values()].flatMap((slot) => (slot.live ? [slot.live] : []));
  }

  counters(): ExecutionCounters {
    const now = this.#options.clock.now();
    return {
      intents: this.#counts.intents,
      requests: { ...this.#requests },
      unchanged: this.#counts.unchanged,
      rejects: { ...this.#rejects },
      fills: this.#counts.fills,
      rateLimited: this.#backoff.rateLimitedCount,
      unknownOutcomes: this.#counts.unknownOutcomes,
      tokensSpent: this.#options.budget.spent,
      tokensLeft: this.#options.budget.available(now),
      openOrders: this.openOrders().length,
    };
  }

  /**
   * Before quoting (start, and after a restart): what this account has in the configured
   * markets. Resting orders are cancelled (`cancel`: each is listed and cancelled by id, never
   * with cancel-all, which may also take orders placed just after it) or adopted (`adopt`: each
   * becomes the live order of the entry slot its side buys, so the maker's first targets amend
   * it or leave it be). The positions seed the portfolio and the risk engine; the caller hands
   * them to the makers, so that each starts from the real inventory.
   */
  async reconcile(
    tickers: readonly string[],
    policy: 'cancel' | 'adopt',
  ): Promise<{ cancelled: number; adopted: number; positions: readonly VenueHolding[]; balanceCents: number | undefined }> {
    const resting = await this.#options.venue.listResting(tickers);
    let cancelled = 0;
    let adopted = 0;
    const now = this.#options.clock.now();
    for (const order of resting) {
      const slot = this.#slot(order.ticker, order.leg, 'entry');
      if (policy === 'adopt' && order.clientOrderId !== undefined && slot.live === undefined) {
        const created = newOrder(
          {
            ticker: order.ticker,
            clientOrderId: order.clientOrderId,
            leg: order.leg,
            action: order.action,
            price: order.price,
            size: order.remaining + order.filled,
            timeInForce: 'good_till_canceled',
            postOnly: true,
            reduceOnly: false,
          },
          now,
        );
        if (created.ok) {
          this.#track(slot, created.value);
          slot.live = this.#apply(slot, order.clientOrderId, { type: 'accepted', orderId: order.orderId, remaining: order.remaining, filled: order.filled });
          slot.placedMs = now;
          slot.makerIdFor = order.clientOrderId;
          slot.makerId = order.clientOrderId;
          this.#options.risk?.orderResting({
            ticker: order.ticker,
            clientOrderId: order.clientOrderId,
            leg: order.leg,
            action: order.action,
            price: order.price,
            size: order.remaining,
            reduceOnly: false,
          });
          adopted += 1;
          continue;
        }
      }
      if (await this.#cancelLeftOver(order)) cancelled += 1;
    }
    // one order group per market: the exchange stops a market whose fills run away, even if this process cannot
    const limit = this.#options.orderGroupContracts;
    const venue = this.#options.venue;
    if (limit !== undefined && limit > 0 && venue.createOrderGroup) {
      for (const ticker of tickers) {
        if (this.#groups.has(ticker)) continue;
        const cost = writeCost('create');
        while (!this.#options.budget.tryTake(cost, this.#options.clock.now()))
          await this.#sleep(Math.max(1, this.#options.budget.msUntil(cost, this.#options.clock.now())));
        const id = await venue.createOrderGroup(limit);
        this.#groups.set(ticker, id);
        this.#groupMarkets.set(id, ticker);
      }
    }
    const { positions, balanceCents } = await this.#options.venue.positions(tickers);
    for (const holding of positions) {
      try {
        if (this.portfolio.market(holding.ticker).position === 0) this.portfolio.seedPosition(holding.ticker, holding.position, holding.costMicros);
        this.#options.risk?.setPosition(holding.ticker, holding.position, holding.costMicros);
      } catch (error) {
        this.#options.log({ level: 'error', kind: 'reconcile_position_failed', ticker: holding.ticker, message: (error as Error).message });
      }
    }
    return { cancelled, adopted, positions, balanceCents };
  }

  /**
   * After the feed was down (a reconnect): what the private channel may have missed. Every
   * order the core believes live is checked against the venue's list: fills it missed are
   * fetched by order id and booked (once: trade ids are deduplicated), an order the venue no
   * longer lists ends, and an order resting that the core does not know is cancelled.
   */
  async resync(tickers: readonly string[]): Promise<{ missedFills: number; ended: number; strangers: number }> {
    await this.settled();
    const listed = new Map((await this.#options.venue.listResting(tickers)).map((order) => [order.orderId, order]));
    const fillsBefore = this.#counts.fills;
    let ended = 0;
    for (const slot of [...this.#slots.values()]) {
      const live = slot.live;
      if (!live || live.orderId === undefined || slot.busy || !isWorking(live.status)) continue;
      const venueOrder = listed.get(live.orderId);
      listed.delete(live.orderId);
      if (venueOrder && venueOrder.filled <= knownFilled(live)) continue;
      for (const fill of await this.#options.venue.fills(live.orderId))
        this.#onFill({ ...fill, clientOrderId: fill.clientOrderId ?? live.clientOrderId, ticker: fill.ticker || live.ticker });
      const current = this.#current(live.clientOrderId);
      if (!venueOrder && current && !isTerminal(current.status)) {
        const after = this.#apply(slot, current.clientOrderId, { type: 'canceled', reason: 'gone while disconnected', orderId: live.orderId });
        this.#emit(slot, 'OrderCanceled', {
          clientOrderId: after.clientOrderId,
          orderId: live.orderId,
          price: after.price,
          remaining: 0,
          reason: 'gone while disconnected',
        });
        ended += 1;
      }
    }
    // what rests and is not ours to know of: an order placed by a request whose answer was lost, or another run's
    const known = new Set([...this.#byOrderId.keys()]);
    let strangers = 0;
    for (const order of listed.values()) {
      if (known.has(order.orderId)) continue;
      strangers += 1;
      try {
        await this.#options.venue.cancel({ orderId: order.orderId, ticker: order.ticker });
        this.#requests.cancel = (this.#requests.cancel ?? 0) + 1;
      } catch (error) {
        this.#options.log({ level: 'warn', kind: 'resync_cancel_failed', ticker: order.ticker, message: `${order.orderId}: ${(error as Error).message}` });
      }
    }
    this.pump();
    return { missedFills: this.#counts.fills - fillsBefore, ended, strangers };
  }

  /** Resolves when no request is in flight. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Empties every slot (reason given), whatever the makers said last. */
  cancelAll(reason: string): void {
    this.#cancelWhere(() => true, reason);
  }

  /**
   * The orderly end: cancels everything, waits for the answers, then asks the venue what
   * still rests in these markets and cancels that too, until the venue confirms none is
   * left or `attempts` lists have run. Resolves with what was cancelled and what remains.
   */
  async stop(tickers: readonly string[], reason: string, attempts = 5): Promise<{ cancelled: number; remaining: number }> {
    this.#stopped = true;
    const before = this.#requests.cancel ?? 0;
    const open = this.openOrders().length;
    this.cancelAll(reason);
    // every cancel waits for its tokens: allow the time the budget needs for all of them, and more
    const budget = this.#options.budget;
    await this.#quiet(10_000 + Math.ceil((open * writeCost('cancel') * 1000 * 1.5) / budget.tokensPerSecond));
    let remaining = 0;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let resting: VenueOrder[];
      try {
        resting = await this.#options.venue.listResting(tickers);
      } catch (error) {
        this.#options.log({ level: 'warn', kind: 'shutdown_list_failed', message: `listing resting orders failed: ${(error as Error).message}` });
        remaining = -1;
        continue;
      }
      remaining = resting.length;
      if (resting.length === 0) break;
      for (const order of resting) {
        try {
          const cost = writeCost('cancel');
          while (!budget.tryTake(cost, this.#options.clock.now())) await this.#sleep(Math.max(1, budget.msUntil(cost, this.#options.clock.now())));
          await this.#options.venue.cancel({ orderId: order.orderId, ticker: order.ticker });
          this.#requests.cancel = (this.#requests.cancel ?? 0) + 1;
          const entry = this.#byOrderId.get(order.orderId);
          if (entry && !isTerminal(entry.order.status))
            this.#apply(entry.slot, entry.order.clientOrderId, { type: 'canceled', reason, orderId: order.orderId });
        } catch (error) {
          this.#options.log({ level: 'warn', kind: 'shutdown_cancel_failed', ticker: order.ticker, message: `${order.orderId}: ${(error as Error).message}` });
          if (error instanceof VenueRateLimitedError) await this.#sleep(250);
        }
      }
    }
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer.handle);
    this.#timer = undefined;
    return { cancelled: (this.#requests.cancel ?? 0) - before, remaining };
  }

  /** Waits until nothing is in flight and nothing is left to send (or the time is up). */
  async #quiet(limitMs: number): Promise<void> {
    const deadline = this.#options.clock.now() + limitMs;
    for (;;) {
      await this.settled();
      const pending = [...this.#slots.values()].some((slot) => slot.desired !== undefined || slot.busy || slot.live?.status === 'unknown');
      if (!pending || this.#options.clock.now() >= deadline) return;
      this.pump();
      if (this.#inFlight.size === 0) await this.#sleep(Math.max(1, Math.min(50, this.#holdUntilMs - this.#options.clock.now())));
    }
  }

  /**
   * Cancels an order left from before (reconciliation). A refusal that may pass (a 429, say
   * after a killed run spent the account's budget; a 5xx; a lost answer) is tried again, up
   * to RECONCILE_CANCEL_ATTEMPTS times with a doubling wait; an order the venue no longer
   * knows (404) is gone already. True when this call cancelled it.
   */
  async #cancelLeftOver(order: { orderId: string; ticker: string }): Promise<boolean> {
    const cost = writeCost('cancel');
    for (let attempt = 1; ; attempt += 1) {
      while (!this.#options.budget.tryTake(cost, this.#options.clock.now()))
        await this.#sleep(Math.max(1, this.#options.budget.msUntil(cost, this.#options.clock.now())));
      try {
        await this.#options.venue.cancel({ orderId: order.orderId, ticker: order.ticker });
        this.#requests.cancel = (this.#requests.cancel ?? 0) + 1;
        return true;
      } catch (error) {
        if (error instanceof VenueRefusedError && error.status === 404) return false;
        const message = `${order.orderId}: ${(error as Error).message}`;
        if (attempt >= RECONCILE_CANCEL_ATTEMPTS) {
          this.#options.log({
            level: 'error',
            kind: 'reconcile_cancel_failed',
            ticker: order.ticker,
            message: `${message}; still resting after ${attempt} attempts (the next resync cancels it)`,
          });
          return false;
        }
        this.#options.log({
          level: 'warn',
          kind: 'reconcile_cancel_retry',
          ticker: order.ticker,
          message: `${message}; trying again (attempt ${attempt + 1})`,
        });
        await this.#sleep(RECONCILE_RETRY_MS * 2 ** (attempt - 1));
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#options.clock.setTimer(this.#options.clock.now() + ms, resolve));
  }
}
