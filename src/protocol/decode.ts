/**
 * Wire message -> exact normalized event. Accepts the current dollar/fixed-point format
 * and the legacy integer-cent format (recordings from before 12 Mar 2026).
 * Every function throws ProtocolError on malformed input; callers decide how to recover.
 */
import { ProtocolError, countToHundredths, dollarsToE4, dollarsToTicks, legacyCentsToTicks, legacyCountToHundredths } from './fixed.js';
import type { FillMsg, LifecycleMsg, MarketPositionMsg, OrderbookDeltaMsg, OrderbookSnapshotMsg, Side } from './wire.js';

/** A price level: [price in ticks, size in hundredths of a contract]. */
export type Level = readonly [price: number, size: number];

export interface BookSnapshot {
  readonly ticker: string;
  readonly yes: readonly Level[];
  readonly no: readonly Level[];
}

export interface BookDelta {
  readonly ticker: string;
  readonly side: Side;
  readonly price: number;
  readonly delta: number;
  readonly tsMs?: number;
  /** the change was caused by one of this account's own orders (the frame carries client_order_id) */
  readonly own?: boolean;
}

export interface PositionUpdate {
  readonly ticker: string;
  /** signed hundredths: + YES held, - NO held */
  readonly position: number;
  /** cost basis in ten-thousandths of a dollar, when known */
  readonly costE4?: number;
}

export interface FillEvent {
  readonly ticker: string;
  readonly tradeId: string;
  readonly orderId: string;
  /** leg whose exposure grew: yes = long YES (buy yes / sell no) */
  readonly side: Side;
  /** YES-leg price in ticks */
  readonly yesPrice: number;
  readonly count: number;
  /** this account's order took liquidity (false: its resting order was filled; absent: not said) */
  readonly isTaker?: boolean;
  readonly postPosition?: number;
  readonly tsMs?: number;
}

export interface LifecycleEvent {
  readonly ticker: string;
  readonly eventType: string;
  readonly closeTsMs?: number;
  readonly isDeactivated?: boolean;
}

function requireTicker(msg: { market_ticker?: unknown } | undefined, what: string): string {
  const t = msg?.market_ticker;
  if (typeof t !== 'string' || t.length === 0) throw new ProtocolError(`${what}: missing market_ticker`);
  return t;
}

function levels(raw: unknown, legacy: boolean, what: string): Level[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ProtocolError(`${what}: levels must be an array`);
  const out: Level[] = [];
  for (const lv of raw) {
    if (!Array.isArray(lv) || lv.length < 2) throw new ProtocolError(`${what}: bad level ${JSON.stringify(lv)}`);
    const price = legacy ? legacyCentsToTicks(lv[0], `${what} price`) : dollarsToTicks(lv[0], `${what} price`);
    const size = legacy ? legacyCountToHundredths(lv[1], `${what} size`) : countToHundredths(lv[1], `${what} size`);
    out.push([price, size]);
  }
  return out;
}

export function decodeSnapshot(msg: OrderbookSnapshotMsg | undefined): BookSnapshot {
  const ticker = requireTicker(msg, 'orderbook_snapshot');
  const m = msg!;
  const current = m.yes_dollars_fp !== undefined || m.no_dollars_fp !== undefined;
  const legacy = !current && (m.yes !== undefined || m.no !== undefined);
  return {
    ticker,
    yes: legacy ? levels(m.yes, true, 'yes') : levels(m.yes_dollars_fp, false, 'yes_dollars_fp'),
    no: legacy ? levels(m.no, true, 'no') : levels(m.no_dollars_fp, false, 'no_dollars_fp'),
  };
}

