/**
 * The accounts' orders and fills as the venue keeps them: every order with its life cycle
 * (resting -> executed | canceled), the client order ids in use, and the fills. Finished
 * orders (and the client order ids they hold) and fills are dropped once they are older
 * than their retention window, as Kalshi moves closed orders to its historical endpoints,
 * so memory stays flat however long the simulator runs.
 */
import type { Side } from '../../protocol/wire.js';
import type { OrderSnapshot, OrderState, OrderUpdateReason } from '../exchange/market-events.js';

export interface VenueOrder {
  readonly orderId: string;
  /** creation order, for cursors */
  readonly seq: number;
  readonly keyId: string;
  clientOrderId: string | undefined;
  readonly ticker: string;
  readonly eventTicker: string;
  readonly bookSide: 'bid' | 'ask';
  /** the leg bought: yes for a bid, no for an ask */
  readonly side: Side;
  /** YES-leg price, ticks */
  yesPrice: number;
  status: OrderState;
  initialCount: number;
  fillCount: number;
  remainingCount: number;
  takerFillCostE4: number;
  makerFillCostE4: number;
  takerFeesMicros: number;
  makerFeesMicros: number;
  /** fees taken from the balance so far: the order's fees rounded up to e4, over all its fills */
  feesChargedE4: number;
  readonly timeInForce: 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
  readonly selfTradePrevention: 'taker_at_cross' | 'maker';
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly cancelOrderOnPause: boolean;
  readonly orderGroupId: string | undefined;
  readonly createdMs: number;
  lastUpdateMs: number;
  lastUpdateReason: OrderUpdateReason | undefined;
  /** contracts (hundredths) of the rest that would open a position rather than close one */
  openingLeft: number;
  /** balance set aside for what still rests, e4 */
  holdE4: number;
  finishedMs: number | undefined;
}

export interface FillRecord {
  readonly fillId: string;
  readonly seq: number;
  readonly keyId: string;
  readonly orderId: string;
  readonly ticker: string;
  readonly side: Side;
  readonly bookSide: 'bid' | 'ask';
  readonly isTaker: boolean;
  readonly yesPrice: number;
  readonly count: number;
  readonly feeMicros: number;
  readonly postPosition: number;
  readonly tsMs: number;
}

/** The leg price an order pays, ticks. */
export function legPrice(order: Pick<VenueOrder, 'side' | 'yesPrice'>): number {
  return order.side === 'yes' ? order.yesPrice : 100 - order.yesPrice;
}

export function snapshotOf(order: VenueOrder): OrderSnapshot {
  return {
    orderId: order.orderId,
    keyId: order.keyId,
    ...(order.clientOrderId !== undefined ? { clientOrderId: order.clientOrderId } : {}),
    ticker: order.ticker,
    eventTicker: order.eventTicker,
    bookSide: order.bookSide,
    yesPrice: order.yesPrice,
    status: order.status,
    initialCount: order.initialCount,
    fillCount: order.fillCount,
    remainingCount: order.remainingCount,
    takerFillCostE4: order.takerFillCostE4,
    makerFillCostE4: order.makerFillCostE4,
    takerFeesMicros: order.takerFeesMicros,
    makerFeesMicros: order.makerFeesMicros,
    timeInForce: order.timeInForce,
    selfTradePrevention: order.selfTradePrevention,
    postOnly: order.postOnly,
    reduceOnly: order.reduceOnly,
    cancelOrderOnPause: order.cancelOrderOnPause,
    ...(order.orderGroupId !== undefined ? { orderGroupId: order.orderGroupId } : {}),
    createdMs: order.createdMs,
    lastUpdateMs: order.lastUpdateMs,
    ...(order.lastUpdateReason !== undefined ? { lastUpdateReason: order.lastUpdateReason } : {}),
  };
}

export interface RetentionOptions {
  /** how long a canceled or executed order (and its client order id) stays queryable */
  readonly orderRetentionMs: number;
  /** how long a fill stays in GET /portfolio/fills */
  readonly fillRetentionMs: number;
  /** the most fills one account keeps (the oldest go first), so memory is bounded whatever the fill rate */
  readonly maxFillsPerAccount: number;
}

