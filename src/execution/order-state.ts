/**
 * The life of one order, as the engine tracks it: one transition table, one pure function
 * that applies an event to an immutable record, and nothing else.
 *
 *   pending --accepted--> resting | partially_filled | filled | canceled
 *   pending --rejected--> rejected            pending --timed_out--> unknown
 *   resting / partially_filled --cancel_sent--> pending_cancel --canceled--> canceled
 *   resting / partially_filled --amend_sent--> pending_amend --amended--> resting | ...
 *   pending_* --timed_out--> unknown --found--> (what the venue says) | --not_found--> ...
 *
 * `ORDER_TRANSITIONS` lists, for every state, the events it accepts and the states each may
 * lead to; the payload chooses among them. Anything else is refused with an error value, and
 * the record is never modified (records are read-only; every step returns a new one).
 *
 * Rules the table encodes:
 * - One request per order at a time. `cancel_sent` and `amend_sent` are accepted only while
 *   the order rests; the answer (or a `timed_out`) must come first. A decrease is tracked as
 *   an amend that keeps the price (`amend_sent {price: same, size: filled + new resting}`).
 * - `timed_out`: the request's answer is lost, so its outcome is not known (`unknown`). Only a
 *   lookup by client order id resolves it (`found` / `not_found`); `awaiting` keeps which
 *   request it was. Look up once that request can no longer be in flight.
 * - Fills: `filled {count}` is one fill report (a delta, deduplicated by the caller on the
 *   trade id). `filled` on the record is their sum: the money. The venue's own cumulative
 *   fill counts (in create/amend answers and lookups) go to `venueFilled`, never added to
 *   `filled`, so a fill reported both ways is counted once. Completion uses the larger of
 *   the two.
 * - Fills are accepted in every state. In a terminal state (`filled`, `canceled`,
 *   `rejected`, `expired`) a fill report is the only event accepted: it is counted (a fill
 *   after a cancel is real money), the status stays, and the transition says `lateFill`.
 *   A late fill in `rejected` means the venue had the order after all: log it as an anomaly.
 * - Every other event in a terminal state is refused with kind `terminal`: for example the
 *   answer to a cancel that arrives after the fills completed the order. The caller may drop
 *   these; `illegal` refusals are bugs.
 * - Venue-side ends (`canceled`, `expired`, from the private channels) are accepted in every
 *   non-terminal state, a request in flight or not; that request's answer then meets a
 *   terminal state.
 */
import { checkOrderIntent, type Leg, type OrderAction, type OrderIntent, type OrderRequestError, type TimeInForce } from './order-request.js';
import { err, ok, type Result } from './result.js';

export type OrderStatus =
  'pending' | 'resting' | 'partially_filled' | 'pending_cancel' | 'pending_amend' | 'filled' | 'canceled' | 'rejected' | 'expired' | 'unknown';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending',
  'resting',
  'partially_filled',
  'pending_cancel',
  'pending_amend',
  'filled',
  'canceled',
  'rejected',
  'expired',
  'unknown',
];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['filled', 'canceled', 'rejected', 'expired']);

/** The venue's status of an order in a lookup (`GET /portfolio/orders`). */
export type VenueOrderStatus = 'resting' | 'canceled' | 'executed';