export function decodeDelta(msg: OrderbookDeltaMsg | undefined): BookDelta {
  const ticker = requireTicker(msg, 'orderbook_delta');
  const m = msg!;
  if (m.side !== 'yes' && m.side !== 'no') throw new ProtocolError(`orderbook_delta: bad side ${JSON.stringify(m.side)}`);
  let price: number;
  let delta: number;
  if (m.price_dollars !== undefined && m.delta_fp !== undefined) {
    price = dollarsToTicks(m.price_dollars, 'price_dollars');
    delta = countToHundredths(m.delta_fp, 'delta_fp');
  } else if (m.price !== undefined && m.delta !== undefined) {
    price = legacyCentsToTicks(m.price, 'price');
    delta = legacyCountToHundredths(m.delta, 'delta');
  } else {
    throw new ProtocolError('orderbook_delta: missing price_dollars/delta_fp');
  }
  // built field by field (no spread of temporary objects: this runs for every book delta)
  const out: { ticker: string; side: Side; price: number; delta: number; tsMs?: number; own?: boolean } = { ticker, side: m.side, price, delta };
  if (typeof m.ts_ms === 'number') out.tsMs = m.ts_ms;
  if (typeof m.client_order_id === 'string') out.own = true;
  return out;
}

export function decodePosition(msg: MarketPositionMsg | undefined): PositionUpdate {
  const ticker = requireTicker(msg, 'market_position');
  const m = msg!;
  let position: number;
  let costE4: number | undefined;
  if (m.position_fp !== undefined) {
    position = countToHundredths(m.position_fp, 'position_fp');
    if (m.position_cost_dollars !== undefined) costE4 = dollarsToE4(m.position_cost_dollars, 'position_cost_dollars');
  } else if (m.position !== undefined) {
    position = legacyCountToHundredths(m.position, 'position');
    // legacy position_cost is in centi-cents = ten-thousandths of a dollar
    if (typeof m.position_cost === 'number' && Number.isInteger(m.position_cost)) costE4 = m.position_cost;
  } else {
    throw new ProtocolError('market_position: missing position_fp');
  }
  return costE4 === undefined ? { ticker, position } : { ticker, position, costE4 };
}

export function decodeFill(msg: FillMsg | undefined): FillEvent {
  const ticker = requireTicker(msg, 'fill');
  const m = msg!;
  const yesPrice = m.yes_price_dollars !== undefined ? dollarsToTicks(m.yes_price_dollars, 'yes_price_dollars') : legacyCentsToTicks(m.yes_price, 'yes_price');
  const count = m.count_fp !== undefined ? countToHundredths(m.count_fp, 'count_fp') : legacyCountToHundredths(m.count, 'count');
  let side: Side;
  if (m.outcome_side === 'yes' || m.outcome_side === 'no') side = m.outcome_side;
  else if (m.purchased_side === 'yes' || m.purchased_side === 'no') side = m.purchased_side;
  else if (m.side === 'yes' || m.side === 'no') side = m.side;
  else throw new ProtocolError('fill: no outcome_side');
  const post =
    m.post_position_fp !== undefined
      ? countToHundredths(m.post_position_fp, 'post_position_fp')
      : typeof m.post_position === 'number'
        ? m.post_position * 100
        : undefined;
  const out: FillEvent = {
    ticker,
    tradeId: String(m.trade_id ?? ''),
    orderId: String(m.order_id ?? ''),
    side,
    yesPrice,
    count,
    ...(typeof m.is_taker === 'boolean' ? { isTaker: m.is_taker } : {}),
    ...(post !== undefined ? { postPosition: post } : {}),
    ...(typeof m.ts_ms === 'number' ? { tsMs: m.ts_ms } : {}),
  };
  return out;
}

export function decodeLifecycle(msg: LifecycleMsg | undefined): LifecycleEvent {
  const ticker = requireTicker(msg, 'market_lifecycle_v2');
  const m = msg!;
  if (typeof m.event_type !== 'string') throw new ProtocolError('market_lifecycle_v2: missing event_type');
  return {
    ticker,
    eventType: m.event_type,
    ...(typeof m.close_ts === 'number' ? { closeTsMs: m.close_ts * 1000 } : {}),
    ...(typeof m.is_deactivated === 'boolean' ? { isDeactivated: m.is_deactivated } : {}),
  };
}
