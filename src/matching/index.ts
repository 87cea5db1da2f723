/** The matching engine's public API. */
export { BidLadder, type BookOrder } from './bid-ladder.js';
export { OrderBook, otherSide, type AmendChange, type AmendResult, type DecreaseResult, type OrderBookOptions } from './order-book.js';
export type {
  CancelReason,
  Cancellation,
  Execution,
  Fill,
  LevelChange,
  NewOrder,
  OrderStatus,
  RejectReason,
  SelfTradePrevention,
  SubmitResult,
  TimeInForce,
} from './types.js';
