/**
 * Every message between the shard actors and the execution actor, one union per direction.
 *
 *   shard -> execution   IntentsSubmitted: the maker's intents, each with a client order id
 *   execution -> shard   OrderEventsPosted: what became of them (order events) and the
 *                        position the fills made
 *
 * Order events are addressed to an order slot: one (ticker, leg, role) holds at most one
 * order at a time. The maker keeps what it believes rests per slot and corrects it from
 * these events: a rejected, cancelled, expired or completely filled order is gone at once.
 */
import type { Side } from '../protocol/wire.js';
import type { Intent, IntentKind } from '../strategy/intent.js';

/** What an order is for: the entry bid of a leg, its exit ask, or a reduce-only prompt. */
export type SlotRole = 'entry' | 'exit' | 'reduce';

export const ROLE_OF_KIND: Readonly<Record<IntentKind, SlotRole>> = {
  quote: 'entry',
  reprice: 'entry',
  cancel: 'entry',
  exit: 'exit',
  exit_cancel: 'exit',
  reduce_only: 'reduce',
};

export interface IntentsSubmitted {
  readonly kind: 'IntentsSubmitted';
  readonly intents: readonly Intent[];
}

export type OrderEventKind = 'OrderAccepted' | 'OrderRejected' | 'OrderCanceled' | 'OrderFilled' | 'OrderExpired';

export interface OrderEvent {
  readonly kind: OrderEventKind;
  readonly ticker: string;
  readonly leg: Side;
  readonly role: SlotRole;
  readonly clientOrderId: string;
  readonly orderId: string | undefined;
  /** the order's price on its leg, ticks */
  readonly price: number;
  /** hundredths still resting after this event (0 once the order is gone) */
  readonly remaining: number;
  /** why it was rejected, cancelled or expired */
  readonly reason?: string;
  /** OrderFilled: this fill */
  readonly fill?: { readonly count: number; readonly price: number; readonly feeMicros: number; readonly isTaker: boolean };
  readonly tsMs: number;
}

/** The position of a market after fills (the maker's inventory in every mode that trades). */
export interface PositionChanged {
  readonly kind: 'PositionChanged';
  readonly ticker: string;
  /** signed hundredths, + YES / − NO */
  readonly position: number;
  /** cost basis of the open position, e4 dollars (entry = cost / |position|, rounded up) */
  readonly costE4: number;
}

export type ExecutionEvent = OrderEvent | PositionChanged;

export interface OrderEventsPosted {
  readonly kind: 'OrderEventsPosted';
  readonly events: readonly ExecutionEvent[];
}

export type ExecutionPortMessage = IntentsSubmitted | OrderEventsPosted;
