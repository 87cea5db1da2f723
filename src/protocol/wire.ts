/**
 * Kalshi Trade API WebSocket v2: the wire shapes, as sent and received.
 * See ../shared/kalshi/ws-v2.md (sections 3-6). Both the client (gateway) and the
 * simulator import these; nothing else defines wire shapes.
 */

export const WS_PATH = '/trade-api/ws/v2';
export const REST_PREFIX = '/trade-api/v2';

export type Side = 'yes' | 'no';

export type Channel = 'orderbook_delta' | 'ticker' | 'trade' | 'fill' | 'market_positions' | 'user_orders' | 'order_group_updates' | 'market_lifecycle_v2';

export const KNOWN_CHANNELS: readonly Channel[] = [
  'orderbook_delta',
  'ticker',
  'trade',
  'fill',
  'market_positions',
  'user_orders',
  'order_group_updates',
  'market_lifecycle_v2',
];

/** Channels whose frames carry a per-sid `seq`. */
export const SEQUENCED_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['orderbook_delta', 'trade', 'order_group_updates', 'market_lifecycle_v2']);

// ---- client -> server -------------------------------------------------------------

export interface SubscribeParams {
  channels: string[];
  market_ticker?: string;
  market_tickers?: string[];
  send_initial_snapshot?: boolean;
  skip_ticker_ack?: boolean;
  use_yes_price?: boolean;
}

export interface UpdateSubscriptionParams {
  sid?: number;
  sids?: number[];
  action: 'add_markets' | 'delete_markets' | 'get_snapshot';
  market_ticker?: string;
  market_tickers?: string[];
  send_initial_snapshot?: boolean;
}

export type ClientCommand =
  | { id: number; cmd: 'subscribe'; params: SubscribeParams }
  | { id: number; cmd: 'unsubscribe'; params: { sids: number[] } }
  | { id: number; cmd: 'update_subscription'; params: UpdateSubscriptionParams }
  | { id: number; cmd: 'list_subscriptions' };

// ---- server -> client -------------------------------------------------------------

/** The common envelope. `sid`/`seq` are absent on unsequenced frames and on `subscribed`. */
export interface ServerFrame<T extends string = string, M = unknown> {
  type: T;
  id?: number;
  sid?: number;
  seq?: number;
  msg?: M;
}

/** [price_dollars, size_fp], ascending by price (best bid last). */
export type DollarLevel = [string, string];
/** Legacy: [price_cents, contracts]. */
export type CentLevel = [number, number];

export interface OrderbookSnapshotMsg {
  market_ticker: string;
  market_id?: string;
  yes_dollars_fp?: DollarLevel[];
  no_dollars_fp?: DollarLevel[];
  /** legacy integer-cent levels (before 12 Mar 2026) */
  yes?: CentLevel[];
  no?: CentLevel[];
}

export interface OrderbookDeltaMsg {
  market_ticker: string;
  market_id?: string;
  side: Side;
  price_dollars?: string;
  delta_fp?: string;
  /** legacy */
  price?: number;
  delta?: number;
  client_order_id?: string;
  subaccount?: number;
  ts?: string;
  ts_ms?: number;
}

export interface TickerMsg {
  market_ticker: string;
  market_id?: string;
  price_dollars?: string;
  yes_bid_dollars?: string;
  yes_ask_dollars?: string;
  yes_bid_size_fp?: string;
  yes_ask_size_fp?: string;
  last_trade_size_fp?: string;
  volume_fp?: string;
  open_interest_fp?: string;
  ts?: number;
  ts_ms?: number;
  /** legacy cents */
  price?: number;
  yes_bid?: number;
  yes_ask?: number;
  volume?: number;
  open_interest?: number;
}

export interface TradeMsg {
  trade_id: string;
  market_ticker: string;
  yes_price_dollars?: string;
  no_price_dollars?: string;
  count_fp?: string;
  taker_side?: Side;
  taker_outcome_side?: Side;
  taker_book_side?: 'bid' | 'ask';
  is_block_trade?: boolean;
  ts?: number;
  ts_ms?: number;
  /** legacy */
  yes_price?: number;
  no_price?: number;
  count?: number;
}