/** Everything that can happen to an order. Sizes and counts in hundredths, prices in ticks on the order's leg. */
export type OrderEvent =
  /** the create answer: the venue's remaining and cumulative filled counts */
  | { readonly type: 'accepted'; readonly orderId: string; readonly remaining: number; readonly filled: number }
  /** the create was refused */
  | { readonly type: 'rejected'; readonly reason: string }
  /** one fill report: `count` contracts of this fill only */
  | { readonly type: 'filled'; readonly count: number; readonly orderId?: string }
  | { readonly type: 'cancel_sent' }
  /** the order is canceled: the cancel's answer or a venue-side cancel */
  | { readonly type: 'canceled'; readonly reason: string; readonly orderId?: string }
  /** the cancel was refused; `orderGone` when the venue no longer has the order (404) */
  | { readonly type: 'cancel_rejected'; readonly reason: string; readonly orderGone?: boolean }
  /** an amend (or a decrease) was sent: new price, new total size, new client order id */
  | { readonly type: 'amend_sent'; readonly price: number; readonly size: number; readonly clientOrderId?: string }
  /** the amend's answer: the new price and total size, and the venue's cumulative filled count when given */
  | { readonly type: 'amended'; readonly price: number; readonly size: number; readonly filled?: number }
  | { readonly type: 'amend_rejected'; readonly reason: string; readonly orderGone?: boolean }
  | { readonly type: 'expired'; readonly orderId?: string }
  /** the answer to the request in flight did not come in time: its outcome is unknown */
  | { readonly type: 'timed_out' }
  /** a lookup found the order */
  | {
      readonly type: 'found';
      readonly status: VenueOrderStatus;
      readonly orderId: string;
      readonly remaining: number;
      readonly filled: number;
      readonly price?: number;
      readonly clientOrderId?: string;
    }
  /** a lookup did not find the order among the venue's orders */
  | { readonly type: 'not_found' };

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'accepted',
  'rejected',
  'filled',
  'cancel_sent',
  'canceled',
  'cancel_rejected',
  'amend_sent',
  'amended',
  'amend_rejected',
  'expired',
  'timed_out',
  'found',
  'not_found',
];

/** The request whose answer is awaited (pending states) or was lost (`unknown`). */
export type OrderRequestKind = 'create' | 'cancel' | 'amend';

export interface PendingAmend {
  readonly price: number;
  /** the new total size */
  readonly size: number;
  /** the client order id after the amend, if it changes */
  readonly clientOrderId?: string;
}

/** One order as the engine tracks it. */
export interface TrackedOrder {
  readonly clientOrderId: string;
  /** the venue's id, known once the create is answered (or a fill or lookup names it) */
  readonly orderId?: string;
  readonly ticker: string;
  readonly leg: Leg;
  readonly action: OrderAction;
  /** ticks on the leg */
  readonly price: number;
  /** total size, hundredths (the venue's figure once it has answered) */
  readonly size: number;
  /** sum of the fill reports, hundredths: what has been traded */
  readonly filled: number;
  /** the largest cumulative filled count the venue has reported in an answer or a lookup */
  readonly venueFilled: number;
  readonly status: OrderStatus;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly awaiting?: OrderRequestKind;
  /** the amend in flight (or lost, in `unknown`) */
  readonly amendTo?: PendingAmend;
  /** why the order was rejected or canceled, or why the last request was refused */
  readonly reason?: string;
  /** fill reports counted after the order had ended, hundredths */
  readonly lateFilled: number;
  readonly createdMs: number;
  readonly updatedMs: number;
}

/**
 * The transition table: for each state, the events it accepts and the states each can lead
 * to. Nothing outside it is accepted.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEventType, readonly OrderStatus[]>>>>> = {
  pending: {
    accepted: ['resting', 'partially_filled', 'filled', 'canceled'],
    rejected: ['rejected'],
    filled: ['pending', 'filled'],
    canceled: ['canceled'],
    expired: ['expired'],
    timed_out: ['unknown'],
  },
  resting: {
    filled: ['partially_filled', 'filled'],
    cancel_sent: ['pending_cancel'],
    amend_sent: ['pending_amend'],
    canceled: ['canceled'],
    expired: ['expired'],
  },
  partially_filled: {
    filled: ['partially_filled', 'filled'],
    cancel_sent: ['pending_cancel'],
    amend_sent: ['pending_amend'],
    canceled: ['canceled'],
    expired: ['expired'],
  },
  pending_cancel: {
    canceled: ['canceled'],
    cancel_rejected: ['resting', 'partially_filled', 'unknown'],
    filled: ['pending_cancel', 'filled'],
    expired: ['expired'],
    timed_out: ['unknown'],
  },
  pending_amend: {
    amended: ['resting', 'partially_filled', 'filled'],
    amend_rejected: ['resting', 'partially_filled', 'filled', 'unknown'],
    filled: ['pending_amend', 'filled'],
    canceled: ['canceled'],
    expired: ['expired'],
    timed_out: ['unknown'],
  },
  unknown: {
    found: ['resting', 'partially_filled', 'filled', 'canceled'],
    not_found: ['filled', 'canceled', 'rejected'],
    filled: ['unknown', 'filled'],
    canceled: ['canceled'],
    expired: ['expired'],
  },
  filled: { filled: ['filled'] },
  canceled: { filled: ['canceled'] },
  rejected: { filled: ['rejected'] },
  expired: { filled: ['expired'] },
};

export interface OrderTransition {
  readonly order: TrackedOrder;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  /** a fill report counted after the order had ended */
  readonly lateFill?: true;
  /** the fills now exceed every size the order could have: the venue and the engine disagree */
  readonly overfill?: true;
}

