/**
 * What happens in the simulated exchange, as plain events. Markets and paper trading
 * produce them; the frame encoder turns them into wire messages; subscribers route them.
 * Prices are integer ticks (cents), sizes integer hundredths of a contract, costs e4,
 * fees and PnL micro-dollars.
 */
import type { Side } from '../../protocol/wire.js';

/** The account whose order caused a change (annotates its own deltas). */
export interface OrderCause {
  readonly keyId: string;
  readonly clientOrderId?: string;
}

export interface BookChanged {
  readonly kind: 'book';
  readonly ticker: string;
  readonly marketId: string;
  readonly side: Side;
  readonly price: number;
  readonly delta: number;
  readonly tsMs: number;
  readonly cause?: OrderCause;
}

export interface TradeExecuted {
  readonly kind: 'trade';
  readonly ticker: string;
  readonly tradeId: string;
  readonly yesPrice: number;
  readonly count: number;
  /** the leg the taker bought */
  readonly takerSide: Side;
  readonly tsMs: number;
}

export interface TickerChanged {
  readonly kind: 'ticker';
  readonly ticker: string;
  readonly marketId: string;
  readonly lastPrice: number;
  readonly lastTradeSize: number;
  readonly yesBid: number;
  readonly yesBidSize: number;
  readonly yesAsk: number;
  readonly yesAskSize: number;
  readonly volume: number;
  readonly openInterest: number;
  readonly tsMs: number;
}

export type MarketCloseType = 'deactivated' | 'determined' | 'settled';

/** How a market is determined: a winning leg, or void (every position is returned at cost). */
export type MarketResult = Side | 'void';

export interface LifecycleChanged {
  readonly kind: 'lifecycle';
  readonly ticker: string;
  readonly eventType: MarketCloseType;
  /** for `determined` and `settled`: the result */
  readonly result?: MarketResult;
  readonly tsMs: number;
}

export interface OrderFilled {
  readonly kind: 'fill';
  readonly keyId: string;
  readonly ticker: string;
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId?: string;
  readonly isTaker: boolean;
  /** V2 order side: bid = buy YES, ask = sell YES (buy NO) */
  readonly orderSide: 'bid' | 'ask';
  readonly yesPrice: number;
  readonly count: number;
  readonly feeMicros: number;
  readonly postPosition: number;
  readonly tsMs: number;
}

export interface PositionChanged {
  readonly kind: 'position';
  readonly keyId: string;
  readonly ticker: string;
  /** signed hundredths: + YES, - NO */
  readonly position: number;
  readonly costE4: number;
  readonly realizedPnlMicros: number;
  readonly feesMicros: number;
  readonly volume: number;
}

export type OrderState = 'resting' | 'canceled' | 'executed';

/** Why an order changed last, in the words of the `user_order` channel (ws-v2.md 5.6); absent on a new order. */
export type OrderUpdateReason =
  'Trade' | 'Decrease' | 'Amend' | 'SelfTradeCancel' | 'ExpiryCancel' | 'CloseCancel' | 'HaltCancel' | 'PostOnlyCrossCancel' | 'ReduceOnlyCancel';

/** An account's order as it stands, copied when it changes. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly keyId: string;
  readonly clientOrderId?: string;
  readonly ticker: string;
  readonly eventTicker: string;
  /** V2 side: bid = buy YES, ask = sell YES (buy NO) */
  readonly bookSide: 'bid' | 'ask';
  /** the YES-leg price of the order, ticks */
  readonly yesPrice: number;
  readonly status: OrderState;
  readonly initialCount: number;
  readonly fillCount: number;
  readonly remainingCount: number;
  readonly takerFillCostE4: number;
  readonly makerFillCostE4: number;
  readonly takerFeesMicros: number;
  readonly makerFeesMicros: number;
  readonly timeInForce: 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
  readonly selfTradePrevention: 'taker_at_cross' | 'maker';
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly cancelOrderOnPause: boolean;
  readonly orderGroupId?: string;
  readonly createdMs: number;
  readonly lastUpdateMs: number;
  readonly lastUpdateReason?: OrderUpdateReason;
}

export interface OrderChanged {
  readonly kind: 'order';
  readonly order: OrderSnapshot;
}

export type OrderGroupEventType = 'created' | 'triggered' | 'reset' | 'deleted' | 'limit_updated';

export interface OrderGroupChanged {
  readonly kind: 'order_group';
  readonly keyId: string;
  readonly groupId: string;
  readonly eventType: OrderGroupEventType;
  /** hundredths; on created and limit_updated */
  readonly limit?: number;
  readonly tsMs: number;
}

export type ExchangeEvent = BookChanged | TradeExecuted | TickerChanged | LifecycleChanged | OrderFilled | PositionChanged | OrderChanged | OrderGroupChanged;

export type ExchangeEventSink = (event: ExchangeEvent) => void;