export interface FillMsg {
  trade_id: string;
  order_id: string;
  client_order_id?: string;
  market_ticker: string;
  is_taker: boolean;
  side?: Side;
  action?: string;
  yes_price_dollars?: string;
  count_fp?: string;
  fee_cost?: string;
  post_position_fp?: string;
  purchased_side?: Side;
  outcome_side?: Side;
  book_side?: 'bid' | 'ask';
  ts?: number;
  ts_ms?: number;
  /** legacy */
  yes_price?: number;
  count?: number;
  post_position?: number;
}

export interface MarketPositionMsg {
  user_id?: string;
  market_ticker: string;
  position_fp?: string;
  position_cost_dollars?: string;
  realized_pnl_dollars?: string;
  fees_paid_dollars?: string;
  position_fee_cost_dollars?: string;
  volume_fp?: string;
  subaccount?: number;
  /** legacy: integer contracts and centi-cents */
  position?: number;
  position_cost?: number;
  realized_pnl?: number;
  fees_paid?: number;
  volume?: number;
}

/** `user_orders` channel, type `user_order` (ws-v2.md 5.6): note the market key is `ticker`. */
export interface UserOrderMsg {
  order_id: string;
  user_id?: string;
  ticker: string;
  status: 'resting' | 'canceled' | 'executed' | 'unknown';
  side?: Side;
  is_yes?: boolean;
  outcome_side?: Side;
  book_side?: 'bid' | 'ask';
  yes_price_dollars?: string;
  fill_count_fp?: string;
  remaining_count_fp?: string;
  initial_count_fp?: string;
  taker_fill_cost_dollars?: string;
  maker_fill_cost_dollars?: string;
  taker_fees_dollars?: string;
  maker_fees_dollars?: string;
  client_order_id?: string;
  order_group_id?: string;
  self_trade_prevention_type?: string;
  created_time?: string | null;
  created_ts_ms?: number | null;
  last_updated_ts_ms?: number;
  last_update_reason?: string;
}

export type LifecycleEventType =
  'created' | 'activated' | 'deactivated' | 'close_date_updated' | 'determined' | 'settled' | 'price_level_structure_updated' | 'metadata_updated';

export interface LifecycleMsg {
  market_ticker: string;
  event_type: LifecycleEventType | string;
  is_deactivated?: boolean;
  open_ts?: number;
  close_ts?: number;
  determination_ts?: number;
  result?: string;
  settlement_value?: string;
  settled_ts?: number;
  [extra: string]: unknown;
}

export interface SubscribedMsg {
  channel: string;
  sid: number;
}

export interface ErrorMsg {
  code: number;
  msg: string;
  market_ticker?: string;
  market_tickers?: string[];
}

/** The full error-code table of the v2 socket (ws-v2.md section 4.6). */
export const ERROR_CODES = {
  UNABLE_TO_PROCESS: 1,
  PARAMS_REQUIRED: 2,
  CHANNELS_REQUIRED: 3,
  SIDS_REQUIRED: 4,
  UNKNOWN_COMMAND: 5,
  UNKNOWN_SID: 7,
  UNKNOWN_CHANNEL: 8,
  AUTH_REQUIRED: 9,
  CHANNEL_ERROR: 10,
  INVALID_PARAMETER: 11,
  EXACTLY_ONE_SID: 12,
  UNSUPPORTED_ACTION: 13,
  MARKET_TICKER_REQUIRED: 14,
  ACTION_REQUIRED: 15,
  COMMAND_TIMEOUT: 18,
  BUFFER_OVERFLOW: 25,
  MARKET_LIMIT: 26,
  TOO_MANY_REQUESTS: 27,
} as const;

export const ERROR_TEXT: Readonly<Record<number, string>> = {
  1: 'Unable to process message',
  2: 'Params required',
  3: 'Channels required',
  4: 'Subscription IDs required',
  5: 'Unknown command',
  7: 'Unknown subscription ID',
  8: 'Unknown channel name',
  9: 'Authentication required',
  10: 'Channel error',
  11: 'Invalid parameter',
  12: 'Exactly one subscription ID is required',
  13: 'Unsupported action',
  14: 'Market Ticker required',
  15: 'Action required',
  18: 'Command timeout',
  25: 'Subscription buffer overflow',
  26: 'Subscription market limit exceeded',
  27: 'Too many requests',
};

/** Request headers of the signed handshake (ws-v2.md section 2.3). */
export const AUTH_HEADERS = {
  key: 'KALSHI-ACCESS-KEY',
  timestamp: 'KALSHI-ACCESS-TIMESTAMP',
  signature: 'KALSHI-ACCESS-SIGNATURE',
} as const;
