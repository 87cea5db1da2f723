/**
 * Paper trading: the accounts' side of the simulated exchange. The order desk
 * (src/sim/venue/order-desk.ts) keeps orders, fills, positions and balances on top of the
 * markets' matching engines; the venue API (src/sim/venue/rest-api.ts) is its REST face.
 * A resting order joins its level behind the size already there and fills when simulated
 * takers trade through it.
 */
import type { RestResponse, RestRoute } from '../server/rest.js';
import { OrderDesk, type OrderDeskOptions } from '../venue/order-desk.js';
import type { WriteLimiter } from '../venue/rate-limit.js';
import { VenueApi, type VenueApiOptions } from '../venue/rest-api.js';
import type { Market, TakeResult } from './market.js';
import type { Portfolio } from './portfolio.js';

export interface PaperTradingDependencies extends OrderDeskOptions {
  readonly wholeContracts: boolean;
  readonly limiter: WriteLimiter | undefined;
  readonly settlementDelayMs: number;
  readonly status: VenueApiOptions['status'];
  readonly seriesFees: VenueApiOptions['seriesFees'];
}

export class PaperTrading {
  readonly desk: OrderDesk;
  readonly api: VenueApi;

  constructor(dependencies: PaperTradingDependencies) {
    this.desk = new OrderDesk(dependencies);
    this.api = new VenueApi({ ...dependencies, desk: this.desk });
  }

  get portfolio(): Portfolio {
    return this.desk.portfolio;
  }

  get ordersPlaced(): number {
    return this.desk.ordersPlaced;
  }

  routes(restPrefix: string): RestRoute[] {
    return this.api.routes(restPrefix);
  }

  /** Create Order V2 (`POST /portfolio/events/orders`) for `keyId`, outside the write budget. */
  place(keyId: string, body: unknown): RestResponse {
    return this.api.place(keyId, body);
  }

  /** Cancel (`DELETE /portfolio/events/orders/{id}`) for `keyId`, outside the write budget. */
  cancel(keyId: string, orderId: string): RestResponse {
    return this.api.cancelOrder(keyId, orderId);
  }

  /** Fills for paper orders that rested on the book and were traded through. */
  settleMakers(market: Market, result: TakeResult): void {
    this.desk.settleMakers(market, result);
  }

  /** Overwrites a position and announces it (test hook). */
  setPosition(keyId: string, ticker: string, position: number, costE4: number): void {
    this.desk.setPosition(keyId, ticker, position, costE4);
  }
}
