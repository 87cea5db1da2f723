/**
 * A queue-position fill model for orders resting in a book this code does not own: the real
 * market, known only through its public feed (snapshots, deltas, trades). One instance per
 * market. Pure: no I/O, no clock; every call takes the time it happens at (`nowMs`), and
 * what comes of it (arrivals, fills, answers) goes to the sink given at construction.
 *
 * Queue. An order joins behind the size resting at its price when it arrives (`ahead`). A
 * public trade at its price moves it forward by the traded size and fills it with what
 * is left once nothing is ahead; a trade through its price (the makers were at a worse
 * price) fills it at once. Size that leaves the level without a trade moves it forward per
 * the model:
 *   - risk_averse (the default): never; `ahead` only shrinks to the level's size when the
 *     level is smaller than what was ahead.
 *   - probabilistic (hftbacktest's power-law model): of a decrease of the level, the share
 *     ahead of the order is f(ahead) / (f(ahead) + f(behind)), f(x) = x^n; what the part
 *     behind cannot absorb comes from ahead too.
 * Size added to a level joins behind every order already there. Deltas that carry our own
 * client order id (`own`) change the level's size but never move our queue. Only trades
 * fill a resting order, in both models.
 *
 * Trades and their deltas. A trade also shows as a decrease of the makers' level, before or
 * after the trade message. A decrease is therefore held (not yet read as a cancellation)
 * until a trade at that level pairs with it, or until time passes `tradePairingMs` beyond it
 * (or another delta at that level comes), when it is resolved as a cancellation. A trade
 * seen first leaves a credit that the next decrease of its level uses up without moving
 * the queue again. So a trade moves the queue once, whatever the order of the two.
 *
 * What we take as a taker is gone from its level for our later orders (they neither take it
 * again nor count it ahead of them) until the recorded level has fallen by as much (those
 * makers left in the recording too) or a snapshot comes. Several of our orders at one level
 * share each trade in time priority.
 *
 * Latency: a new order or an amend arrives `entryLatencyMs` after it was sent (it cannot
 * rest, take or fill before); a cancel or a decrease takes effect `cancelLatencyMs` after it
 * was sent (until then the order can still fill). Requests take effect in time order (ties
 * in the order they were sent), before any feed event at or after that time.
 *
 * Units: prices in ticks on the order's own leg (a NO bid at 60 is a YES ask at 40), sizes
 * in hundredths of a contract, time in ms.
 */
import type { Level } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';

export type QueueModelKind = 'risk_averse' | 'probabilistic';

export interface QueueModelConfig {
  readonly kind: QueueModelKind;
  /** n of f(x) = x^n (probabilistic only), > 0 */
  readonly exponent: number;
  /** from sending a create or amend to its arrival, ms */
  readonly entryLatencyMs: number;
  /** from sending a cancel or decrease to its effect, ms */
  readonly cancelLatencyMs: number;
  /** how far apart in time a trade and its level's decrease may be and still be paired, ms */
  readonly tradePairingMs: number;
}

export const DEFAULT_QUEUE_MODEL: QueueModelConfig = Object.freeze({
  kind: 'risk_averse',
  exponent: 3,
  entryLatencyMs: 0,
  cancelLatencyMs: 0,
  tradePairingMs: 0,
});

/** What is wrong with a configuration, or undefined. */
export function queueModelProblem(config: QueueModelConfig): string | undefined {
  if (config.kind !== 'risk_averse' && config.kind !== 'probabilistic')
    return `queue model must be risk_averse or probabilistic, got ${JSON.stringify(config.kind)}`;
  if (!Number.isFinite(config.exponent) || config.exponent <= 0) return `queue model exponent must be a positive number, got ${config.exponent}`;
  for (const key of ['entryLatencyMs', 'cancelLatencyMs', 'tradePairingMs'] as const) {
    const value = config[key];
    if (!Number.isSafeInteger(value) || value < 0) return `${key} must be a whole number of ms, at least 0, got ${value}`;
  }
  return undefined;
}

