/**
 * What goes into the matching engine and what comes out: plain, readonly records in the
 * code base's integer units (prices in ticks of a leg, sizes in hundredths of a contract,
 * fees in micro-dollars). Nothing here knows about HTTP or the wire.
 */
import type { Side } from '../protocol/wire.js';

export type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';

/** `taker_at_cross`: the taker is cancelled and stops; `maker`: the resting order is cancelled and matching goes on. */
export type SelfTradePrevention = 'taker_at_cross' | 'maker';

/** Why an order was refused outright (it never rested nor traded). */
export type RejectReason = 'PostOnlyCrossCancel' | 'ReduceOnlyCancel';

/**
 * Why size left the book without trading. The matching engine itself produces
 * SelfTradeCancel, ImmediateOrCancel (what an IOC order could not fill) and FillOrKillCancel;
 * the others are given by the caller of `cancel`.
 */
export type CancelReason = 'Requested' | 'SelfTradeCancel' | 'ImmediateOrCancel' | 'FillOrKillCancel' | 'CloseCancel' | 'HaltCancel' | 'OrderGroupCancel';

export interface NewOrder {
  readonly orderId: string;
  /** the account; undefined = anonymous (never self-trade checked) */
  readonly owner?: string;
  /** the leg bought: `yes` for a V2 bid, `no` for a V2 ask */
  readonly side: Side;
  /** the most paid on the order's own leg, in ticks 1..99 */
  readonly price: number;
  /** hundredths of a contract, > 0 */
  readonly count: number;
  readonly timeInForce: TimeInForce;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  /** the owner's signed position in the market (+ YES, - NO, hundredths); read with reduceOnly */
  readonly position?: number;
  /** default taker_at_cross */
  readonly selfTradePrevention?: SelfTradePrevention;
}

/** One side of an execution. */
export interface Fill {
  readonly orderId: string;
  readonly owner: string | undefined;
  /** the leg this order bought */
  readonly side: Side;
  readonly isTaker: boolean;
  /** price paid on the order's own leg, ticks */
  readonly price: number;
  readonly count: number;
  /** the exchange fee of this fill, micro-dollars (rounded up) */
  readonly feeMicros: number;
}

/** One match of the taker against one resting order. */
export interface Execution {
  readonly tradeId: string;
  /** the YES-leg price of the trade, ticks */
  readonly yesPrice: number;
  readonly count: number;
  /** the leg the taker bought */
  readonly takerSide: Side;
  readonly taker: Fill;
  readonly maker: Fill;
}

/** Size that left the book (or never reached it) without trading. */
export interface Cancellation {
  readonly orderId: string;
  readonly owner: string | undefined;
  readonly side: Side;
  readonly price: number;
  readonly count: number;
  readonly reason: CancelReason;
}

/** A signed change of the total resting at one price of one side. */
export interface LevelChange {
  readonly side: Side;
  readonly price: number;
  readonly delta: number;
}

export type OrderStatus = 'resting' | 'executed' | 'canceled';

export interface SubmitResult {
  readonly orderId: string;
  /** set when the order was refused: nothing traded, nothing rests, no book change */
  readonly rejected?: RejectReason;
  /** executed: filled in full; resting: a remainder rests; canceled: what was left did not rest */
  readonly status: OrderStatus;
  /** the size the order was accepted with (a reduce-only order is capped to the position) */
  readonly size: number;
  readonly filled: number;
  /** what now rests on the book */
  readonly resting: number;
  /** the order's own remainder that was cancelled, with why */
  readonly canceled?: Cancellation;
  /** in matching order */
  readonly executions: readonly Execution[];
  /** resting orders of the same owner cancelled by `maker` self-trade prevention */
  readonly makerCancels: readonly Cancellation[];
  /** every change of the book's levels, in order (maker levels consumed, then the rest added) */
  readonly bookChanges: readonly LevelChange[];
}
