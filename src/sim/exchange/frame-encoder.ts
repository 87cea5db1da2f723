/**
 * Exchange events -> wire text, in the current format (dollar strings, fixed-point
 * counts, ts_ms) or the legacy integer-cent format of before 12 Mar 2026.
 * Every price and size goes through src/protocol/fixed.ts.
 */
import type { BookSnapshot } from '../../protocol/decode.js';
import { e4ToDollars, hundredthsToCount, microsToDollars, ticksToDollars } from '../../protocol/fixed.js';
import { ERROR_TEXT, type Channel } from '../../protocol/wire.js';
import type { BookChanged, ExchangeEvent, OrderFilled, OrderSnapshot, PositionChanged, TickerChanged } from './market-events.js';

export interface FrameHeader {
  readonly id?: number;
  readonly sid?: number;
  readonly seq?: number;
}

/** `{"type":..,"id":..,"sid":..,"seq":..,"msg":..}` with absent keys left out. */
export function envelope(type: string, header: FrameHeader, msg?: string): string {
  let text = `{"type":"${type}"`;
  if (header.id !== undefined) text += `,"id":${header.id}`;
  if (header.sid !== undefined) text += `,"sid":${header.sid}`;
  if (header.seq !== undefined) text += `,"seq":${header.seq}`;
  if (msg !== undefined) text += `,"msg":${msg}`;
  return `${text}}`;
}

export function errorBody(code: number, marketTickers?: readonly string[]): string {
  return JSON.stringify({
    code,
    msg: ERROR_TEXT[code] ?? 'Error',
    ...(marketTickers && marketTickers.length > 0 ? { market_tickers: marketTickers } : {}),
  });
}

export function snapshotBody(snapshot: BookSnapshot, marketId: string, legacy: boolean): string {
  const body: Record<string, unknown> = { market_ticker: snapshot.ticker, market_id: marketId };
  if (legacy) {
    if (snapshot.yes.length > 0) body.yes = snapshot.yes.map(([price, size]) => [price, size / 100]);
    if (snapshot.no.length > 0) body.no = snapshot.no.map(([price, size]) => [price, size / 100]);
  } else {
    if (snapshot.yes.length > 0) body.yes_dollars_fp = snapshot.yes.map(([price, size]) => [ticksToDollars(price), hundredthsToCount(size)]);
    if (snapshot.no.length > 0) body.no_dollars_fp = snapshot.no.map(([price, size]) => [ticksToDollars(price), hundredthsToCount(size)]);
  }
  return JSON.stringify(body);
}

export interface EncodedEvent {
  readonly type: string;
  readonly channel: Channel;
  readonly ticker: string;
  readonly msg: string;
  /** the variant sent to connections of the account that caused the change */
  readonly ownMsg?: string;
  readonly causeKeyId?: string;
  /** private events go only to connections of this account */
  readonly accountKeyId?: string;
}