/** A new order as sent: a bid on `side` at `price` ticks of that leg. */
export interface QueueOrderSpec {
  readonly id: string;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly postOnly: boolean;
  /** immediate or cancel: what does not fill on arrival is cancelled */
  readonly immediateOrCancel: boolean;
  /** capped at the position it reduces; refused when there is none */
  readonly reduceOnly: boolean;
}

export type QueueRejectReason = 'post_only_cross' | 'reduce_only' | 'not_found' | 'not_resting' | 'invalid_size';

/** What comes of the feed and the requests, in the order it happens. `request` names the request answered. */
export type QueueEvent =
  | {
      readonly kind: 'accepted';
      readonly request: number;
      readonly id: string;
      readonly tsMs: number;
      readonly size: number;
      readonly filled: number;
      readonly resting: number;
    }
  | { readonly kind: 'rejected'; readonly request: number; readonly id: string; readonly tsMs: number; readonly reason: QueueRejectReason }
  | {
      readonly kind: 'fill';
      readonly id: string;
      readonly tsMs: number;
      readonly side: Side;
      readonly price: number;
      readonly count: number;
      readonly isTaker: boolean;
      readonly remaining: number;
    }
  /** the order's rest left the book: a cancel took `removed` off (0: nothing rested any more), or an IOC / self-trade stop ended it */
  | {
      readonly kind: 'canceled';
      readonly request: number | undefined;
      readonly id: string;
      readonly tsMs: number;
      readonly removed: number;
      readonly reason: 'requested' | 'immediate_or_cancel' | 'self_trade';
    }
  | { readonly kind: 'decreased'; readonly request: number; readonly id: string; readonly tsMs: number; readonly remaining: number }
  | {
      readonly kind: 'amended';
      readonly request: number;
      readonly id: string;
      readonly tsMs: number;
      readonly price: number;
      readonly remaining: number;
      readonly filled: number;
      readonly priorityKept: boolean;
    };

export type QueueSink = (event: QueueEvent) => void;

/** One of our orders as the model sees it. */
export interface QueueOrderView {
  readonly id: string;
  readonly side: Side;
  readonly price: number;
  readonly size: number;
  readonly filled: number;
  readonly remaining: number;
  /** public size ahead in the queue (0 before arrival) */
  readonly ahead: number;
  readonly status: 'pending' | 'resting' | 'done';
}

interface Order {
  readonly id: string;
  readonly side: Side;
  price: number;
  size: number;
  filled: number;
  remaining: number;
  ahead: number;
  status: 'pending' | 'resting' | 'done';
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** the model event count when it joined its level (time priority, and which decreases it saw) */
  joinSeq: number;
}

interface Held {
  qty: number;
  readonly tsMs: number;
  readonly seq: number;
}

type Action =
  | { readonly type: 'arrive'; readonly request: number; readonly spec: QueueOrderSpec }
  | { readonly type: 'cancel'; readonly request: number; readonly id: string }
  | { readonly type: 'decrease'; readonly request: number; readonly id: string; readonly reduceTo: number }
  | { readonly type: 'amend'; readonly request: number; readonly id: string; readonly price: number; readonly total: number };

interface Scheduled {
  readonly dueMs: number;
  readonly request: number;
  readonly action: Action;
}

const SIDES: readonly Side[] = ['yes', 'no'];

function other(side: Side): Side {
  return side === 'yes' ? 'no' : 'yes';
}

function checkPrice(price: number, what: string): void {
  if (!Number.isInteger(price) || price < 1 || price > 99) throw new RangeError(`${what}: price must be an integer number of ticks in 1..99, got ${price}`);
}

function checkSize(size: number, what: string, min = 1): void {
  if (!Number.isSafeInteger(size) || size < min) throw new RangeError(`${what}: size must be a whole number of hundredths, at least ${min}, got ${size}`);
}

function checkTime(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new RangeError(`time must be a finite number of ms, got ${nowMs}`);
}

