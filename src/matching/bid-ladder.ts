/**
 * One side of a Kalshi book: resting bids by price (1..99 ticks on the side's own leg), each
 * price a FIFO queue of orders, so a new order joins behind the size already there.
 */
import type { Level } from '../protocol/decode.js';
import type { Side } from '../protocol/wire.js';

export interface BookOrder {
  readonly orderId: string;
  /** the leg the order buys: a YES bid, or a NO bid (a YES ask at 100 - price) */
  readonly side: Side;
  /** ticks on this side's own leg */
  readonly price: number;
  /** hundredths of a contract still resting */
  remaining: number;
  /** the account that owns the order; undefined for an anonymous participant (no self-trade checks) */
  readonly owner?: string;
}

const PRICES = 101;

export class BidLadder {
  private readonly queues: BookOrder[][] = Array.from({ length: PRICES }, () => []);
  private readonly totals: number[] = new Array<number>(PRICES).fill(0);
  private orders = 0;
  /** the best price holding size (0: none), kept up to date: it is read far more often than the ladder changes */
  private bestPrice = 0;

  /** Best (highest) bid price, 0 when the side is empty. */
  best(): number {
    return this.bestPrice;
  }

  sizeAt(price: number): number {
    return this.totals[price] ?? 0;
  }

  get orderCount(): number {
    return this.orders;
  }

  queueAt(price: number): readonly BookOrder[] {
    return this.queues[price] ?? [];
  }

  /** Puts an order at the back of its price's queue. */
  add(order: BookOrder): void {
    if (!Number.isInteger(order.price) || order.price < 1 || order.price > 99) {
      throw new RangeError(`bid price must be 1..99 ticks, got ${order.price}`);
    }
    if (!Number.isSafeInteger(order.remaining) || order.remaining <= 0) {
      throw new RangeError(`order size must be a positive number of hundredths, got ${order.remaining}`);
    }
    this.queues[order.price]!.push(order);
    this.totals[order.price]! += order.remaining;
    this.orders += 1;
    if (order.price > this.bestPrice) this.bestPrice = order.price;
  }

  /** Takes `amount` off an order (removing it when nothing remains); returns what was taken. */
  reduce(order: BookOrder, amount: number): number {
    const taken = Math.min(amount, order.remaining);
    if (!(taken > 0)) return 0;
    order.remaining -= taken;
    this.totals[order.price]! -= taken;
    if (order.remaining === 0) this.unlink(order);
    this.settleBest(order.price);
    return taken;
  }

  /** Takes an order out of its queue whatever remains on it; returns the size removed. */
  remove(order: BookOrder): number {
    const removed = order.remaining;
    if (!this.unlink(order)) return 0;
    this.totals[order.price]! -= removed;
    order.remaining = 0;
    this.settleBest(order.price);
    return removed;
  }

  /** After size left `price`: when that was the best level and it emptied, the best is the next level down that holds size. */
  private settleBest(price: number): void {
    if (price !== this.bestPrice || this.totals[price]! > 0) return;
    let next = price - 1;
    while (next > 0 && this.totals[next]! <= 0) next -= 1;
    this.bestPrice = next;
  }

  /** Prices holding size, ascending. */
  activePrices(): number[] {
    const prices: number[] = [];
    for (let price = 1; price < PRICES; price += 1) if (this.totals[price]! > 0) prices.push(price);
    return prices;
  }

  /** Aggregated levels, ascending by price (the wire order). */
  levels(): Level[] {
    return this.activePrices().map((price) => [price, this.totals[price]!] as const);
  }

  private unlink(order: BookOrder): boolean {
    const queue = this.queues[order.price]!;
    const index = queue.indexOf(order);
    if (index < 0) return false;
    queue.splice(index, 1);
    this.orders -= 1;
    return true;
  }
}
