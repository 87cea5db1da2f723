/**
 * The JSON the venue's REST endpoints answer with, shaped like Kalshi's: orders, fills,
 * positions, settlements, markets and series. Prices are dollar strings, counts
 * fixed-point strings, costs and fees dollar strings (6 decimals where fees or PnL can
 * reach the micro-dollar).
 */
import type { FeeSchedule } from '../../fees/fee-model.js';
import { e4ToDollars, hundredthsToCount, microsToDollars, ticksToDollars } from '../../protocol/fixed.js';
import type { Market } from '../exchange/market.js';
import type { PositionState } from '../exchange/portfolio.js';
import type { SettlementRecord } from './order-desk.js';
import type { FillRecord, VenueOrder } from './order-store.js';

/** e4 (a cost) as a 6-decimal dollar string. */
export function e4To6(e4: number): string {
  return microsToDollars(e4 * 100);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function orderBody(order: VenueOrder): Record<string, unknown> {
  return {
    order_id: order.orderId,
    user_id: order.keyId,
    client_order_id: order.clientOrderId ?? '',
    ticker: order.ticker,
    event_ticker: order.eventTicker,
    side: order.side,
    action: 'buy',
    type: 'limit',
    status: order.status,
    outcome_side: order.side,
    book_side: order.bookSide,
    yes_price_dollars: ticksToDollars(order.yesPrice),
    no_price_dollars: ticksToDollars(100 - order.yesPrice),
    initial_count_fp: hundredthsToCount(order.initialCount),
    fill_count_fp: hundredthsToCount(order.fillCount),
    remaining_count_fp: hundredthsToCount(order.remainingCount),
    taker_fill_cost_dollars: e4To6(order.takerFillCostE4),
    maker_fill_cost_dollars: e4To6(order.makerFillCostE4),
    taker_fees_dollars: microsToDollars(order.takerFeesMicros),
    maker_fees_dollars: microsToDollars(order.makerFeesMicros),
    time_in_force: order.timeInForce,
    post_only: order.postOnly,
    reduce_only: order.reduceOnly,
    self_trade_prevention_type: order.selfTradePrevention,
    cancel_order_on_pause: order.cancelOrderOnPause,
    order_group_id: order.orderGroupId ?? null,
    expiration_time: null,
    created_time: isoTime(order.createdMs),
    created_ts_ms: order.createdMs,
    last_update_time: isoTime(order.lastUpdateMs),
    last_updated_ts_ms: order.lastUpdateMs,
    ...(order.lastUpdateReason !== undefined ? { last_update_reason: order.lastUpdateReason } : {}),
  };
}

/** The averages of a V2 order answer: YES price and fee per contract over the order's fills. */
export function orderAverages(order: VenueOrder): Record<string, string> {
  if (order.fillCount === 0) return {};
  const legCostE4 = order.takerFillCostE4 + order.makerFillCostE4;
  const yesNotionalE4 = order.side === 'yes' ? legCostE4 : 100 * order.fillCount - legCostE4;
  return {
    average_fill_price: e4ToDollars(Math.round((yesNotionalE4 * 100) / order.fillCount)),
    average_fee_paid: microsToDollars(Math.round(((order.takerFeesMicros + order.makerFeesMicros) * 100) / order.fillCount)),
  };
}

/** A REST fill: no client_order_id (Kalshi dropped it on 30 Mar 2026; join on order_id). */
export function fillBody(fill: FillRecord): Record<string, unknown> {
  return {
    fill_id: fill.fillId,
    trade_id: fill.fillId,
    order_id: fill.orderId,
    ticker: fill.ticker,
    market_ticker: fill.ticker,
    side: fill.side,
    action: 'buy',
    purchased_side: fill.side,
    outcome_side: fill.side,
    book_side: fill.bookSide,
    count_fp: hundredthsToCount(fill.count),
    yes_price_dollars: ticksToDollars(fill.yesPrice),
    no_price_dollars: ticksToDollars(100 - fill.yesPrice),
    yes_price_fixed: ticksToDollars(fill.yesPrice),
    no_price_fixed: ticksToDollars(100 - fill.yesPrice),
    is_taker: fill.isTaker,
    fee_cost: microsToDollars(fill.feeMicros),
    post_position_fp: hundredthsToCount(fill.postPosition),
    created_time: isoTime(fill.tsMs),
    ts: Math.floor(fill.tsMs / 1000),
    ts_ms: fill.tsMs,
  };
}

export function positionBody(ticker: string, state: Readonly<PositionState>, restingOrders: number): Record<string, unknown> {
  return {
    ticker,
    position_fp: hundredthsToCount(state.position),
    market_exposure_dollars: e4ToDollars(state.costE4),
    realized_pnl_dollars: microsToDollars(state.realizedPnlMicros),
    fees_paid_dollars: microsToDollars(state.feesMicros),
    total_traded_dollars: e4ToDollars(state.totalTradedE4),
    resting_orders_count: restingOrders,
    last_updated_ts: isoTime(state.lastUpdatedMs),
  };
}

export interface EventTotals {
  costE4: number;
  exposureE4: number;
  shares: number;
  realizedPnlMicros: number;
  feesMicros: number;
}

export function eventPositionBody(eventTicker: string, totals: EventTotals): Record<string, unknown> {
  return {
    event_ticker: eventTicker,
    total_cost_dollars: e4ToDollars(totals.costE4),
    total_cost_shares_fp: hundredthsToCount(totals.shares),
    event_exposure_dollars: e4ToDollars(totals.exposureE4),
    realized_pnl_dollars: microsToDollars(totals.realizedPnlMicros),
    fees_paid_dollars: microsToDollars(totals.feesMicros),
  };
}

export function settlementBody(record: SettlementRecord): Record<string, unknown> {
  return {
    ticker: record.ticker,
    event_ticker: record.eventTicker,
    market_result: record.result,
    yes_count_fp: hundredthsToCount(record.yesCount),
    no_count_fp: hundredthsToCount(record.noCount),
    yes_total_cost_dollars: e4ToDollars(record.yesCostE4),
    no_total_cost_dollars: e4ToDollars(record.noCostE4),
    revenue: Math.floor(record.revenueE4 / 100),
    revenue_dollars: e4ToDollars(record.revenueE4),
    value: record.result === 'yes' ? 100 : record.result === 'no' ? 0 : null,
    fee_cost: microsToDollars(record.feesMicros),
    settled_time: isoTime(record.settledMs),
  };
}

/** The fee multiplier as the wire's JSON number (500 thousandths -> 0.5). */
export function feeMultiplier(schedule: FeeSchedule): number {
  return schedule.multiplierMilli / 1000;
}

/** Kalshi's market status: active while open, inactive once paused, then determined and finalized. */
export function marketStatus(market: Market): string {
  switch (market.closedBy) {
    case undefined:
      return 'active';
    case 'deactivated':
      return 'inactive';
    case 'determined':
      return 'determined';
    case 'settled':
      return 'finalized';
  }
}

export function marketBody(market: Market, settlementTimerSeconds: number, fractional: boolean): Record<string, unknown> {
  const yesBid = market.ladders.yes.best();
  const noBid = market.ladders.no.best();
  const result = market.closedBy === 'determined' || market.closedBy === 'settled' ? (market.result ?? '') : '';
  return {
    ticker: market.ticker,
    event_ticker: market.eventTicker,
    market_type: 'binary',
    title: `Simulated market ${market.ticker}`,
    subtitle: '',
    yes_sub_title: 'Yes',
    no_sub_title: 'No',
    open_time: isoTime(market.openTimeMs),
    close_time: isoTime(market.closeTimeMs),
    expiration_time: isoTime(market.closeTimeMs),
    latest_expiration_time: isoTime(market.closeTimeMs),
    status: marketStatus(market),
    result,
    ...(result === 'yes' || result === 'no' ? { settlement_value_dollars: result === 'yes' ? '1.0000' : '0.0000' } : {}),
    can_close_early: market.closable,
    yes_bid_dollars: ticksToDollars(yesBid),
    yes_ask_dollars: ticksToDollars(noBid > 0 ? 100 - noBid : 100),
    no_bid_dollars: ticksToDollars(noBid),
    no_ask_dollars: ticksToDollars(yesBid > 0 ? 100 - yesBid : 100),
    yes_bid_size_fp: hundredthsToCount(market.ladders.yes.sizeAt(yesBid)),
    yes_ask_size_fp: hundredthsToCount(noBid > 0 ? market.ladders.no.sizeAt(noBid) : 0),
    last_price_dollars: ticksToDollars(market.lastTradePrice),
    volume_fp: hundredthsToCount(market.volume),
    volume_24h_fp: hundredthsToCount(market.volume24h()),
    open_interest_fp: hundredthsToCount(market.openInterest),
    notional_value_dollars: '1.0000',
    tick_size: 1,
    price_level_structure: 'linear_cent',
    price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
    fractional_trading_enabled: fractional,
    settlement_timer_seconds: settlementTimerSeconds,
    fee_type: market.feeSchedule.feeType,
    fee_multiplier: feeMultiplier(market.feeSchedule),
    response_price_units: 'usd_cent',
  };
}

export function seriesBody(seriesTicker: string, schedule: FeeSchedule): Record<string, unknown> {
  return {
    ticker: seriesTicker,
    frequency: 'custom',
    title: `Simulated series ${seriesTicker}`,
    category: 'Simulated',
    tags: [],
    settlement_sources: [],
    contract_url: '',
    fee_type: schedule.feeType,
    fee_multiplier: feeMultiplier(schedule),
  };
}
