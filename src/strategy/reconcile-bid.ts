/**
 * Entry-bid target against the resting bid of one leg -> intents (strategy-spec section 4).
 *
 *   no target            : cancel what rests, with the reason the target was dropped
 *   nothing resting      : quote
 *   resting has expired  : cancel (ttl), then quote (ttl_refresh)
 *   price or size differ : reprice (carries the previous price; its age starts again)
 *   same                 : nothing
 */
import type { Intent } from './intent.js';
import type { Side } from '../protocol/wire.js';
import type { EntryTarget } from './entry-targets.js';
import { type DecisionContext, makeIntent } from './intents.js';
import { isExpired, type RestingOrder, samePriceAndSize } from './resting-order.js';

export interface LegReconciliation {
  readonly intents: Intent[];
  readonly resting: RestingOrder | undefined;
}

export function reconcileBid(context: DecisionContext, leg: Side, target: EntryTarget, resting: RestingOrder | undefined, ttlMs: number): LegReconciliation {
  if (target.kind === 'none') {
    return resting === undefined
      ? { intents: [], resting: undefined }
      : { intents: [makeIntent(context, 'cancel', leg, resting, target.reason)], resting: undefined };
  }
  const posted: RestingOrder = { price: target.price, size: target.size, postedMs: context.nowMs };
  if (resting === undefined) {
    return { intents: [makeIntent(context, 'quote', leg, target, target.reason)], resting: posted };
  }
  if (isExpired(resting, ttlMs, context.nowMs)) {
    return {
      intents: [makeIntent(context, 'cancel', leg, resting, 'ttl'), makeIntent(context, 'quote', leg, target, 'ttl_refresh')],
      resting: posted,
    };
  }
  if (!samePriceAndSize(resting, target)) {
    return { intents: [makeIntent(context, 'reprice', leg, target, target.reason, resting.price)], resting: posted };
  }
  return { intents: [], resting };
}
