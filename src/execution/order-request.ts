/**
 * Order requests: the one place where an order in engine units (a leg, an action, a price in
 * ticks on that leg, a size in hundredths) becomes a Kalshi V2 request body, and where a
 * venue's YES-leg view of an order becomes a leg and an action again (ws-v2.md 9.2, 9.4).
 *
 * V2 quotes everything on the YES leg. `side: "bid"` buys YES, which is the same trade as
 * selling NO at 100 - p; `side: "ask"` sells YES, the same as buying NO at 100 - p:
 *
 *   buy  YES @ p  -> bid @ p          sell YES @ p  -> ask @ p
 *   sell NO  @ q  -> bid @ 100 - q    buy  NO  @ q  -> ask @ 100 - q
 *
 * Every builder checks its input and answers with a Result: a body ready to send, or which
 * field is wrong and why. Nothing here throws, reads the clock or does I/O.
 */
import type {
  AmendOrderV2Request,
  BatchCancelOrderItem,
  BatchCancelOrdersV2Request,
  BatchCreateOrdersV2Request,
  BookSide,
  CreateOrderV2Request,
  DecreaseOrderV2Request,
  SelfTradePrevention,
  TimeInForce,
} from '../protocol/order-bodies.js';
import { hundredthsToCount, ticksToDollars } from '../protocol/fixed.js';
import type { Side } from '../protocol/wire.js';
import { err, ok, type Result } from './result.js';

/** The contract an order trades: YES or NO. */
export type Leg = Side;
export type OrderAction = 'buy' | 'sell';
/** V2's side of the YES book: bid = long YES exposure, ask = long NO exposure. */
export type { BookSide, SelfTradePrevention, TimeInForce } from '../protocol/order-bodies.js';

/** The self-trade rule every order of this engine carries: a crossing own order is the taker and is stopped. */
export const SELF_TRADE_PREVENTION: SelfTradePrevention = 'taker_at_cross';

/** An order as the engine means it. */
export interface OrderIntent {
  readonly ticker: string;
  /** the idempotency key; unique per order */
  readonly clientOrderId: string;
  readonly leg: Leg;
  readonly action: OrderAction;
  /** ticks of one cent on the leg, 1..99 */
  readonly price: number;
  /** hundredths of a contract, at least 1 */
  readonly size: number;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  /** cancel the order if trading is paused */
  readonly cancelOnPause?: boolean;
  readonly orderGroupId?: string;
  /** expiry, Unix seconds; good_till_canceled only (the venue refuses a time in the past) */
  readonly expirationS?: number;
}

/** An amend in engine units: the order keeps its leg and action; price and size change. */
export interface AmendIntent {
  readonly ticker: string;
  /** the client order id the order carries now */
  readonly clientOrderId: string;
  /** the client order id it carries after the amend */
  readonly updatedClientOrderId: string;
  readonly leg: Leg;
  readonly action: OrderAction;
  /** new price, ticks on the leg, 1..99 */
  readonly price: number;
  /** hundredths already filled (the venue counts them in the new total) */
  readonly filled: number;
  /** hundredths that should rest after the amend, at least 1 (to rest nothing, cancel) */
  readonly resting: number;
}

/**
 * A decrease keeps the order's place in the queue. Exactly one of `reduceTo` (the resting
 * size after the decrease, hundredths, may be 0) or `reduceBy` (hundredths taken off, at
 * least 1).
 */
export type DecreaseIntent =
  | { readonly ticker?: string; readonly reduceTo: number; readonly reduceBy?: undefined }
  | { readonly ticker?: string; readonly reduceBy: number; readonly reduceTo?: undefined };

/** One order to cancel in a batch; the ticker lets the venue route it to its shard. */
export interface CancelTarget {
  readonly orderId: string;
  readonly ticker?: string;
}

/** Why a request could not be built: the field (with the batch index, for batches) and the rule it breaks. */
export interface OrderRequestError {
  readonly field: string;
  readonly message: string;
  /** position in the batch, for batch bodies */
  readonly index?: number;
}

