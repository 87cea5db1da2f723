/**
 * Request bodies of the V2 order endpoints (ws-v2.md 9.2 and 9.4), checked and converted to
 * exact integers, or the 400 answer explaining what is wrong.
 */
import type { SelfTradePrevention, TimeInForce } from '../../matching/index.js';
import { ProtocolError, countToHundredths, dollarsToTicks } from '../../protocol/fixed.js';
import { isJsonObject } from '../../protocol/json-object.js';
import { venueError, type VenueError } from './errors.js';

export type { TimeInForce };

export interface OrderRequest {
  readonly ticker: string;
  /** bid = buy YES at price; ask = sell YES at price (buy NO at 100 - price) */
  readonly side: 'bid' | 'ask';
  /** hundredths of a contract */
  readonly count: number;
  /** YES-leg price in ticks, 1..99 */
  readonly price: number;
  readonly timeInForce: TimeInForce;
  readonly selfTrade: SelfTradePrevention;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly cancelOrderOnPause: boolean;
  readonly clientOrderId?: string;
  readonly orderGroupId?: string;
}

export interface AmendRequest {
  readonly ticker: string;
  readonly side: 'bid' | 'ask';
  readonly price: number;
  /** the new total: already filled plus what should rest */
  readonly count: number;
  readonly clientOrderId?: string;
  readonly updatedClientOrderId?: string;
}

export type DecreaseRequest = { readonly reduceBy: number } | { readonly reduceTo: number };

const TIME_IN_FORCE: readonly string[] = ['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'];
const SELF_TRADE: readonly string[] = ['taker_at_cross', 'maker'];
/** Kalshi's client order ids are short strings; anything longer is refused. */
const MAX_CLIENT_ORDER_ID = 256;

function invalid(message: string, code = 'invalid_order'): VenueError {
  return venueError(400, code, message);
}

function parseCount(value: unknown, name: string, wholeContracts: boolean, minimum: number): number | VenueError {
  let count: number;
  try {
    count = countToHundredths(value, name);
  } catch (err) {
    return invalid((err as ProtocolError).message, 'invalid_order_size');
  }
  if (count < minimum) return invalid(`${name} must be at least ${minimum === 0 ? '0.00' : '0.01'}`, 'invalid_order_size');
  if (wholeContracts && count % 100 !== 0) return invalid('this market trades whole contracts only', 'invalid_order_size');
  return count;
}

function parsePrice(value: unknown): number | VenueError {
  let price: number;
  try {
    price = dollarsToTicks(value, 'price');
  } catch (err) {
    return invalid((err as ProtocolError).message);
  }
  if (price < 1 || price > 99) return invalid('price must be between 0.0100 and 0.9900');
  return price;
}

function parseClientOrderId(value: unknown, name: string): string | undefined | VenueError {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_CLIENT_ORDER_ID)
    return invalid(`${name} must be a non-empty string of at most ${MAX_CLIENT_ORDER_ID} characters`);
  return value;
}

function parseSubaccount(fields: Record<string, unknown>): VenueError | undefined {
  const { subaccount } = fields;
  if (subaccount !== undefined && subaccount !== 0) return invalid('only the primary account (subaccount 0) is simulated');
  return undefined;
}

export function parseOrderRequest(body: unknown, wholeContracts: boolean): OrderRequest | VenueError {
  if (!isJsonObject(body)) return invalid('request body must be a JSON object');
  const fields = body;
  const { ticker, side, time_in_force: timeInForce } = fields;
  if (typeof ticker !== 'string' || ticker === '') return invalid('ticker is required');
  if (side !== 'bid' && side !== 'ask') return invalid('side must be "bid" or "ask"');
  const count = parseCount(fields.count, 'count', wholeContracts, 1);
  if (typeof count !== 'number') return count;
  const price = parsePrice(fields.price);
  if (typeof price !== 'number') return price;
  if (typeof timeInForce !== 'string' || !TIME_IN_FORCE.includes(timeInForce)) {
    return invalid(`time_in_force must be one of ${TIME_IN_FORCE.join(', ')}`);
  }
  const selfTrade = fields.self_trade_prevention_type ?? 'taker_at_cross';
  if (typeof selfTrade !== 'string' || !SELF_TRADE.includes(selfTrade)) {
    return invalid(`self_trade_prevention_type must be one of ${SELF_TRADE.join(', ')}`);
  }
  for (const flag of ['post_only', 'reduce_only', 'cancel_order_on_pause'] as const) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') return invalid(`${flag} must be a boolean`);
  }
  const clientOrderId = parseClientOrderId(fields.client_order_id, 'client_order_id');
  if (typeof clientOrderId === 'object') return clientOrderId;
  const { order_group_id: orderGroupId } = fields;
  if (orderGroupId !== undefined && orderGroupId !== null && (typeof orderGroupId !== 'string' || orderGroupId === ''))
    return invalid('order_group_id must be a string');
  if (fields.expiration_time !== undefined && fields.expiration_time !== null) return invalid('expiration_time is not simulated');
  const subaccount = parseSubaccount(fields);
  if (subaccount) return subaccount;
  return {
    ticker,
    side,
    count,
    price,
    timeInForce: timeInForce as TimeInForce,
    selfTrade: selfTrade as SelfTradePrevention,
    postOnly: fields.post_only === true,
    reduceOnly: fields.reduce_only === true,
    cancelOrderOnPause: fields.cancel_order_on_pause === true,
    ...(clientOrderId !== undefined ? { clientOrderId } : {}),
    ...(typeof orderGroupId === 'string' ? { orderGroupId } : {}),
  };
}