/** A queue that drops from the front without shifting on every drop. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  get length(): number {
    return this.items.length - this.head;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let index = this.head; index < this.items.length; index += 1) yield this.items[index]!;
  }

  /** From the newest back. */
  *reversed(): IterableIterator<T> {
    for (let index = this.items.length - 1; index >= this.head; index -= 1) yield this.items[index]!;
  }
}

export class OrderStore {
  private readonly orders = new Map<string, VenueOrder>();
  private readonly clientIds = new Map<string, string>();
  private readonly finished = new Queue<VenueOrder>();
  private readonly fills = new Map<string, Queue<FillRecord>>();
  private nextSeq = 1;
  private nextFillSeq = 1;

  constructor(private readonly retention: RetentionOptions) {}

  /** Orders held (resting and finished not yet dropped). */
  get size(): number {
    return this.orders.size;
  }

  get clientOrderIdsHeld(): number {
    return this.clientIds.size;
  }

  get fillsHeld(): number {
    let total = 0;
    for (const queue of this.fills.values()) total += queue.length;
    return total;
  }

  takeSeq(): number {
    return this.nextSeq++;
  }

  add(order: VenueOrder): void {
    this.orders.set(order.orderId, order);
    if (order.clientOrderId !== undefined) this.clientIds.set(clientKey(order.keyId, order.clientOrderId), order.orderId);
    if (order.status !== 'resting') this.finish(order, order.lastUpdateMs);
  }

  get(orderId: string): VenueOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The order of this account with this client order id, while it is held. */
  byClientOrderId(keyId: string, clientOrderId: string): VenueOrder | undefined {
    const orderId = this.clientIds.get(clientKey(keyId, clientOrderId));
    return orderId !== undefined ? this.orders.get(orderId) : undefined;
  }

  /** Gives an order a new client order id (an amend's updated_client_order_id). */
  renameClientOrderId(order: VenueOrder, clientOrderId: string): void {
    if (order.clientOrderId !== undefined) this.clientIds.delete(clientKey(order.keyId, order.clientOrderId));
    order.clientOrderId = clientOrderId;
    this.clientIds.set(clientKey(order.keyId, clientOrderId), order.orderId);
  }

  /** Marks an order finished (executed or canceled) at nowMs; its retention starts. */
  finish(order: VenueOrder, nowMs: number): void {
    if (order.finishedMs !== undefined) return;
    order.finishedMs = nowMs;
    this.finished.push(order);
  }

  /** The account's orders, newest first. */
  *newestFirst(keyId: string): IterableIterator<VenueOrder> {
    const all = [...this.orders.values()];
    for (let index = all.length - 1; index >= 0; index -= 1) if (all[index]!.keyId === keyId) yield all[index]!;
  }

  /** Resting orders of every account, oldest first. */
  resting(): VenueOrder[] {
    return [...this.orders.values()].filter((order) => order.status === 'resting');
  }

  addFill(fill: Omit<FillRecord, 'seq'>): FillRecord {
    const record = { ...fill, seq: this.nextFillSeq++ };
    let queue = this.fills.get(fill.keyId);
    if (!queue) {
      queue = new Queue();
      this.fills.set(fill.keyId, queue);
    }
    queue.push(record);
    while (queue.length > this.retention.maxFillsPerAccount) queue.shift();
    return record;
  }

  /** The account's fills, newest first. */
  fillsNewestFirst(keyId: string): IterableIterator<FillRecord> {
    return this.fills.get(keyId)?.reversed() ?? [][Symbol.iterator]();
  }

  /** Drops finished orders, their client order ids and fills past their retention at nowMs. */
  prune(nowMs: number): void {
    for (let order = this.finished.peek(); order && order.finishedMs! + this.retention.orderRetentionMs <= nowMs; order = this.finished.peek()) {
      this.finished.shift();
      this.orders.delete(order.orderId);
      if (order.clientOrderId !== undefined) {
        const key = clientKey(order.keyId, order.clientOrderId);
        if (this.clientIds.get(key) === order.orderId) this.clientIds.delete(key);
      }
    }
    for (const queue of this.fills.values()) {
      for (let fill = queue.peek(); fill && fill.tsMs + this.retention.fillRetentionMs <= nowMs; fill = queue.peek()) queue.shift();
    }
  }
}

function clientKey(keyId: string, clientOrderId: string): string {
  return `${keyId}\n${clientOrderId}`;
}