export interface OrderTransitionError {
  /**
   * `terminal`: the order has ended and takes only fill reports (a late answer; safe to drop).
   * `illegal`: the state does not accept the event.
   * `invalid`: the event's payload is malformed or contradicts the record.
   */
  readonly kind: 'terminal' | 'illegal' | 'invalid';
  readonly status: OrderStatus;
  readonly event: string;
  readonly message: string;
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Resting at the venue with no request in flight: may be canceled or amended. */
export function isWorking(status: OrderStatus): boolean {
  return status === 'resting' || status === 'partially_filled';
}

/** The larger of the counted fills and the venue's own figure. */
export function knownFilled(order: TrackedOrder): number {
  return Math.max(order.filled, order.venueFilled);
}

/** Hundredths that may still trade: 0 once the order has ended. */
export function remainingSize(order: TrackedOrder): number {
  if (isTerminal(order.status)) return 0;
  return Math.max(0, Math.max(order.size, order.amendTo?.size ?? 0) - knownFilled(order));
}

/** A new order, `pending` (its create about to be sent). The intent must pass checkOrderIntent. */
export function newOrder(intent: OrderIntent, nowMs: number): Result<TrackedOrder, OrderRequestError> {
  const problem = checkOrderIntent(intent);
  if (problem) return err(problem);
  return ok({
    clientOrderId: intent.clientOrderId,
    ticker: intent.ticker,
    leg: intent.leg,
    action: intent.action,
    price: intent.price,
    size: intent.size,
    filled: 0,
    venueFilled: 0,
    status: 'pending',
    timeInForce: intent.timeInForce,
    postOnly: intent.postOnly,
    reduceOnly: intent.reduceOnly,
    awaiting: 'create',
    lateFilled: 0,
    createdMs: nowMs,
    updatedMs: nowMs,
  });
}

// ---- applying an event ------------------------------------------------------------------

const isCount = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
const isTick = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 99;
const isId = (s: unknown): s is string => typeof s === 'string' && s.length > 0;

/** What is wrong with an event's payload, or undefined. */
function checkPayload(event: OrderEvent, order: TrackedOrder): string | undefined {
  switch (event.type) {
    case 'accepted':
      if (!isId(event.orderId)) return 'accepted needs the order id';
      if (!isCount(event.remaining, 0) || !isCount(event.filled, 0)) return 'accepted needs whole, non-negative remaining and filled counts';
      return undefined;
    case 'filled':
      if (!isCount(event.count, 1)) return `a fill counts at least 1 hundredth, got ${String(event.count)}`;
      if (event.orderId !== undefined && !isId(event.orderId)) return 'a fill names its order with a non-empty id';
      if (event.orderId !== undefined && order.orderId !== undefined && event.orderId !== order.orderId) {
        return `fill for order ${event.orderId} applied to order ${order.orderId}`;
      }
      if (!Number.isSafeInteger(order.filled + event.count)) return 'fill count out of range';
      return undefined;
    case 'amend_sent':
      if (!isTick(event.price)) return `an amend price must be 1..99 ticks, got ${String(event.price)}`;
      if (!isCount(event.size, 1)) return `an amend size must be a whole number of hundredths, got ${String(event.size)}`;
      if (event.size <= knownFilled(order)) return `an amend to ${event.size} leaves nothing to rest (filled ${knownFilled(order)}): cancel instead`;
      if (event.clientOrderId !== undefined && !isId(event.clientOrderId)) return 'an amend names the new client order id with a non-empty string';
      return undefined;
    case 'amended':
      if (!isTick(event.price)) return `an amended price must be 1..99 ticks, got ${String(event.price)}`;
      if (!isCount(event.size, 1)) return `an amended size must be a whole number of hundredths, got ${String(event.size)}`;
      if (event.filled !== undefined && !isCount(event.filled, 0)) return 'an amended filled count must be a whole, non-negative number';
      return undefined;
    case 'found':
      if (event.status !== 'resting' && event.status !== 'canceled' && event.status !== 'executed') {
        return `found needs a venue status of resting, canceled or executed, got ${String(event.status)}`;
      }
      if (!isId(event.orderId)) return 'found needs the order id';
      if (order.orderId !== undefined && event.orderId !== order.orderId) return `found order ${event.orderId}, tracking order ${order.orderId}`;
      if (!isCount(event.remaining, 0) || !isCount(event.filled, 0)) return 'found needs whole, non-negative remaining and filled counts';
      if (event.status === 'resting' && event.remaining === 0) return 'a resting order with nothing remaining';
      if (event.price !== undefined && !isTick(event.price)) return `a found price must be 1..99 ticks, got ${String(event.price)}`;
      if (event.clientOrderId !== undefined && !isId(event.clientOrderId)) return 'found names the client order id with a non-empty string';
      return undefined;
    case 'rejected':
    case 'canceled':
    case 'cancel_rejected':
    case 'amend_rejected':
      if (typeof event.reason !== 'string') return `${event.type} needs a reason`;
      return undefined;
    case 'expired':
    case 'cancel_sent':
    case 'timed_out':
    case 'not_found':
      return undefined;
  }
}

/** resting or partially_filled, or filled once the known fills reach the size. */
function workingOrFilled(filled: number, size: number): OrderStatus {
  if (filled >= size) return 'filled';
  return filled > 0 ? 'partially_filled' : 'resting';
}

/** The next record, before the status is checked against the table. */
function step(order: TrackedOrder, event: OrderEvent, nowMs: number): TrackedOrder {
  const base = { ...order, updatedMs: nowMs };
  switch (event.type) {
    case 'accepted': {
      const venueFilled = Math.max(order.venueFilled, event.filled);
      const known = Math.max(order.filled, venueFilled);
      const settled = { ...base, orderId: event.orderId, venueFilled, awaiting: undefined };
      if (event.remaining > 0) {
        // the answer is one consistent snapshot: its fills plus its remaining are the order's size
        const size = event.filled + event.remaining;
        return { ...settled, size, status: workingOrFilled(known, size) };
      }
      // nothing rests: all filled, or the rest was canceled (immediate-or-cancel, a capped reduce-only)
      return known >= order.size ? { ...settled, status: 'filled' } : { ...settled, status: 'canceled', reason: 'not resting after the create' };
    }
    case 'rejected':
      return { ...base, status: 'rejected', reason: event.reason, awaiting: undefined };
    case 'filled': {
      const filled = order.filled + event.count;
      const orderId = order.orderId ?? event.orderId;
      const next = { ...base, filled, ...(orderId !== undefined ? { orderId } : {}) };
      if (isTerminal(order.status)) return { ...next, lateFilled: order.lateFilled + event.count };
      const known = Math.max(filled, order.venueFilled);
      const complete = known >= Math.max(order.size, order.amendTo?.size ?? 0);
      if (complete) return { ...next, status: 'filled', awaiting: undefined, amendTo: undefined };
      return { ...next, status: order.status === 'resting' ? 'partially_filled' : order.status };
    }
    case 'cancel_sent':
      return { ...base, status: 'pending_cancel', awaiting: 'cancel' };
    case 'canceled': {
      const orderId = order.orderId ?? event.orderId;
      return { ...base, status: 'canceled', reason: event.reason, awaiting: undefined, amendTo: undefined, ...(orderId !== undefined ? { orderId } : {}) };
    }
    case 'cancel_rejected':
      if (event.orderGone === true) return { ...base, status: 'unknown', reason: event.reason };
      return { ...base, status: workingOrFilled(knownFilled(order), order.size), reason: event.reason, awaiting: undefined };
    case 'amend_sent': {
      const amendTo: PendingAmend = {
        price: event.price,
        size: event.size,
        ...(event.clientOrderId !== undefined ? { clientOrderId: event.clientOrderId } : {}),
      };
      return { ...base, status: 'pending_amend', awaiting: 'amend', amendTo };
    }
    case 'amended': {
      const venueFilled = Math.max(order.venueFilled, event.filled ?? 0);
      return {
        ...base,
        price: event.price,
        size: event.size,
        venueFilled,
        clientOrderId: order.amendTo?.clientOrderId ?? order.clientOrderId,
        status: workingOrFilled(Math.max(order.filled, venueFilled), event.size),
        awaiting: undefined,
        amendTo: undefined,
      };
    }
    case 'amend_rejected':
      // a refused amend changed nothing: the order keeps its price and size
      if (event.orderGone === true) return { ...base, status: 'unknown', reason: event.reason, amendTo: undefined };
      return { ...base, status: workingOrFilled(knownFilled(order), order.size), reason: event.reason, awaiting: undefined, amendTo: undefined };
    case 'expired': {
      const orderId = order.orderId ?? event.orderId;
      return { ...base, status: 'expired', reason: 'expired', awaiting: undefined, amendTo: undefined, ...(orderId !== undefined ? { orderId } : {}) };
    }
    case 'timed_out':
      return { ...base, status: 'unknown' };
    case 'found': {
      const venueFilled = Math.max(order.venueFilled, event.filled);
      const known = Math.max(order.filled, venueFilled);
      const resolved = {
        ...base,
        orderId: event.orderId,
        venueFilled,
        price: event.price ?? order.price,
        clientOrderId: event.clientOrderId ?? order.clientOrderId,
        awaiting: undefined,
        amendTo: undefined,
      };
      if (event.status === 'resting') {
        const size = event.filled + event.remaining;
        return { ...resolved, size, status: workingOrFilled(known, size) };
      }
      if (event.status === 'executed') return { ...resolved, size: event.filled > 0 ? event.filled : order.size, status: 'filled' };
      return { ...resolved, status: 'canceled', reason: 'canceled (found by lookup)' };
    }
    case 'not_found': {
      const known = knownFilled(order);
      const ended = { ...base, awaiting: undefined, amendTo: undefined };
      if (known >= order.size) return { ...ended, status: 'filled' };
      // a create that never took effect; an order that existed (it had an answer or a fill) ended canceled
      if (order.awaiting === 'create' && known === 0 && order.orderId === undefined)
        return { ...ended, status: 'rejected', reason: 'not found after the create timed out' };
      return { ...ended, status: 'canceled', reason: 'not found by lookup' };
    }
  }
}

function dropUndefined(order: TrackedOrder): TrackedOrder {
  // `awaiting: undefined` and friends are removed, so a record reads the same however it got there
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(order)) if (value !== undefined) out[key] = value;
  return out as unknown as TrackedOrder;
}

