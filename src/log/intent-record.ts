/**
 * The intent record: the contract between the ticker actors, the logger actor, the
 * intents file and everything that reads it. One JSON object per line in the intents file.
 *
 *   {"ts": ISO-8601, "ticker", "kind", "side", "action", "price": "0.4300",
 *    "size": "5.00", "reason", "prev_price"?, "client_order_id"?}
 *
 * `client_order_id` is there when intents become orders (every execution mode but announce).
 *
 * Fields may be added; none of these may be removed or renamed.
 */
import { hundredthsToCount, ticksToDollars } from '../protocol/fixed.js';
import type { Side } from '../protocol/wire.js';
import type { Intent, IntentAction, IntentKind } from '../strategy/intent.js';
import { IsoTimeCache } from './iso-time.js';

/** An intent as written to the intents file. */
export interface IntentRecord {
  readonly ts: string;
  readonly ticker: string;
  readonly kind: IntentKind;
  readonly side: Side;
  readonly action: IntentAction;
  readonly price: string;
  readonly size: string;
  readonly reason: string;
  readonly prev_price?: string;
  /** when intents become orders */
  readonly client_order_id?: string;
}

/** the intents of one decision share its time */
const intentTimes = new IsoTimeCache();

export function toIntentRecord(i: Intent): IntentRecord {
  const base = {
    ts: intentTimes.of(i.tsMs),
    ticker: i.ticker,
    kind: i.kind,
    side: i.side,
    action: i.action,
    price: ticksToDollars(i.price),
    size: hundredthsToCount(i.size),
    reason: i.reason,
  };
  const withPrevious = i.prevPrice === undefined ? base : { ...base, prev_price: ticksToDollars(i.prevPrice) };
  return i.clientOrderId === undefined ? withPrevious : { ...withPrevious, client_order_id: i.clientOrderId };
}

/** Short human line, in the spirit of the seed's prints. */
export function formatIntentLine(r: IntentRecord): string {
  const prev = r.prev_price ? ` (was ${r.prev_price})` : '';
  return `${r.ts} ${r.ticker} ${r.kind.toUpperCase()} ${r.action} ${r.side.toUpperCase()} ${r.size} @ ${r.price}${prev} [${r.reason}]`;
}