/** A price on one leg, with the leg and the action. */
export interface LegOrder {
  readonly leg: Leg;
  readonly action: OrderAction;
  /** ticks on the leg */
  readonly price: number;
}

/** The same order as the venue books it: a side of the YES book and a YES-leg price. */
export interface VenueQuote {
  readonly side: BookSide;
  /** ticks on the YES leg */
  readonly yesPrice: number;
}

// ---- the mapping ------------------------------------------------------------------------

/** bid for buy YES and sell NO; ask for sell YES and buy NO. */
export function venueSide(leg: Leg, action: OrderAction): BookSide {
  return (leg === 'yes') === (action === 'buy') ? 'bid' : 'ask';
}

/** A leg price as a YES-leg price: p on YES, 100 - p on NO. */
export function yesLegPrice(leg: Leg, price: number): number {
  return leg === 'yes' ? price : 100 - price;
}

/** The venue's view of an order on a leg. Assumes valid input (see checkOrderIntent). */
export function toVenueQuote(leg: Leg, action: OrderAction, price: number): VenueQuote {
  return { side: venueSide(leg, action), yesPrice: yesLegPrice(leg, price) };
}

/**
 * The inverse of toVenueQuote: a venue's side and YES-leg price (ticks, for example from
 * `dollarsToTicks(order.yes_price_dollars)`), expressed on the leg asked for. One venue
 * order has two readings (a bid is a YES buy or a NO sell); `leg` chooses which.
 */
export function fromVenueQuote(side: BookSide, yesPrice: number, leg: Leg): Result<LegOrder, OrderRequestError> {
  if (side !== 'bid' && side !== 'ask') return err({ field: 'side', message: `side must be "bid" or "ask", got ${show(side)}` });
  if (!isTick(yesPrice)) return err({ field: 'yesPrice', message: `YES price must be an integer number of ticks in 1..99, got ${show(yesPrice)}` });
  if (leg !== 'yes' && leg !== 'no') return err({ field: 'leg', message: `leg must be "yes" or "no", got ${show(leg)}` });
  const buysYes = side === 'bid';
  return ok({ leg, action: buysYes === (leg === 'yes') ? 'buy' : 'sell', price: yesLegPrice(leg, yesPrice) });
}

// ---- checks -----------------------------------------------------------------------------

const TIME_IN_FORCE: readonly string[] = ['good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'];

function isTick(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 99;
}

function isCount(n: unknown, min: number): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
}

function isName(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.trim() === s;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return String(JSON.stringify(value)).slice(0, 60);
  } catch {
    return typeof value;
  }
}

function checkLegAction(leg: unknown, action: unknown): OrderRequestError | undefined {
  if (leg !== 'yes' && leg !== 'no') return { field: 'leg', message: `leg must be "yes" or "no", got ${show(leg)}` };
  if (action !== 'buy' && action !== 'sell') return { field: 'action', message: `action must be "buy" or "sell", got ${show(action)}` };
  return undefined;
}

