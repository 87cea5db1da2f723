/**
 * Building intents. The action follows from the kind: entry bids (and their cancels) buy,
 * exits and reduce-only prompts sell (strategy-spec section 8).
 */
import type { Intent, IntentAction, IntentKind } from './intent.js';
import type { Side } from '../protocol/wire.js';
import type { EntryPriceReason, EntrySkipReason } from './entry-targets.js';
import type { ExitPriceReason, ExitSkipReason } from './exit-target.js';

/** Why everything resting is cancelled at once. */
export type CancelAllReason = 'stale_book' | 'market_closed' | 'shutdown';

/** Every reason an intent can carry (the `reason` field of the intents file). */
export type IntentReason =
  EntryPriceReason | EntrySkipReason | ExitPriceReason | ExitSkipReason | CancelAllReason | 'ttl' | 'ttl_refresh' | 'reprice' | 'inventory_cap' | 'flatten';

const ACTION_OF_KIND: Readonly<Record<IntentKind, IntentAction>> = {
  quote: 'buy',
  reprice: 'buy',
  cancel: 'buy',
  exit: 'sell',
  exit_cancel: 'sell',
  reduce_only: 'sell',
};

/** Who is deciding and when: the same for every intent of one decision. */
export interface DecisionContext {
  readonly ticker: string;
  readonly nowMs: number;
}

export function makeIntent(
  context: DecisionContext,
  kind: IntentKind,
  side: Side,
  order: { readonly price: number; readonly size: number },
  reason: IntentReason,
  prevPrice?: number,
): Intent {
  const intent: Intent = {
    tsMs: context.nowMs,
    ticker: context.ticker,
    kind,
    side,
    action: ACTION_OF_KIND[kind],
    price: order.price,
    size: order.size,
    reason,
  };
  return prevPrice === undefined ? intent : { ...intent, prevPrice };
}
