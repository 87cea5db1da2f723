/**
 * The body of `POST /trade-api/v2/portfolio/events/orders` (Create Order V2, ws-v2.md 9.2),
 * checked and converted to exact integers, or the 400 answer explaining what is wrong.
 */
import { ProtocolError, countToHundredths, dollarsToTicks } from '../../protocol/fixed.js';
import { restError, type RestResponse } from '../server/rest.js';
import type { SelfTradePrevention } from './market.js';

export type TimeInForce = 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel';

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
  readonly clientOrderId?: string;
}

const TIME_IN_FORCE: readonly string[] = ['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'];
const SELF_TRADE: readonly string[] = ['taker_at_cross', 'maker'];

function invalid(message: string, code = 'invalid_order'): RestResponse {
  return restError(400, code, message);
}

export function parseOrderRequest(body: unknown, wholeContracts: boolean): OrderRequest | RestResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('request body must be a JSON object');
  const fields = body as Record<string, unknown>;
  const { ticker, side, time_in_force: timeInForce, client_order_id: clientOrderId } = fields;
  if (typeof ticker !== 'string' || ticker === '') return invalid('ticker is required');
  if (side !== 'bid' && side !== 'ask') return invalid('side must be "bid" or "ask"');
  let count: number;
  let price: number;
  try {
    count = countToHundredths(fields.count, 'count');
  } catch (err) {
    return invalid((err as ProtocolError).message, 'invalid_order_size');
  }
  if (count < 1) return invalid('count must be at least 0.01', 'invalid_order_size');
  if (wholeContracts && count % 100 !== 0) return invalid('this market trades whole contracts only', 'invalid_order_size');
  try {
    price = dollarsToTicks(fields.price, 'price');
  } catch (err) {
    return invalid((err as ProtocolError).message);
  }
  if (price < 1 || price > 99) return invalid('price must be between 0.0100 and 0.9900');
  if (typeof timeInForce !== 'string' || !TIME_IN_FORCE.includes(timeInForce)) {
    return invalid(`time_in_force must be one of ${TIME_IN_FORCE.join(', ')}`);
  }
  const selfTrade = fields.self_trade_prevention_type ?? 'taker_at_cross';
  if (typeof selfTrade !== 'string' || !SELF_TRADE.includes(selfTrade)) {
    return invalid(`self_trade_prevention_type must be one of ${SELF_TRADE.join(', ')}`);
  }
  for (const flag of ['post_only', 'reduce_only'] as const) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') return invalid(`${flag} must be a boolean`);
  }
  if (clientOrderId !== undefined && typeof clientOrderId !== 'string') return invalid('client_order_id must be a string');
  if (fields.expiration_time !== undefined) return invalid('expiration_time is not simulated');
  return {
    ticker,
    side,
    count,
    price,
    timeInForce: timeInForce as TimeInForce,
    selfTrade: selfTrade as SelfTradePrevention,
    postOnly: fields.post_only === true,
    reduceOnly: fields.reduce_only === true,
    ...(clientOrderId !== undefined ? { clientOrderId } : {}),
  };
}