/** What is wrong with an intent, or undefined when a create body can be built from it. */
export function checkOrderIntent(intent: OrderIntent): OrderRequestError | undefined {
  if (typeof intent !== 'object' || intent === null) return { field: 'intent', message: `an order intent must be an object, got ${show(intent)}` };
  if (!isName(intent.ticker)) return { field: 'ticker', message: `ticker must be a non-empty string without surrounding spaces, got ${show(intent.ticker)}` };
  if (!isName(intent.clientOrderId)) {
    return { field: 'clientOrderId', message: `client order id must be a non-empty string without surrounding spaces, got ${show(intent.clientOrderId)}` };
  }
  const legAction = checkLegAction(intent.leg, intent.action);
  if (legAction) return legAction;
  if (!isTick(intent.price)) return { field: 'price', message: `price must be an integer number of ticks in 1..99, got ${show(intent.price)}` };
  if (!isCount(intent.size, 1)) return { field: 'size', message: `size must be a whole number of hundredths, at least 1, got ${show(intent.size)}` };
  if (!TIME_IN_FORCE.includes(intent.timeInForce)) {
    return { field: 'timeInForce', message: `time in force must be one of ${TIME_IN_FORCE.join(', ')}, got ${show(intent.timeInForce)}` };
  }
  if (typeof intent.postOnly !== 'boolean') return { field: 'postOnly', message: `postOnly must be a boolean, got ${show(intent.postOnly)}` };
  if (typeof intent.reduceOnly !== 'boolean') return { field: 'reduceOnly', message: `reduceOnly must be a boolean, got ${show(intent.reduceOnly)}` };
  if (intent.cancelOnPause !== undefined && typeof intent.cancelOnPause !== 'boolean') {
    return { field: 'cancelOnPause', message: `cancelOnPause must be a boolean, got ${show(intent.cancelOnPause)}` };
  }
  if (intent.orderGroupId !== undefined && !isName(intent.orderGroupId)) {
    return { field: 'orderGroupId', message: `order group id must be a non-empty string, got ${show(intent.orderGroupId)}` };
  }
  if (intent.expirationS !== undefined) {
    if (!isCount(intent.expirationS, 1)) return { field: 'expirationS', message: `expiration must be whole Unix seconds, got ${show(intent.expirationS)}` };
    if (intent.timeInForce !== 'good_till_canceled') {
      return { field: 'expirationS', message: `an expiration needs good_till_canceled, not ${intent.timeInForce}` };
    }
  }
  return undefined;
}

// ---- builders ---------------------------------------------------------------------------

/** The Create Order V2 body of an intent. */
export function createOrderBody(intent: OrderIntent): Result<CreateOrderV2Request, OrderRequestError> {
  const problem = checkOrderIntent(intent);
  if (problem) return err(problem);
  const quote = toVenueQuote(intent.leg, intent.action, intent.price);
  return ok({
    ticker: intent.ticker,
    client_order_id: intent.clientOrderId,
    side: quote.side,
    count: hundredthsToCount(intent.size),
    price: ticksToDollars(quote.yesPrice),
    time_in_force: intent.timeInForce,
    self_trade_prevention_type: SELF_TRADE_PREVENTION,
    post_only: intent.postOnly,
    reduce_only: intent.reduceOnly,
    ...(intent.cancelOnPause !== undefined ? { cancel_order_on_pause: intent.cancelOnPause } : {}),
    ...(intent.orderGroupId !== undefined ? { order_group_id: intent.orderGroupId } : {}),
    ...(intent.expirationS !== undefined ? { expiration_time: intent.expirationS } : {}),
  });
}

/** The Amend Order V2 body: `count` is the new total, filled + resting. */
export function amendOrderBody(amend: AmendIntent): Result<AmendOrderV2Request, OrderRequestError> {
  if (typeof amend !== 'object' || amend === null) return err({ field: 'amend', message: `an amend must be an object, got ${show(amend)}` });
  if (!isName(amend.ticker)) return err({ field: 'ticker', message: `ticker must be a non-empty string, got ${show(amend.ticker)}` });
  if (!isName(amend.clientOrderId))
    return err({ field: 'clientOrderId', message: `client order id must be a non-empty string, got ${show(amend.clientOrderId)}` });
  if (!isName(amend.updatedClientOrderId)) {
    return err({ field: 'updatedClientOrderId', message: `updated client order id must be a non-empty string, got ${show(amend.updatedClientOrderId)}` });
  }
  if (amend.updatedClientOrderId === amend.clientOrderId) {
    return err({ field: 'updatedClientOrderId', message: 'the updated client order id must differ from the current one' });
  }
  const legAction = checkLegAction(amend.leg, amend.action);
  if (legAction) return err(legAction);
  if (!isTick(amend.price)) return err({ field: 'price', message: `price must be an integer number of ticks in 1..99, got ${show(amend.price)}` });
  if (!isCount(amend.filled, 0)) return err({ field: 'filled', message: `filled must be a whole number of hundredths, at least 0, got ${show(amend.filled)}` });
  if (!isCount(amend.resting, 1)) {
    return err({ field: 'resting', message: `resting must be a whole number of hundredths, at least 1 (cancel to rest nothing), got ${show(amend.resting)}` });
  }
  const total = amend.filled + amend.resting;
  if (!Number.isSafeInteger(total)) return err({ field: 'resting', message: 'filled + resting is out of range' });
  const quote = toVenueQuote(amend.leg, amend.action, amend.price);
  return ok({
    ticker: amend.ticker,
    side: quote.side,
    price: ticksToDollars(quote.yesPrice),
    count: hundredthsToCount(total),
    client_order_id: amend.clientOrderId,
    updated_client_order_id: amend.updatedClientOrderId,
  });
}

