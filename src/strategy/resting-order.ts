/** An order the maker has announced and not yet cancelled: an entry bid or an exit ask. */
export interface RestingOrder {
  /** ticks */
  readonly price: number;
  /** hundredths of a contract */
  readonly size: number;
  /** when it was quoted or last repriced (a reprice stands for a new order) */
  readonly postedMs: number;
  /** the order's client order id, when intents become orders */
  readonly clientOrderId?: string;
}

/** The time at which an order of this age limit expires. */
export function expiresAtMs(order: RestingOrder, ttlMs: number): number {
  return order.postedMs + ttlMs;
}

/** An order expires once it is ttl old: at exactly its deadline it is refreshed. */
export function isExpired(order: RestingOrder, ttlMs: number, nowMs: number): boolean {
  return nowMs >= expiresAtMs(order, ttlMs);
}

export function samePriceAndSize(order: RestingOrder, target: { readonly price: number; readonly size: number }): boolean {
  return order.price === target.price && order.size === target.size;
}