export function encodeEvent(event: ExchangeEvent, legacy: boolean): EncodedEvent {
  switch (event.kind) {
    case 'book':
      return encodeBook(event, legacy);
    case 'trade': {
      const seconds = Math.floor(event.tsMs / 1000);
      const taker = { taker_side: event.takerSide };
      const msg = legacy
        ? {
            trade_id: event.tradeId,
            market_ticker: event.ticker,
            yes_price: event.yesPrice,
            no_price: 100 - event.yesPrice,
            count: event.count / 100,
            ...taker,
            ts: seconds,
          }
        : {
            trade_id: event.tradeId,
            market_ticker: event.ticker,
            yes_price_dollars: ticksToDollars(event.yesPrice),
            no_price_dollars: ticksToDollars(100 - event.yesPrice),
            count_fp: hundredthsToCount(event.count),
            ...taker,
            taker_outcome_side: event.takerSide,
            taker_book_side: event.takerSide === 'yes' ? 'bid' : 'ask',
            is_block_trade: false,
            ts: seconds,
            ts_ms: event.tsMs,
          };
      return { type: 'trade', channel: 'trade', ticker: event.ticker, msg: JSON.stringify(msg) };
    }
    case 'ticker':
      return { type: 'ticker', channel: 'ticker', ticker: event.ticker, msg: tickerBody(event, legacy) };
    case 'lifecycle': {
      const seconds = Math.floor(event.tsMs / 1000);
      const detail =
        event.eventType === 'deactivated'
          ? { is_deactivated: true }
          : event.eventType === 'determined'
            ? {
                determination_ts: seconds,
                result: event.result,
                ...(event.result === 'void' ? {} : { settlement_value: event.result === 'yes' ? '1.0000' : '0.0000' }),
              }
            : { settled_ts: seconds };
      const msg = { market_ticker: event.ticker, event_type: event.eventType, ...detail };
      return { type: 'market_lifecycle_v2', channel: 'market_lifecycle_v2', ticker: event.ticker, msg: JSON.stringify(msg) };
    }
    case 'fill':
      return { type: 'fill', channel: 'fill', ticker: event.ticker, msg: fillBody(event, legacy), accountKeyId: event.keyId };
    case 'position':
      return {
        type: 'market_position',
        channel: 'market_positions',
        ticker: event.ticker,
        msg: positionBody(event, legacy),
        accountKeyId: event.keyId,
      };
    case 'order_group':
      return {
        type: 'order_group_updates',
        channel: 'order_group_updates',
        ticker: '',
        msg: JSON.stringify({
          event_type: event.eventType,
          order_group_id: event.groupId,
          ...(event.limit !== undefined ? { contracts_limit_fp: hundredthsToCount(event.limit) } : {}),
          ts_ms: event.tsMs,
        }),
        accountKeyId: event.keyId,
      };
    case 'order':
      return {
        type: 'user_order',
        channel: 'user_orders',
        ticker: event.order.ticker,
        msg: userOrderBody(event.order),
        accountKeyId: event.order.keyId,
      };
  }
}

export function tickerBody(event: TickerChanged, legacy: boolean): string {
  const seconds = Math.floor(event.tsMs / 1000);
  const msg = legacy
    ? {
        market_ticker: event.ticker,
        market_id: event.marketId,
        price: event.lastPrice,
        yes_bid: event.yesBid,
        yes_ask: event.yesAsk,
        volume: Math.floor(event.volume / 100),
        open_interest: Math.floor(event.openInterest / 100),
        ts: seconds,
      }
    : {
        market_id: event.marketId,
        market_ticker: event.ticker,
        price_dollars: ticksToDollars(event.lastPrice),
        yes_bid_dollars: ticksToDollars(event.yesBid),
        yes_ask_dollars: ticksToDollars(event.yesAsk),
        volume_fp: hundredthsToCount(event.volume),
        open_interest_fp: hundredthsToCount(event.openInterest),
        yes_bid_size_fp: hundredthsToCount(event.yesBidSize),
        yes_ask_size_fp: hundredthsToCount(event.yesAskSize),
        last_trade_size_fp: hundredthsToCount(event.lastTradeSize),
        ts: seconds,
        ts_ms: event.tsMs,
      };
  return JSON.stringify(msg);
}

let isoCache = { ms: Number.NaN, text: '' };

/** RFC 3339 with microseconds, as Kalshi writes the deprecated `ts` of a delta. */
function isoMicros(ms: number): string {
  if (isoCache.ms !== ms) isoCache = { ms, text: new Date(ms).toISOString().replace('Z', '000Z') };
  return isoCache.text;
}

/**
 * Deltas are most of the traffic, so their text is assembled directly. Tickers and market
 * ids never need escaping (tickers are checked at start-up, ids are UUIDs); a client order
 * id goes through JSON.stringify.
 */
function encodeBook(event: BookChanged, legacy: boolean): EncodedEvent {
  const head = `{"market_ticker":"${event.ticker}","market_id":"${event.marketId}",`;
  const body = legacy
    ? `"price":${event.price},"delta":${event.delta / 100},"side":"${event.side}"`
    : `"price_dollars":"${ticksToDollars(event.price)}","delta_fp":"${hundredthsToCount(event.delta)}","side":"${event.side}"`;
  const time = legacy ? `,"ts":"${isoMicros(event.tsMs)}"}` : `,"ts":"${isoMicros(event.tsMs)}","ts_ms":${event.tsMs}}`;
  const msg = head + body + time;
  if (!event.cause) return { type: 'orderbook_delta', channel: 'orderbook_delta', ticker: event.ticker, msg };
  const own = event.cause.clientOrderId !== undefined ? `,"client_order_id":${JSON.stringify(event.cause.clientOrderId)}` : '';
  return {
    type: 'orderbook_delta',
    channel: 'orderbook_delta',
    ticker: event.ticker,
    msg,
    ownMsg: head + body + own + time,
    causeKeyId: event.cause.keyId,
  };
}

