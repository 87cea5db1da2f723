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
import type { Intent } from '../strategy/intent.js';
import type { OrderEvent } from '../strategy/order-events.js';

export { ROLE_OF_KIND, type OrderEvent, type OrderEventKind, type SlotRole } from '../strategy/order-events.js';

export interface IntentsSubmitted {
  readonly kind: 'IntentsSubmitted';
  readonly intents: readonly Intent[];
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

/** The top of each market's book as its shard last saw it, for marking positions. */
export interface MarksPosted {
  readonly kind: 'MarksPosted';
  readonly marks: readonly { readonly ticker: string; readonly yesBid?: number; readonly noBid?: number }[];
}

export type ExecutionPortMessage = IntentsSubmitted | OrderEventsPosted | MarksPosted;