export class QueueModel {
  readonly config: QueueModelConfig;
  readonly #sink: QueueSink;
  /** public size per side and price (a held decrease still counted) */
  readonly #size: Record<Side, number[]> = { yes: new Array<number>(100).fill(0), no: new Array<number>(100).fill(0) };
  /** public size we took as a taker and the recording does not know is gone */
  readonly #taken: Record<Side, number[]> = { yes: new Array<number>(100).fill(0), no: new Array<number>(100).fill(0) };
  readonly #held: Record<Side, Map<number, Held>> = { yes: new Map(), no: new Map() };
  readonly #credit: Record<Side, Map<number, Held>> = { yes: new Map(), no: new Map() };
  /** no held decrease or credit is older than this (a lower bound; Infinity: there are none): #expire has nothing to do before it */
  #pairingFloorMs = Infinity;
  readonly #orders = new Map<string, Order>();
  #schedule: Scheduled[] = [];
  #nextRequest = 1;
  #seq = 0;
  #nowMs = -Infinity;
  #position = 0;

  constructor(config: Partial<QueueModelConfig> = {}, sink: QueueSink = () => undefined) {
    const full = { ...DEFAULT_QUEUE_MODEL, ...config };
    const problem = queueModelProblem(full);
    if (problem !== undefined) throw new RangeError(problem);
    this.config = full;
    this.#sink = sink;
  }

  // ---- reading ------------------------------------------------------------------------

  /** Our signed position from this model's fills, hundredths (+ YES / − NO). */
  get position(): number {
    return this.#position;
  }