function fillBody(event: OrderFilled, legacy: boolean): string {
  const boughtYes = event.orderSide === 'bid';
  const direction = {
    is_taker: event.isTaker,
    side: boughtYes ? 'yes' : 'no',
    action: 'buy',
  };
  const head = {
    trade_id: event.tradeId,
    order_id: event.orderId,
    ...(event.clientOrderId !== undefined ? { client_order_id: event.clientOrderId } : {}),
    market_ticker: event.ticker,
  };
  const seconds = Math.floor(event.tsMs / 1000);
  const msg = legacy
    ? {
        ...head,
        ...direction,
        yes_price: event.yesPrice,
        count: event.count / 100,
        post_position: event.postPosition / 100,
        purchased_side: direction.side,
        ts: seconds,
      }
    : {
        ...head,
        // one exchange shard here (exchange_index, on fills since 20 Aug 2026)
        exchange_index: 0,
        ...direction,
        yes_price_dollars: ticksToDollars(event.yesPrice),
        count_fp: hundredthsToCount(event.count),
        fee_cost: microsToDollars(event.feeMicros),
        post_position_fp: hundredthsToCount(event.postPosition),
        purchased_side: direction.side,
        outcome_side: direction.side,
        book_side: event.orderSide,
        ts: seconds,
        ts_ms: event.tsMs,
      };
  return JSON.stringify(msg);
}

function positionBody(event: PositionChanged, legacy: boolean): string {
  const msg = legacy
    ? {
        user_id: event.keyId,
        market_ticker: event.ticker,
        position: event.position / 100,
        position_cost: event.costE4,
        realized_pnl: Math.round(event.realizedPnlMicros / 100),
        fees_paid: Math.ceil(event.feesMicros / 100),
        volume: event.volume / 100,
      }
    : {
        user_id: event.keyId,
        market_ticker: event.ticker,
        position_fp: hundredthsToCount(event.position),
        position_cost_dollars: e4ToDollars(event.costE4),
        realized_pnl_dollars: microsToDollars(event.realizedPnlMicros),
        fees_paid_dollars: microsToDollars(event.feesMicros),
        position_fee_cost_dollars: microsToDollars(event.feesMicros),
        volume_fp: hundredthsToCount(event.volume),
      };
  return JSON.stringify(msg);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `user_order` (ws-v2.md 5.6): note `ticker`, not `market_ticker`. */
function userOrderBody(order: OrderSnapshot): string {
  const boughtYes = order.bookSide === 'bid';
  return JSON.stringify({
    order_id: order.orderId,
    user_id: order.keyId,
    ticker: order.ticker,
    exchange_index: 0,
    status: order.status,
    side: boughtYes ? 'yes' : 'no',
    is_yes: boughtYes,
    outcome_side: boughtYes ? 'yes' : 'no',
    book_side: order.bookSide,
    yes_price_dollars: ticksToDollars(order.yesPrice),
    fill_count_fp: hundredthsToCount(order.fillCount),
    remaining_count_fp: hundredthsToCount(order.remainingCount),
    initial_count_fp: hundredthsToCount(order.initialCount),
    taker_fill_cost_dollars: microsToDollars(order.takerFillCostE4 * 100),
    maker_fill_cost_dollars: microsToDollars(order.makerFillCostE4 * 100),
    taker_fees_dollars: microsToDollars(order.takerFeesMicros),
    maker_fees_dollars: microsToDollars(order.makerFeesMicros),
    ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
    ...(order.orderGroupId !== undefined ? { order_group_id: order.orderGroupId } : {}),
    self_trade_prevention_type: order.selfTradePrevention,
    created_time: iso(order.createdMs),
    created_ts_ms: order.createdMs,
    last_updated_ts_ms: order.lastUpdateMs,
    ...(order.lastUpdateReason !== undefined ? { last_update_reason: order.lastUpdateReason } : {}),
    subaccount_number: 0,
  });
}