/** The Decrease Order V2 body: exactly one of reduce_to / reduce_by. */
export function decreaseOrderBody(decrease: DecreaseIntent): Result<DecreaseOrderV2Request, OrderRequestError> {
  if (typeof decrease !== 'object' || decrease === null) return err({ field: 'decrease', message: `a decrease must be an object, got ${show(decrease)}` });
  const { reduceTo, reduceBy, ticker } = decrease;
  if ((reduceTo === undefined) === (reduceBy === undefined)) {
    return err({ field: 'reduceTo', message: 'give exactly one of reduceTo and reduceBy' });
  }
  if (ticker !== undefined && !isName(ticker)) return err({ field: 'ticker', message: `ticker must be a non-empty string, got ${show(ticker)}` });
  const routed = ticker !== undefined ? { market_ticker: ticker } : {};
  if (reduceTo !== undefined) {
    if (!isCount(reduceTo, 0)) return err({ field: 'reduceTo', message: `reduceTo must be a whole number of hundredths, at least 0, got ${show(reduceTo)}` });
    return ok({ reduce_to: hundredthsToCount(reduceTo), ...routed });
  }
  if (!isCount(reduceBy, 1)) return err({ field: 'reduceBy', message: `reduceBy must be a whole number of hundredths, at least 1, got ${show(reduceBy)}` });
  return ok({ reduce_by: hundredthsToCount(reduceBy), ...routed });
}

/** The batch create body; refused whole if any item is invalid or two items share a client order id. */
export function batchCreateBody(intents: readonly OrderIntent[]): Result<BatchCreateOrdersV2Request, OrderRequestError> {
  if (!Array.isArray(intents) || intents.length === 0) return err({ field: 'orders', message: 'a batch needs at least one order' });
  const orders: CreateOrderV2Request[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < intents.length; index++) {
    const built = createOrderBody(intents[index]!);
    if (!built.ok) return err({ ...built.error, index });
    if (seen.has(built.value.client_order_id)) {
      return err({ field: 'clientOrderId', index, message: `client order id ${built.value.client_order_id} appears twice in the batch` });
    }
    seen.add(built.value.client_order_id);
    orders.push(built.value);
  }
  return ok({ orders });
}

/** The batch cancel body; refused whole if an order id is empty or repeated. */
export function batchCancelBody(targets: readonly CancelTarget[]): Result<BatchCancelOrdersV2Request, OrderRequestError> {
  if (!Array.isArray(targets) || targets.length === 0) return err({ field: 'orders', message: 'a batch needs at least one order' });
  const orders: BatchCancelOrderItem[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index]!;
    if (typeof target !== 'object' || target === null || !isName(target.orderId)) {
      return err({ field: 'orderId', index, message: `order id must be a non-empty string, got ${show(target?.orderId)}` });
    }
    if (target.ticker !== undefined && !isName(target.ticker)) {
      return err({ field: 'ticker', index, message: `ticker must be a non-empty string, got ${show(target.ticker)}` });
    }
    if (seen.has(target.orderId)) return err({ field: 'orderId', index, message: `order id ${target.orderId} appears twice in the batch` });
    seen.add(target.orderId);
    orders.push({ order_id: target.orderId, ...(target.ticker !== undefined ? { market_ticker: target.ticker } : {}) });
  }
  return ok({ orders });
}