  /** The size at a level as our orders find it: what the feed shows, less what we took there. */
  visibleSize(side: Side, price: number): number {
    return Math.max(0, this.#size[side][price]! - (this.#held[side].get(price)?.qty ?? 0) - this.#taken[side][price]!);
  }

  /** The best visible bid of a side, 0 when it has none. */
  bestBid(side: Side): number {
    for (let price = 99; price >= 1; price--) if (this.visibleSize(side, price) > 0) return price;
    return 0;
  }

  order(id: string): QueueOrderView | undefined {
    const order = this.#orders.get(id);
    return order && view(order);
  }

  /** Our orders not done, in time priority. */
  orders(): QueueOrderView[] {
    return [...this.#orders.values()]
      .filter((order) => order.status !== 'done')
      .sort((a, b) => a.joinSeq - b.joinSeq)
      .map(view);
  }

  /** The time of the next request due, or undefined. */
  nextDueMs(): number | undefined {
    return this.#schedule[0]?.dueMs;
  }

  // ---- the feed -----------------------------------------------------------------------

  /** A full book: levels as [price, size] per side. Pending decreases and credits are dropped. */
  snapshot(yes: readonly Level[], no: readonly Level[], nowMs: number): void {
    this.advance(nowMs);
    this.#seq++;
    for (const side of SIDES) {
      this.#size[side].fill(0);
      this.#taken[side].fill(0);
      this.#held[side].clear();
      this.#credit[side].clear();
      for (const [price, size] of side === 'yes' ? yes : no) {
        checkPrice(price, 'snapshot');
        checkSize(size, 'snapshot', 0);
        this.#size[side][price] = size;
      }
    }
    for (const order of this.#orders.values()) {
      if (order.status === 'resting') order.ahead = Math.min(order.ahead, this.#size[order.side][order.price]!);
    }
  }

  /** A signed change of a level; `own`: caused by one of our own real orders (it carries our client order id). */
  delta(side: Side, price: number, delta: number, own: boolean, nowMs: number): void {
    checkPrice(price, 'delta');
    if (!Number.isSafeInteger(delta)) throw new RangeError(`delta: change must be a whole number of hundredths, got ${delta}`);
    this.advance(nowMs);
    this.#seq++;
    this.#resolveHeld(side, price);
    if (delta >= 0) {
      this.#size[side][price]! += delta; // joins behind every order already there
      return;
    }
    let decrease = Math.min(-delta, this.#size[side][price]!);
    this.#taken[side][price] = Math.max(0, this.#taken[side][price]! - decrease);
    const credit = this.#credit[side].get(price);
    if (credit) {
      // the trade already moved the queue: its decrease only shrinks the level
      const used = Math.min(credit.qty, decrease);
      credit.qty -= used;
      if (credit.qty === 0) this.#credit[side].delete(price);
      this.#shrink(side, price, used);
      decrease -= used;
    }
    if (decrease === 0) return;
    if (own) {
      this.#shrink(side, price, decrease);
      return;
    }
    this.#held[side].set(price, { qty: decrease, tsMs: this.#nowMs, seq: this.#seq });
    if (this.#nowMs < this.#pairingFloorMs) this.#pairingFloorMs = this.#nowMs;
  }

  /**
   * A public trade: `makerSide` is the leg the resting orders bought (the leg the taker did
   * not buy) and `makerPrice` their price on that leg.
   */
  trade(makerSide: Side, makerPrice: number, count: number, nowMs: number): void {
    checkPrice(makerPrice, 'trade');
    checkSize(count, 'trade');
    this.advance(nowMs);
    this.#seq++;
    const held = this.#held[makerSide].get(makerPrice);
    let paired = 0;
    let pairedSeq = this.#seq;
    if (held) {
      paired = Math.min(held.qty, count);
      pairedSeq = held.seq;
      held.qty -= paired;
      if (held.qty === 0) this.#held[makerSide].delete(makerPrice);
    }
    if (count > paired) {
      const credit = this.#credit[makerSide].get(makerPrice);
      if (credit) credit.qty += count - paired;
      else {
        this.#credit[makerSide].set(makerPrice, { qty: count - paired, tsMs: this.#nowMs, seq: this.#seq });
        if (this.#nowMs < this.#pairingFloorMs) this.#pairingFloorMs = this.#nowMs;
      }
    }
    // our orders at better prices were traded through: they fill first, best price first
    let left = count;
    const through = [...this.#orders.values()]
      .filter((order) => order.status === 'resting' && order.side === makerSide && order.price > makerPrice)
      .sort((a, b) => b.price - a.price || a.joinSeq - b.joinSeq);
    for (const order of through) {
      if (left === 0) break;
      const fill = Math.min(order.remaining, left);
      left -= fill;
      this.#fill(order, fill, false);
    }
    // at the price: the trade consumes the queue in order; orders that joined after a paired
    // decrease never counted that size ahead of them
    const atLevel = [...this.#orders.values()]
      .filter((order) => order.status === 'resting' && order.side === makerSide && order.price === makerPrice)
      .sort((a, b) => a.joinSeq - b.joinSeq);
    let ours = 0;
    for (const order of atLevel) {
      const consumed = order.joinSeq < pairedSeq ? left : Math.max(0, left - paired);
      const eligible = Math.max(0, consumed - ours);
      const fill = Math.min(order.remaining, Math.max(0, eligible - order.ahead));
      order.ahead = Math.max(0, order.ahead - eligible);
      if (fill > 0) {
        ours += fill;
        this.#fill(order, fill, false);
      }
    }
    this.#shrink(makerSide, makerPrice, paired);
  }

  /** Moves time on: requests fall due and held decreases are resolved, in time order. */
  advance(nowMs: number): void {
    checkTime(nowMs);
    for (let next = this.#schedule[0]; next !== undefined && next.dueMs <= nowMs; next = this.#schedule[0]) {
      this.#schedule.shift();
      this.#expire(next.dueMs);
      if (next.dueMs > this.#nowMs) this.#nowMs = next.dueMs;
      this.#seq++;
      this.#run(next.action);
    }
    this.#expire(nowMs);
    if (nowMs > this.#nowMs) this.#nowMs = nowMs;
  }

  // ---- requests -----------------------------------------------------------------------

  /** Sends a new order; answered (accepted or rejected) when it arrives. Returns the request number. */
  submit(spec: QueueOrderSpec, nowMs: number): number {
    checkPrice(spec.price, 'order');
    checkSize(spec.size, 'order');
    if (this.#orders.has(spec.id)) throw new RangeError(`order ${spec.id} exists already`);
    this.#orders.set(spec.id, {
      id: spec.id,
      side: spec.side,
      price: spec.price,
      size: spec.size,
      filled: 0,
      remaining: spec.size,
      ahead: 0,
      status: 'pending',
      postOnly: spec.postOnly,
      reduceOnly: spec.reduceOnly,
      joinSeq: Infinity,
    });
    return this.#send(nowMs, this.config.entryLatencyMs, (request) => ({ type: 'arrive', request, spec }));
  }

  cancel(id: string, nowMs: number): number {
    return this.#send(nowMs, this.config.cancelLatencyMs, (request) => ({ type: 'cancel', request, id }));
  }

  /** Takes the resting size down to `reduceTo` (0 cancels), keeping the queue place. */
  decrease(id: string, reduceTo: number, nowMs: number): number {
    checkSize(reduceTo, 'decrease', 0);
    return this.#send(nowMs, this.config.cancelLatencyMs, (request) => ({ type: 'decrease', request, id, reduceTo }));
  }

  /** A new price and/or total size (filled + resting). Same price and no more resting keeps the queue place. */
  amend(id: string, price: number, total: number, nowMs: number): number {
    checkPrice(price, 'amend');
    checkSize(total, 'amend');
    return this.#send(nowMs, this.config.entryLatencyMs, (request) => ({ type: 'amend', request, id, price, total }));
  }

  #send(nowMs: number, latencyMs: number, make: (request: number) => Action): number {
    checkTime(nowMs);
    const request = this.#nextRequest++;
    const dueMs = Math.max(nowMs, this.#nowMs) + latencyMs;
    const scheduled: Scheduled = { dueMs, request, action: make(request) };
    // stable insertion: by due time, then by sending order
    let index = this.#schedule.length;
    while (index > 0 && this.#schedule[index - 1]!.dueMs > dueMs) index--;
    this.#schedule.splice(index, 0, scheduled);
    this.advance(Math.max(nowMs, this.#nowMs));
    return request;
  }

  #run(action: Action): void {
    switch (action.type) {
      case 'arrive':
        return this.#arrive(action.request, action.spec);
      case 'cancel':
        return this.#cancelNow(action.request, action.id);
      case 'decrease':
        return this.#decreaseNow(action.request, action.id, action.reduceTo);
      case 'amend':
        return this.#amendNow(action.request, action.id, action.price, action.total);
    }
  }

  #arrive(request: number, spec: QueueOrderSpec): void {
    const order = this.#orders.get(spec.id)!;
    const now = this.#nowMs;
    if (spec.reduceOnly) {
      const reducible = Math.max(order.side === 'yes' ? -this.#position : this.#position, 0);
      if (reducible === 0) return this.#refuse(request, order, 'reduce_only');
      order.size = Math.min(order.size, reducible);
      order.remaining = order.size;
    }
    if (spec.postOnly && this.#crosses(order.side, order.price)) return this.#refuse(request, order, 'post_only_cross');
    const stopped = this.#take(order);
    if (order.remaining > 0 && (stopped || spec.immediateOrCancel)) {
      const removed = order.remaining;
      order.remaining = 0;
      order.status = 'done';
      this.#sink({ kind: 'accepted', request, id: order.id, tsMs: now, size: order.size, filled: order.filled, resting: 0 });
      this.#sink({ kind: 'canceled', request: undefined, id: order.id, tsMs: now, removed, reason: stopped ? 'self_trade' : 'immediate_or_cancel' });
      this.#orders.delete(order.id);
      return;
    }
    if (order.remaining > 0) this.#join(order);
    else this.#finish(order);
    this.#sink({ kind: 'accepted', request, id: order.id, tsMs: now, size: order.size, filled: order.filled, resting: order.remaining });
  }

  #refuse(request: number, order: Order, reason: QueueRejectReason): void {
    order.status = 'done';
    this.#orders.delete(order.id);
    this.#sink({ kind: 'rejected', request, id: order.id, tsMs: this.#nowMs, reason });
  }

  #cancelNow(request: number, id: string): void {
    const order = this.#orders.get(id);
    // an order still on its way is not at the venue yet: the cancel finds nothing (as Kalshi's would)
    if (!order || order.status === 'pending') return this.#sink({ kind: 'rejected', request, id, tsMs: this.#nowMs, reason: 'not_found' });
    const removed = order.remaining;
    order.remaining = 0;
    this.#finish(order);
    this.#sink({ kind: 'canceled', request, id, tsMs: this.#nowMs, removed, reason: 'requested' });
  }

  #decreaseNow(request: number, id: string, reduceTo: number): void {
    const order = this.#orders.get(id);
    if (!order) return this.#sink({ kind: 'rejected', request, id, tsMs: this.#nowMs, reason: 'not_found' });
    if (order.status !== 'resting') return this.#sink({ kind: 'rejected', request, id, tsMs: this.#nowMs, reason: 'not_resting' });
    if (reduceTo > order.remaining) return this.#sink({ kind: 'rejected', request, id, tsMs: this.#nowMs, reason: 'invalid_size' });
    order.remaining = reduceTo;
    order.size = order.filled + reduceTo;
    if (reduceTo === 0) this.#finish(order);
    this.#sink({ kind: 'decreased', request, id, tsMs: this.#nowMs, remaining: reduceTo });
  }

  #amendNow(request: number, id: string, price: number, total: number): void {
    const order = this.#orders.get(id);
    const now = this.#nowMs;
    if (!order) return this.#sink({ kind: 'rejected', request, id, tsMs: now, reason: 'not_found' });
    if (order.status !== 'resting') return this.#sink({ kind: 'rejected', request, id, tsMs: now, reason: 'not_resting' });
    const remaining = total - order.filled;
    if (remaining <= 0) return this.#sink({ kind: 'rejected', request, id, tsMs: now, reason: 'invalid_size' });
    if (price === order.price && remaining <= order.remaining) {
      order.remaining = remaining;
      order.size = total;
      this.#sink({ kind: 'amended', request, id, tsMs: now, price, remaining, filled: order.filled, priorityKept: true });
      return;
    }
    if (order.postOnly && price !== order.price && this.#crosses(order.side, price)) {
      return this.#sink({ kind: 'rejected', request, id, tsMs: now, reason: 'post_only_cross' });
    }
    order.price = price;
    order.size = total;
    order.remaining = remaining;
    order.status = 'pending';
    const stopped = this.#take(order);
    if (stopped && order.remaining > 0) {
      const removed = order.remaining;
      order.remaining = 0;
      this.#finish(order);
      this.#sink({ kind: 'amended', request, id, tsMs: now, price, remaining: 0, filled: order.filled, priorityKept: false });
      this.#sink({ kind: 'canceled', request: undefined, id, tsMs: now, removed, reason: 'self_trade' });
      return;
    }
    if (order.remaining > 0) this.#join(order);
    else this.#finish(order);
    this.#sink({ kind: 'amended', request, id, tsMs: now, price, remaining: order.remaining, filled: order.filled, priorityKept: false });
  }

  // ---- queue mechanics ----------------------------------------------------------------

  /** Whether a bid on `side` at `price` would trade against the visible other side or one of our own orders there. */
  #crosses(side: Side, price: number): boolean {
    const best = this.bestBid(other(side));
    if (best > 0 && 100 - best <= price) return true;
    for (const order of this.#orders.values()) if (order.status === 'resting' && order.side !== side && 100 - order.price <= price) return true;
    return false;
  }

  /**
   * Takes the visible size of the other side at the best prices, as a taker. Stops (true)
   * at a level holding one of our own resting orders (self-trade prevention, taker at cross),
   * after the public size ahead of it.
   */
  #take(order: Order): boolean {
    const opposite = other(order.side);
    for (let makerPrice = 99; makerPrice >= 100 - order.price && order.remaining > 0; makerPrice--) {
      const visible = this.visibleSize(opposite, makerPrice);
      const own = [...this.#orders.values()].filter((o) => o.status === 'resting' && o.side === opposite && o.price === makerPrice);
      const available = own.length > 0 ? Math.min(visible, ...own.map((o) => o.ahead)) : visible;
      const count = Math.min(order.remaining, available);
      if (count > 0) {
        this.#taken[opposite][makerPrice]! += count;
        this.#fill(order, count, true, 100 - makerPrice);
      }
      if (own.length > 0 && order.remaining > 0) return true;
    }
    return false;
  }

  #join(order: Order): void {
    order.status = 'resting';
    order.ahead = this.visibleSize(order.side, order.price);
    order.joinSeq = ++this.#seq;
  }

  #fill(order: Order, count: number, isTaker: boolean, price = order.price): void {
    order.filled += count;
    order.remaining -= count;
    this.#position += order.side === 'yes' ? count : -count;
    this.#sink({ kind: 'fill', id: order.id, tsMs: this.#nowMs, side: order.side, price, count, isTaker, remaining: order.remaining });
    if (order.remaining === 0 && order.status === 'resting') this.#finish(order);
  }

  #finish(order: Order): void {
    order.status = 'done';
    this.#orders.delete(order.id);
  }

  /** The level loses `qty` that needs no queue move (a paired trade, an own order): only the size bound applies. */
  #shrink(side: Side, price: number, qty: number): void {
    if (qty === 0) return;
    const size = (this.#size[side][price] = Math.max(0, this.#size[side][price]! - qty));
    for (const order of this.#orders.values()) {
      if (order.status === 'resting' && order.side === side && order.price === price) order.ahead = Math.min(order.ahead, size);
    }
  }

  /** Resolves a level's held decrease as size that left without trading. */
  #resolveHeld(side: Side, price: number): void {
    const held = this.#held[side].get(price);
    if (!held) return;
    this.#held[side].delete(price);
    const before = this.#size[side][price]!;
    const after = Math.max(0, before - held.qty);
    this.#size[side][price] = after;
    for (const order of this.#orders.values()) {
      if (order.status !== 'resting' || order.side !== side || order.price !== price) continue;
      if (order.joinSeq > held.seq) {
        order.ahead = Math.min(order.ahead, after); // joined after the decrease: it never counted it
        continue;
      }
      order.ahead = this.config.kind === 'risk_averse' ? Math.min(order.ahead, after) : this.#probableAhead(order.ahead, before, held.qty, after);
    }
  }

  /** hftbacktest's power-law estimate of what is still ahead after a decrease of `change`. */
  #probableAhead(ahead: number, before: number, change: number, after: number): number {
    const behind = Math.max(0, before - ahead);
    const fAhead = ahead ** this.config.exponent;
    const fBehind = behind ** this.config.exponent;
    const shareAhead = fAhead + fBehind > 0 ? fAhead / (fAhead + fBehind) : 0;
    const estimate = ahead - shareAhead * change + Math.min(behind - (1 - shareAhead) * change, 0);
    return Math.max(0, Math.min(after, Math.round(estimate)));
  }

  /** Held decreases and credits older than the pairing window (relative to `nowMs`) end. */
  #expire(nowMs: number): void {
    const limit = nowMs - this.config.tradePairingMs;
    if (this.#pairingFloorMs >= limit) return; // nothing that old
    let floor = Infinity;
    // straight over the maps: resolving or ending an entry deletes only that entry (which a
    // Map's iteration allows), nothing is added meanwhile
    for (const side of SIDES) {
      const held = this.#held[side];
      if (held.size > 0)
        for (const [price, entry] of held) {
          if (entry.tsMs < limit) this.#resolveHeld(side, price);
          else if (entry.tsMs < floor) floor = entry.tsMs;
        }
      const credits = this.#credit[side];
      if (credits.size > 0)
        for (const [price, credit] of credits) {
          if (credit.tsMs < limit) credits.delete(price);
          else if (credit.tsMs < floor) floor = credit.tsMs;
        }
    }
    this.#pairingFloorMs = floor;
  }
}

function view(order: Order): QueueOrderView {
  return {
    id: order.id,
    side: order.side,
    price: order.price,
    size: order.size,
    filled: order.filled,
    remaining: order.remaining,
    ahead: order.ahead,
    status: order.status,
  };
}