export function parseAmendRequest(body: unknown, wholeContracts: boolean): AmendRequest | VenueError {
  if (!isJsonObject(body)) return invalid('request body must be a JSON object');
  const { ticker, side } = body;
  if (typeof ticker !== 'string' || ticker === '') return invalid('ticker is required');
  if (side !== 'bid' && side !== 'ask') return invalid('side must be "bid" or "ask"');
  const price = parsePrice(body.price);
  if (typeof price !== 'number') return price;
  const count = parseCount(body.count, 'count', wholeContracts, 1);
  if (typeof count !== 'number') return count;
  const clientOrderId = parseClientOrderId(body.client_order_id, 'client_order_id');
  if (typeof clientOrderId === 'object') return clientOrderId;
  const updated = parseClientOrderId(body.updated_client_order_id, 'updated_client_order_id');
  if (typeof updated === 'object') return updated;
  const subaccount = parseSubaccount(body);
  if (subaccount) return subaccount;
  return {
    ticker,
    side,
    price,
    count,
    ...(clientOrderId !== undefined ? { clientOrderId } : {}),
    ...(updated !== undefined ? { updatedClientOrderId: updated } : {}),
  };
}

export function parseDecreaseRequest(body: unknown, wholeContracts: boolean): DecreaseRequest | VenueError {
  if (!isJsonObject(body)) return invalid('request body must be a JSON object');
  const hasBy = body.reduce_by !== undefined && body.reduce_by !== null;
  const hasTo = body.reduce_to !== undefined && body.reduce_to !== null;
  if (hasBy === hasTo) return invalid('give exactly one of reduce_by and reduce_to');
  const subaccount = parseSubaccount(body);
  if (subaccount) return subaccount;
  if (hasBy) {
    const reduceBy = parseCount(body.reduce_by, 'reduce_by', wholeContracts, 1);
    return typeof reduceBy === 'number' ? { reduceBy } : reduceBy;
  }
  const reduceTo = parseCount(body.reduce_to, 'reduce_to', wholeContracts, 0);
  return typeof reduceTo === 'number' ? { reduceTo } : reduceTo;
}

/** `{"orders":[...]}` of a batch: the raw items, checked one by one by the caller. */
export function parseBatch(body: unknown, maxItems: number): unknown[] | VenueError {
  if (!isJsonObject(body) || !Array.isArray(body.orders)) return invalid('request body must be {"orders": [...]}', 'invalid_parameters');
  if (body.orders.length === 0) return invalid('orders must not be empty', 'invalid_parameters');
  if (body.orders.length > maxItems) return invalid(`at most ${maxItems} orders per batch`, 'invalid_parameters');
  return body.orders;
}

/**
 * The order ids of a batch cancel: `{"orders":[{"order_id":..}, ..]}`, or the legacy
 * `{"ids":[..]}`.
 */
export function parseBatchCancel(body: unknown, maxItems: number): string[] | VenueError {
  if (isJsonObject(body) && Array.isArray(body.ids) && body.orders === undefined) {
    if (!body.ids.every((id) => typeof id === 'string' && id !== '')) return invalid('ids must be order id strings', 'invalid_parameters');
    return checkCount(body.ids as string[], maxItems);
  }
  const items = parseBatch(body, maxItems);
  if (!Array.isArray(items)) return items;
  const ids: string[] = [];
  for (const item of items) {
    if (!isJsonObject(item) || typeof item.order_id !== 'string' || item.order_id === '') return invalid('every item needs an order_id', 'invalid_parameters');
    ids.push(item.order_id);
  }
  return ids;
}

function checkCount(ids: string[], maxItems: number): string[] | VenueError {
  if (ids.length === 0) return invalid('ids must not be empty', 'invalid_parameters');
  if (ids.length > maxItems) return invalid(`at most ${maxItems} orders per batch`, 'invalid_parameters');
  return ids;
}
