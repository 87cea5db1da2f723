/**
 * Exit target against the resting exit of one leg -> intents (strategy-spec section 5).
 *
 *   no target            : exit_cancel what rests, with the reason (flat when nothing is held)
 *   nothing resting      : exit
 *   resting has expired  : exit_cancel (ttl), then exit (ttl_refresh) at the current target
 *   price or size differ : exit_cancel (reprice), then exit
 *   same                 : nothing
 */
import type { Side } from '../protocol/wire.js';
import type { ExitTarget } from './exit-target.js';
import { type DecisionContext, type IntentReason, makeIntent } from './intents.js';
import type { LegReconciliation } from './reconcile-bid.js';
import { isExpired, type RestingOrder, samePriceAndSize } from './resting-order.js';

export function reconcileExit(context: DecisionContext, leg: Side, target: ExitTarget, resting: RestingOrder | undefined, ttlMs: number): LegReconciliation {
  if (target.kind === 'none') {
    return resting === undefined
      ? { intents: [], resting: undefined }
      : { intents: [makeIntent(context, 'exit_cancel', leg, resting, target.reason)], resting: undefined };
  }
  const posted: RestingOrder = { price: target.price, size: target.size, postedMs: context.nowMs };
  const exit = (reason: IntentReason) => makeIntent(context, 'exit', leg, target, reason);
  if (resting === undefined) return { intents: [exit(target.reason)], resting: posted };
  if (isExpired(resting, ttlMs, context.nowMs)) {
    const cancel = makeIntent(context, 'exit_cancel', leg, resting, 'ttl');
    return { intents: [cancel, exit('ttl_refresh')], resting: posted };
  }
  if (!samePriceAndSize(resting, target)) {
    const cancel = makeIntent(context, 'exit_cancel', leg, resting, 'reprice');
    return { intents: [cancel, exit(target.reason)], resting: posted };
  }
  return { intents: [], resting };
}
