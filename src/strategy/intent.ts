/**
 * What the strategy decides: an intent, in exact integers with time in ms. The logger turns
 * each into a line of the intents file (log/intent-record.ts); the execution layer turns
 * each into orders.
 */
import type { Side } from '../protocol/wire.js';

export type IntentKind = 'quote' | 'reprice' | 'cancel' | 'exit' | 'exit_cancel' | 'reduce_only';
export type IntentAction = 'buy' | 'sell';

export const INTENT_KINDS: readonly IntentKind[] = ['quote', 'reprice', 'cancel', 'exit', 'exit_cancel', 'reduce_only'];

/** An intent as the strategy produces it: exact integers, time in ms. */
export interface Intent {
  readonly tsMs: number;
  readonly ticker: string;
  readonly kind: IntentKind;
  readonly side: Side;
  readonly action: IntentAction;
  /** ticks of one cent, 1..99 */
  readonly price: number;
  /** hundredths of a contract */
  readonly size: number;
  readonly reason: string;
  /** on a reprice: the price it replaces, in ticks */
  readonly prevPrice?: number;
  /**
   * the order's client order id, when intents become orders (every mode but announce): a new
   * one for each quote, reprice, exit and reduce-only; on a cancel, the id of what it cancels
   */
  readonly clientOrderId?: string;
}
