/** Kalshi takes orders at 1..99 cents; the book may list 0 and 100 but no order can rest there. */
export const MIN_ORDER_PRICE = 1;
export const MAX_ORDER_PRICE = 99;

export function isOrderPrice(price: number): boolean {
  return Number.isInteger(price) && price >= MIN_ORDER_PRICE && price <= MAX_ORDER_PRICE;
}
