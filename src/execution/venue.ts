/**
 * The one venue contract: what the execution core needs of wherever orders go. The
 * simulator's REST API (paper), Kalshi's REST API (live) and a local matching engine
 * (sandbox, backtest) each implement it; the core never knows which one it faces.
 *
 * Requests answer with a promise. A refusal rejects with VenueRefusedError (the order did
 * not happen), a 429 with VenueRateLimitedError (nothing happened; try again later), and a
 * request whose answer was lost (timeout, reset connection) with VenueOutcomeUnknownError:
 * the order may or may not exist, and only a lookup by client order id can tell.
 *
 * What happens to orders afterwards (fills, cancels by the venue) arrives through the
 * handlers given to `listen`. Prices are ticks on the order's leg, sizes hundredths.
 */
import type { Leg, OrderAction, OrderIntent } from './order-request.js';

export interface VenueOrderAck {
  readonly orderId: string;
  /** hundredths still resting (0 for an IOC that is done, or an order filled at once) */
  readonly remaining: number;
  /** hundredths filled so far, as the venue counts them */
  readonly filled: number;
}

export interface VenueOrder {
  readonly orderId: string;
  readonly clientOrderId: string | undefined;
  readonly ticker: string;
  readonly leg: Leg;
  readonly action: OrderAction;
  readonly price: number;
  readonly remaining: number;
  readonly filled: number;
  readonly status: 'resting' | 'canceled' | 'executed';
}

export interface VenueFill {
  /** unique per fill: the dedupe key */
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId: string | undefined;
  readonly ticker: string;
  /** the YES-leg price of the fill, ticks */
  readonly yesPrice: number;
  /** this fill only, hundredths */
  readonly count: number;
  /** the venue's fee for this fill, micro-dollars, when it reports one */
  readonly feeMicros: number | undefined;
  readonly isTaker: boolean;
  readonly tsMs: number;
}

/** An order that ended at the venue's initiative (a post-only cross, a halt, an expiry). */
export interface VenueOrderEnded {
  readonly orderId: string;
  readonly clientOrderId: string | undefined;
  readonly ticker: string;
  readonly status: 'canceled' | 'expired';
  readonly reason: string;
}

/** The venue's word on a position (market_position), for checking the engine's own. */
export interface VenuePosition {
  readonly ticker: string;
  /** signed hundredths, + YES / − NO */
  readonly position: number;
}

export interface VenueHolding {
  readonly ticker: string;
  /** signed hundredths, + YES / − NO */
  readonly position: number;
  /** what the position cost, micro-dollars */
  readonly costMicros: number;
}

export interface VenueHandlers {
  fill(fill: VenueFill): void;
  orderEnded(ended: VenueOrderEnded): void;
  position(position: VenuePosition): void;
  /** the market settled: its position pays 1 or 0 per contract, or (void) its cost back */
  settled(ticker: string, result: 'yes' | 'no' | 'void'): void;
  /** an order group reached its limit: the exchange cancelled its members and refuses new ones until a reset */
  groupTriggered?(orderGroupId: string): void;
}

export interface AmendRequest {
  readonly orderId: string;
  readonly ticker: string;
  readonly leg: Leg;
  readonly action: OrderAction;
  readonly price: number;
  /** hundredths already filled, and the resting size wanted after the amend (the new total is their sum) */
  readonly filled: number;
  readonly resting: number;
  readonly clientOrderId: string;
  readonly newClientOrderId: string;
}

export interface Venue {
  /** `paper`, `live`, `sandbox`: what the summary and the logs call it */
  readonly label: string;
  listen(handlers: VenueHandlers): void;
  create(order: OrderIntent): Promise<VenueOrderAck>;
  /** resolves with the hundredths the cancel took off (0: it had already filled) */
  cancel(order: { readonly orderId: string; readonly ticker: string }): Promise<number>;
  amend(request: AmendRequest): Promise<{ readonly remaining: number; readonly filled: number }>;
  decrease(order: { readonly orderId: string; readonly ticker: string; readonly reduceTo: number }): Promise<{ readonly remaining: number }>;
  /** the order this client order id names, or undefined when the venue has none */
  findOrder(ticker: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  /** every order resting in these markets under this account */
  listResting(tickers: readonly string[]): Promise<VenueOrder[]>;
  /** the fills of one order, as the venue lists them (to catch up on what the private channel missed) */
  fills(orderId: string): Promise<VenueFill[]>;
  /** the account's positions in these markets (cost in micro-dollars), and its balance in cents when the venue tells */
  positions(tickers: readonly string[]): Promise<{ readonly positions: readonly VenueHolding[]; readonly balanceCents: number | undefined }>;
  close(): Promise<void>;
  /** Kalshi's order groups (live): a group per market, whose members the exchange cancels at the limit */
  createOrderGroup?(contractsLimit: number): Promise<string>;
  resetOrderGroup?(orderGroupId: string): Promise<void>;
}

/** The venue refused the request: nothing happened. */
export class VenueRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'VenueRefusedError';
  }
}

/** The venue's rate limit (HTTP 429): nothing happened. */
export class VenueRateLimitedError extends Error {
  constructor(message = 'too many requests') {
    super(message);
    this.name = 'VenueRateLimitedError';
  }
}

/** The answer was lost: the request may or may not have taken effect. */
export class VenueOutcomeUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VenueOutcomeUnknownError';
  }
}