/**
 * Apply one event at `nowMs`. Never throws: an event the state does not accept, or a
 * malformed payload, comes back as an error and the record is left as it was.
 */
export function applyOrderEvent(order: TrackedOrder, event: OrderEvent, nowMs: number): Result<OrderTransition, OrderTransitionError> {
  const status = order.status;
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(ORDER_EVENT_TYPES as readonly string[]).includes(type)) {
    return err({ kind: 'invalid', status, event: String(type), message: `not an order event: ${String(type)}` });
  }
  const targets = ORDER_TRANSITIONS[status]?.[type as OrderEventType];
  if (targets === undefined) {
    const terminal = isTerminal(status);
    return err({
      kind: terminal ? 'terminal' : 'illegal',
      status,
      event: type,
      message: terminal
        ? `order ${order.clientOrderId} has ended (${status}); only fill reports are counted, ${type} is dropped`
        : `order ${order.clientOrderId}: ${type} is not accepted while ${status}`,
    });
  }
  const problem = checkPayload(event, order);
  if (problem !== undefined) return err({ kind: 'invalid', status, event: type, message: `order ${order.clientOrderId}: ${problem}` });
  const next = dropUndefined(step(order, event, nowMs));
  if (!targets.includes(next.status)) {
    // the step and the table disagree; refuse rather than leave the table's states
    return err({ kind: 'illegal', status, event: type, message: `order ${order.clientOrderId}: ${type} while ${status} would lead to ${next.status}` });
  }
  const transition: { -readonly [K in keyof OrderTransition]: OrderTransition[K] } = { order: next, from: status, to: next.status };
  if (event.type === 'filled') {
    if (isTerminal(status)) transition.lateFill = true;
    if (next.filled > Math.max(next.size, order.amendTo?.size ?? 0)) transition.overfill = true;
  }
  return ok(transition);
}
