/**
 * The bodies of Kalshi's V2 order requests as they travel (ws-v2.md section 9): dollar and
 * count strings, the YES-leg side. Built in one place (src/execution/order-request.ts) and
 * sent by the REST client (src/adapters/kalshi/rest-client.ts).
 */
export type BookSide = 'bid' | 'ask';
export type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
export type SelfTradePrevention = 'taker_at_cross' | 'maker';

/** Body of `POST /portfolio/events/orders` (Create Order V2); also one item of a batch create. */
export interface CreateOrderV2Request {
  readonly ticker: string;
  readonly client_order_id: string;
  readonly side: BookSide;
  /** FixedPointCount, "10.00" */
  readonly count: string;
  /** YES-leg FixedPointDollars, "0.5600" */
  readonly price: string;
  readonly time_in_force: TimeInForce;
  readonly self_trade_prevention_type: SelfTradePrevention;
  readonly post_only: boolean;
  readonly reduce_only: boolean;
  readonly cancel_order_on_pause?: boolean;
  readonly order_group_id?: string;
  /** Unix seconds */
  readonly expiration_time?: number;
  readonly subaccount?: number;
  readonly exchange_index?: number;
}

/** Body of `POST /portfolio/events/orders/{order_id}/amend`. */
export interface AmendOrderV2Request {
  readonly ticker: string;
  readonly side: BookSide;
  readonly price: string;
  /** the new TOTAL: already filled + desired resting */
  readonly count: string;
  readonly client_order_id: string;
  readonly updated_client_order_id: string;
  readonly exchange_index?: number;
}

/** Body of `POST /portfolio/events/orders/{order_id}/decrease`. */
export interface DecreaseOrderV2Request {
  readonly reduce_to?: string;
  readonly reduce_by?: string;
  readonly market_ticker?: string;
  readonly exchange_index?: number;
}

/** Body of `POST /portfolio/events/orders/batched`. */
export interface BatchCreateOrdersV2Request {
  readonly orders: readonly CreateOrderV2Request[];
}

export interface BatchCancelOrderItem {
  readonly order_id: string;
  readonly market_ticker?: string;
  readonly subaccount?: number;
  readonly exchange_index?: number;
}

/** Body of `DELETE /portfolio/events/orders/batched`. */
export interface BatchCancelOrdersV2Request {
  readonly orders: readonly BatchCancelOrderItem[];
}
