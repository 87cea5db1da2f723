/**
 * What happens in the simulated exchange, as plain events. Markets and paper trading
 * produce them; the frame encoder turns them into wire messages; subscribers route them.
 * Prices are integer ticks (cents), sizes integer hundredths of a contract, money e4.
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

export interface LifecycleChanged {
  readonly kind: 'lifecycle';
  readonly ticker: string;
  readonly eventType: MarketCloseType;
  /** for `determined`: the winning leg */
  readonly result?: Side;
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
  readonly feeE4: number;
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
  readonly realizedPnlE4: number;
  readonly feesE4: number;
  readonly volume: number;
}

export type ExchangeEvent = BookChanged | TradeExecuted | TickerChanged | LifecycleChanged | OrderFilled | PositionChanged;

export type EventSink = (event: ExchangeEvent) => void;
