/**
 * What became of the maker's intents once they are orders: the events the execution layer
 * sends back to the maker of a market (src/execution/). The maker's idea of what rests comes
 * from these, not from what it hoped.
 *
 * An event is addressed to an order slot, (leg, role): a market holds at most one order per
 * slot. It carries the client order id the maker gave the order; the maker acts on an event
 * only when that id is the one it believes rests in the slot.
 */
import type { Side } from '../protocol/wire.js';
import type { IntentKind } from './intent.js';

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
