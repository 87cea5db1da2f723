/**
 * Kalshi's REST API for order entry and reconciliation (ws-v2.md 9 and 15.3): the V2 order
 * writes, the portfolio reads, markets and the exchange status.
 *
 * - Every request is signed like the socket: `authHeaders` over timestamp + METHOD + the full
 *   path from the host root (`/trade-api/v2/...`), never the query string. The timestamp
 *   comes from the injected clock. A client made without a key sends unsigned requests,
 *   which only the public market data (markets, series) answers.
 * - One undici Agent keeps connections alive, so an order does not wait for a TCP (and TLS)
 *   handshake; `connections` caps the sockets to the host.
 * - A request that has no answer within `timeoutMs` fails with RequestTimeoutError: it may or
 *   may not have reached the exchange, so its outcome is unknown. A refusal (4xx) is a
 *   RestError whose outcome is known: nothing happened. Every error says which with
 *   `outcomeUnknown`; when it is true, a write must be resolved by a lookup (for an order,
 *   findOrderByClientOrderId) before it is sent again.
 * - Responses are typed with the wire field names and checked only for the fields the
 *   caller cannot do without (ids, lists); amounts stay strings for src/protocol/fixed.ts.
 */
import type { KeyObject } from 'node:crypto';
import { Agent } from 'undici';
import { authHeaders } from '../../protocol/auth.js';
import { isJsonObject } from '../../protocol/json-object.js';
import type {
  AmendOrderV2Request,
  BatchCancelOrdersV2Request,
  BatchCreateOrdersV2Request,
  CreateOrderV2Request,
  DecreaseOrderV2Request,
} from '../../protocol/order-bodies.js';

// ---- configuration ----------------------------------------------------------------------

/** Time for the signature timestamps, ms since the epoch. */
export interface Clock {
  now(): number;
}

export interface KalshiRestClientOptions {
  /** REST base including the API prefix, for example `https://external-api.kalshi.com/trade-api/v2` or `http://127.0.0.1:PORT/trade-api/v2` */
  readonly baseUrl: string;
  /** omit both keyId and privateKey for unsigned calls: only public market data (markets, series) answers them */
  readonly keyId?: string;
  readonly privateKey?: KeyObject;
  readonly clock: Clock;
  /** whole-request deadline, ms (default 5,000) */
  readonly timeoutMs?: number;
  /** most sockets open to the host (default 4) */
  readonly connections?: number;
  /** how long an idle socket is kept when the server sends no keep-alive hint, ms (default 30,000) */
  readonly keepAliveTimeoutMs?: number;
}

// ---- errors -----------------------------------------------------------------------------

/** Any failed request. `outcomeUnknown`: the exchange may have acted on it; look before resending. */
export class KalshiRequestError extends Error {
  constructor(
    message: string,
    readonly method: string,
    /** the path as signed, without the query */
    readonly path: string,
    readonly outcomeUnknown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KalshiRequestError';
  }
}

/**
 * The exchange answered with an error status and (usually) `{code, message, details}`;
 * `message` is the exchange's own text. A 4xx is a refusal (nothing happened); a 5xx leaves
 * the outcome unknown, since the exchange may have acted before failing.
 */
export class RestError extends KalshiRequestError {
  constructor(
    method: string,
    path: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string,
    /** the parsed body, or its text when it was not JSON */
    readonly body: unknown,
  ) {
    super(message, method, path, status >= 500);
    this.name = 'RestError';
  }

  /** One line for a log: method, path, status, code and message. */
  describe(): string {
    return `${this.method} ${this.path}: HTTP ${this.status} ${this.code}: ${this.message}${this.details !== '' ? ` (${this.details})` : ''}`;
  }
}

/** HTTP 429 (`{"error":"too many requests"}`, no Retry-After): refused, nothing happened; back off. */
export class RateLimitedError extends RestError {
  constructor(method: string, path: string, body: unknown) {
    super(method, path, 429, 'too_many_requests', 'too many requests', '', body);
    this.name = 'RateLimitedError';
  }
}

/** No answer within the deadline: the request may have been executed. */
export class RequestTimeoutError extends KalshiRequestError {
  constructor(
    method: string,
    path: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${path}: no answer within ${timeoutMs} ms (outcome unknown)`, method, path, true);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * The connection failed. Refused, unresolvable or closed before sending: the request never
 * left (`outcomeUnknown` false). Reset or closed afterwards: it may have been executed.
 */
export class NetworkError extends KalshiRequestError {
  constructor(
    method: string,
    path: string,
    /** the system or undici error code, for example ECONNREFUSED or UND_ERR_SOCKET */
    readonly code: string | undefined,
    mayHaveBeenSent: boolean,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${path}: ${code ?? 'network error'}: ${reason}${mayHaveBeenSent ? ' (outcome unknown)' : ''}`, method, path, mayHaveBeenSent, { cause });
    this.name = 'NetworkError';
  }
}

/** A success status with a body that lacks what the call needs (not JSON, no order id, no list). */
export class InvalidResponseError extends KalshiRequestError {
  constructor(
    method: string,
    path: string,
    readonly status: number,
    problem: string,
    readonly body: unknown,
  ) {
    super(`${method} ${path}: HTTP ${status} but ${problem}`, method, path, true);
    this.name = 'InvalidResponseError';
  }
}

/** Error codes that mean the request was never written to a socket. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
  'UND_ERR_INVALID_ARG',
]);

// ---- wire shapes: answers ---------------------------------------------------------------

/** `{code, message, details}` of a failed item in a batch answer. */
export interface KalshiErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly details?: string;
}

export interface CreateOrderV2Response {
  readonly order_id: string;
  readonly client_order_id?: string;
  /** FixedPointCount */
  readonly fill_count: string;
  readonly remaining_count: string;
  /** only when fill_count > 0 */
  readonly average_fill_price?: string;
  readonly average_fee_paid?: string;
  /** matching-engine time */
  readonly ts_ms?: number;
}

export interface CancelOrderV2Response {
  readonly order_id: string;
  readonly client_order_id?: string;
  /** the remaining count at cancel time; "0.00" if it had already filled */
  readonly reduced_by: string;
  readonly ts_ms?: number;
}

export interface AmendOrderV2Response {
  readonly order_id: string;
  readonly client_order_id?: string;
  readonly remaining_count: string;
  readonly fill_count: string;
  readonly average_fill_price?: string;
  readonly average_fee_paid?: string;
  readonly ts_ms?: number;
}

export interface DecreaseOrderV2Response {
  readonly order_id: string;
  readonly client_order_id?: string;
  readonly remaining_count: string;
  readonly ts_ms?: number;
}

export interface BatchCreateOrderResult {
  readonly order_id?: string;
  readonly client_order_id?: string;
  readonly fill_count?: string;
  readonly remaining_count?: string;
  readonly average_fill_price?: string;
  readonly average_fee_paid?: string;
  readonly ts_ms?: number;
  /** set when this item was refused */
  readonly error?: KalshiErrorBody | null;
}

export interface BatchCreateOrdersV2Response {
  readonly orders: readonly BatchCreateOrderResult[];
}

export interface BatchCancelOrderResult {
  readonly order_id: string;
  readonly client_order_id?: string;
  readonly reduced_by?: string;
  readonly ts_ms?: number;
  readonly error?: KalshiErrorBody | null;
}

export interface BatchCancelOrdersV2Response {
  readonly orders: readonly BatchCancelOrderResult[];
}

export type KalshiOrderStatus = 'resting' | 'canceled' | 'executed';

/** An order as `GET /portfolio/orders` lists it. */
export interface KalshiOrder {
  readonly order_id: string;
  readonly user_id?: string;
  readonly client_order_id: string;
  readonly ticker: string;
  /** yes = long YES exposure (buy YES / sell NO) */
  readonly outcome_side: 'yes' | 'no';
  /** bid = buy YES, ask = sell YES */
  readonly book_side: 'bid' | 'ask';
  /** deprecated */
  readonly side?: 'yes' | 'no';
  /** deprecated */
  readonly action?: 'buy' | 'sell';
  readonly type?: string;
  readonly status: KalshiOrderStatus;
  readonly yes_price_dollars: string;
  readonly no_price_dollars: string;
  readonly fill_count_fp: string;
  readonly remaining_count_fp: string;
  readonly initial_count_fp: string;
  readonly taker_fill_cost_dollars?: string;
  readonly maker_fill_cost_dollars?: string;
  readonly taker_fees_dollars?: string;
  readonly maker_fees_dollars?: string;
  readonly expiration_time?: string | null;
  readonly created_time?: string | null;
  readonly last_update_time?: string | null;
  readonly self_trade_prevention_type?: 'taker_at_cross' | 'maker' | null;
  readonly order_group_id?: string | null;
  readonly cancel_order_on_pause?: boolean;
  readonly subaccount_number?: number | null;
  readonly exchange_index?: number;
}

export interface GetOrdersResponse {
  readonly orders: readonly KalshiOrder[];
  /** empty or absent on the last page */
  readonly cursor?: string | null;
}

export interface GetOrderResponse {
  readonly order: KalshiOrder;
}

export interface KalshiMarketPosition {
  readonly ticker: string;
  readonly exchange_index?: number;
  readonly total_traded_dollars: string;
  /** signed: + YES, - NO */
  readonly position_fp: string;
  readonly market_exposure_dollars: string;
  readonly realized_pnl_dollars: string;
  readonly fees_paid_dollars: string;
  readonly last_updated_ts?: string;
}

export interface KalshiEventPosition {
  readonly event_ticker: string;
  readonly total_cost_dollars: string;
  readonly total_cost_shares_fp: string;
  readonly event_exposure_dollars: string;
  readonly realized_pnl_dollars: string;
  readonly fees_paid_dollars: string;
}

export interface GetPositionsResponse {
  readonly market_positions: readonly KalshiMarketPosition[];
  readonly event_positions: readonly KalshiEventPosition[];
  readonly cursor?: string | null;
}

export interface GetBalanceResponse {
  /** integer cents */
  readonly balance: number;
  readonly balance_dollars?: string;
  /** integer cents */
  readonly portfolio_value: number;
  readonly updated_ts?: number;
}

/** A fill as `GET /portfolio/fills` lists it (no client_order_id since 30 Mar 2026: join on order_id). */
export interface KalshiFill {
  readonly fill_id?: string;
  readonly trade_id: string;
  readonly order_id: string;
  readonly ticker?: string;
  readonly market_ticker?: string;
  readonly exchange_index?: number;
  readonly outcome_side: 'yes' | 'no';
  readonly book_side: 'bid' | 'ask';
  readonly side?: 'yes' | 'no';
  readonly action?: 'buy' | 'sell';
  readonly count_fp: string;
  readonly yes_price_dollars: string;
  readonly no_price_dollars: string;
  readonly is_taker: boolean;
  readonly fee_cost: string;
  readonly created_time?: string;
  readonly subaccount_number?: number | null;
  readonly ts?: number;
}

export interface GetFillsResponse {
  readonly fills: readonly KalshiFill[];
  readonly cursor?: string | null;
}

/** A market; only the fields the engine reads are typed, the rest pass through. */
export interface KalshiMarket {
  readonly ticker: string;
  readonly event_ticker?: string;
  /** `active` for an open market */
  readonly status: string;
  readonly yes_bid_dollars?: string;
  readonly yes_ask_dollars?: string;
  readonly no_bid_dollars?: string;
  readonly no_ask_dollars?: string;
  readonly last_price_dollars?: string;
  readonly volume_fp?: string;
  readonly open_interest_fp?: string;
  readonly open_time?: string;
  readonly close_time?: string;
  readonly fractional_trading_enabled?: boolean;
  readonly [field: string]: unknown;
}

export interface GetMarketsResponse {
  readonly markets: readonly KalshiMarket[];
  readonly cursor?: string | null;
}

export interface GetMarketResponse {
  readonly market: KalshiMarket;
}

/** A series; only its fee fields are typed, the rest pass through. */
export interface KalshiSeries {
  readonly ticker: string;
  /** quadratic, quadratic_with_maker_fees, quadratic_with_combo_maker_fees or flat (ws-v2.md 15.1) */
  readonly fee_type?: string;
  /** a JSON number such as 0.5 */
  readonly fee_multiplier?: number | string;
  readonly [field: string]: unknown;
}

export interface GetSeriesResponse {
  readonly series: KalshiSeries;
}

export interface ExchangeStatus {
  readonly exchange_active: boolean;
  readonly trading_active: boolean;
  readonly exchange_estimated_resume_time?: string | null;
}

// ---- wire shapes: queries ---------------------------------------------------------------

export interface GetOrdersQuery {
  readonly ticker?: string;
  /** comma-separated, at most 10 */
  readonly event_ticker?: string;
  readonly status?: KalshiOrderStatus;
  /** Unix seconds */
  readonly min_ts?: number;
  readonly max_ts?: number;
  /** 1..1000, default 100 */
  readonly limit?: number;
  readonly cursor?: string;
  readonly subaccount?: number;
}

export interface GetPositionsQuery {
  readonly ticker?: string;
  readonly event_ticker?: string;
  /** `position`, `total_traded` or both, comma-separated */
  readonly count_filter?: string;
  readonly settlement_status?: 'unsettled' | 'settled' | 'all';
  readonly limit?: number;
  readonly cursor?: string;
  readonly subaccount?: number;
}

export interface GetFillsQuery {
  readonly ticker?: string;
  readonly order_id?: string;
  readonly min_ts?: number;
  readonly max_ts?: number;
  readonly limit?: number;
  readonly cursor?: string;
  readonly subaccount?: number;
}

export interface GetMarketsQuery {
  readonly event_ticker?: string;
  readonly series_ticker?: string;
  /** `open` lists markets whose status reads `active` */
  readonly status?: 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
  /** sent comma-separated */
  readonly tickers?: string | readonly string[];
  readonly min_close_ts?: number;
  readonly max_close_ts?: number;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface CancelOrderOptions {
  /** the order's market: lets the exchange route the cancel to its shard */
  readonly ticker?: string;
  readonly subaccount?: number;
}

type QueryValue = string | number | boolean | readonly string[] | undefined;

// ---- the client -------------------------------------------------------------------------

const ORDERS = '/portfolio/events/orders';

interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** below the API prefix, already encoded */
  readonly endpoint: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
}

export class KalshiRestClient {
  readonly timeoutMs: number;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly agent: Agent;
  /** undefined: requests go unsigned */
  private readonly keyId: string | undefined;
  private readonly privateKey: KeyObject | undefined;
  private readonly clock: Clock;

  /** Throws a RangeError on a base URL that is not http(s) or on a non-positive timeout or connection count. */
  constructor(options: KalshiRestClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new RangeError(`REST base URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`REST base URL must be http(s), got ${url.protocol}`);
    if (url.search !== '' || url.hash !== '') throw new RangeError('REST base URL must not carry a query or a fragment');
    const timeoutMs = options.timeoutMs ?? 5_000;
    const connections = options.connections ?? 4;
    const keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
    if (!Number.isSafeInteger(connections) || connections < 1) throw new RangeError(`connections must be a whole number, at least 1, got ${connections}`);
    if (!(Number.isFinite(keepAliveTimeout) && keepAliveTimeout > 0))
      throw new RangeError(`keepAliveTimeoutMs must be a positive number, got ${keepAliveTimeout}`);
    const unsigned = options.keyId === undefined && options.privateKey === undefined;
    if (!unsigned && (typeof options.keyId !== 'string' || options.keyId === '')) throw new RangeError('keyId must be a non-empty string');
    if (!unsigned && options.privateKey === undefined) throw new RangeError('privateKey is required with a keyId');
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
    this.keyId = options.keyId;
    this.privateKey = options.privateKey;
    this.clock = options.clock;
    this.agent = new Agent({ connections, keepAliveTimeout, keepAliveMaxTimeout: Math.max(keepAliveTimeout, 600_000), pipelining: 1 });
  }

  // ---- order writes (V2) ----

  /** `POST /portfolio/events/orders` → 201. */
  async createOrder(body: CreateOrderV2Request): Promise<CreateOrderV2Response> {
    return this.send({ method: 'POST', endpoint: ORDERS, body }, (b) => requireOrderId<CreateOrderV2Response>(b));
  }

  /** `DELETE /portfolio/events/orders/{order_id}`. */
  async cancelOrder(orderId: string, options: CancelOrderOptions = {}): Promise<CancelOrderV2Response> {
    return this.send(
      { method: 'DELETE', endpoint: `${ORDERS}/${encodeId(orderId)}`, query: { market_ticker: options.ticker, subaccount: options.subaccount } },
      (b) => requireOrderId<CancelOrderV2Response>(b),
    );
  }

  /** `POST /portfolio/events/orders/{order_id}/amend`; the body's count is the new total. */
  async amendOrder(orderId: string, body: AmendOrderV2Request, options: { readonly subaccount?: number } = {}): Promise<AmendOrderV2Response> {
    return this.send({ method: 'POST', endpoint: `${ORDERS}/${encodeId(orderId)}/amend`, query: { subaccount: options.subaccount }, body }, (b) =>
      requireOrderId<AmendOrderV2Response>(b),
    );
  }

  /** `POST /portfolio/events/orders/{order_id}/decrease`. */
  async decreaseOrder(orderId: string, body: DecreaseOrderV2Request): Promise<DecreaseOrderV2Response> {
    return this.send({ method: 'POST', endpoint: `${ORDERS}/${encodeId(orderId)}/decrease`, body }, (b) => requireOrderId<DecreaseOrderV2Response>(b));
  }

  /** `POST /portfolio/events/orders/batched`: one result per order, in order, each with its own `error`. */
  async batchCreateOrders(body: BatchCreateOrdersV2Request): Promise<BatchCreateOrdersV2Response> {
    return this.send({ method: 'POST', endpoint: `${ORDERS}/batched`, body }, (b) => requireList<BatchCreateOrdersV2Response>(b, 'orders'));
  }

  /** `DELETE /portfolio/events/orders/batched` (with a JSON body). */
  async batchCancelOrders(body: BatchCancelOrdersV2Request): Promise<BatchCancelOrdersV2Response> {
    return this.send({ method: 'DELETE', endpoint: `${ORDERS}/batched`, body }, (b) => requireList<BatchCancelOrdersV2Response>(b, 'orders'));
  }

  /**
   * `DELETE /portfolio/events/orders`: cancels every resting order (204). Kalshi documents
   * that it may also cancel orders placed in the minute after the call; to clean up at
   * start, list the resting orders and batch-cancel them instead.
   */
  async cancelAllOrders(): Promise<void> {
    await this.send({ method: 'DELETE', endpoint: ORDERS }, () => undefined);
  }

  // ---- order groups ----

  /** `POST /portfolio/order_groups/create`: a group whose members are cancelled once `contractsLimit` (hundredths) match within 15 s. */
  async createOrderGroup(contractsLimitFp: string): Promise<{ readonly order_group_id: string }> {
    return this.send({ method: 'POST', endpoint: '/portfolio/order_groups/create', body: { contracts_limit_fp: contractsLimitFp } }, (b) => {
      if (!isJsonObject(b) || typeof b.order_group_id !== 'string') throw new Problem('the body has no order_group_id');
      return b as { order_group_id: string };
    });
  }

  /** `PUT /portfolio/order_groups/{id}/reset`: the matched count back to 0, new orders allowed again. */
  async resetOrderGroup(orderGroupId: string): Promise<void> {
    await this.send({ method: 'PUT', endpoint: `/portfolio/order_groups/${encodeURIComponent(orderGroupId)}/reset` }, () => undefined);
  }

  // ---- orders (reads) ----

  /** `GET /portfolio/orders`: one page. */
  async getOrders(query: GetOrdersQuery = {}): Promise<GetOrdersResponse> {
    return this.send({ method: 'GET', endpoint: '/portfolio/orders', query: { ...query } }, (b) => requireList<GetOrdersResponse>(b, 'orders'));
  }

  /** Every order matching the query, page after page (follows the cursor). */
  orders(query: GetOrdersQuery = {}): AsyncIterable<KalshiOrder> {
    return this.paginate(
      query,
      (q) => this.getOrders(q),
      (page) => page.orders,
    );
  }

  async listAllOrders(query: GetOrdersQuery = {}): Promise<KalshiOrder[]> {
    return collect(this.orders(query));
  }

  /** `GET /portfolio/orders/{order_id}`. */
  async getOrder(orderId: string): Promise<GetOrderResponse> {
    return this.send({ method: 'GET', endpoint: `/portfolio/orders/${encodeId(orderId)}` }, (b) => requireObject<GetOrderResponse>(b, 'order'));
  }

  /**
   * The order carrying this client order id (or any of these ids: after an amend that
   * renamed it, pass the old and the new), or undefined. Kalshi has no filter by client
   * order id: this lists `GET /portfolio/orders` page by page and matches, stopping at the
   * first match. Narrow the scan with `ticker` and `min_ts` (each page costs read tokens).
   * Orders closed before the historical cutoff are only in `/historical/orders` and are
   * not searched.
   */
  async findOrderByClientOrderId(clientOrderId: string | readonly string[], query: Omit<GetOrdersQuery, 'cursor'> = {}): Promise<KalshiOrder | undefined> {
    const wanted = new Set(typeof clientOrderId === 'string' ? [clientOrderId] : clientOrderId);
    if (wanted.size === 0 || [...wanted].some((id) => typeof id !== 'string' || id === '')) {
      throw new RangeError('findOrderByClientOrderId needs non-empty client order ids');
    }
    for await (const order of this.orders(query)) if (wanted.has(order.client_order_id)) return order;
    return undefined;
  }

  // ---- portfolio ----

  /** `GET /portfolio/positions`: one page. */
  async getPositions(query: GetPositionsQuery = {}): Promise<GetPositionsResponse> {
    return this.send({ method: 'GET', endpoint: '/portfolio/positions', query: { ...query } }, (b) => {
      const page = requireList<GetPositionsResponse>(b, 'market_positions');
      // event_positions is required by the schema; tolerate its absence rather than fail a reconciliation
      return Array.isArray(page.event_positions) ? page : { ...page, event_positions: [] };
    });
  }

  /** Every market position matching the query (follows the cursor). */
  positions(query: GetPositionsQuery = {}): AsyncIterable<KalshiMarketPosition> {
    return this.paginate(
      query,
      (q) => this.getPositions(q),
      (page) => page.market_positions,
    );
  }

  async listAllPositions(query: GetPositionsQuery = {}): Promise<KalshiMarketPosition[]> {
    return collect(this.positions(query));
  }

  /** `GET /portfolio/balance` (cents, and dollars). */
  async getBalance(): Promise<GetBalanceResponse> {
    return this.send({ method: 'GET', endpoint: '/portfolio/balance' }, (b) => {
      if (!isJsonObject(b) || typeof b.balance !== 'number') throw new Problem('the body has no numeric balance');
      return b as unknown as GetBalanceResponse;
    });
  }

  /** `GET /portfolio/fills`: one page. */
  async getFills(query: GetFillsQuery = {}): Promise<GetFillsResponse> {
    return this.send({ method: 'GET', endpoint: '/portfolio/fills', query: { ...query } }, (b) => requireList<GetFillsResponse>(b, 'fills'));
  }

  fills(query: GetFillsQuery = {}): AsyncIterable<KalshiFill> {
    return this.paginate(
      query,
      (q) => this.getFills(q),
      (page) => page.fills,
    );
  }

  async listAllFills(query: GetFillsQuery = {}): Promise<KalshiFill[]> {
    return collect(this.fills(query));
  }

  // ---- markets and the exchange ----

  /** `GET /markets`: one page. */
  async getMarkets(query: GetMarketsQuery = {}): Promise<GetMarketsResponse> {
    return this.send({ method: 'GET', endpoint: '/markets', query: { ...query } }, (b) => requireList<GetMarketsResponse>(b, 'markets'));
  }

  markets(query: GetMarketsQuery = {}): AsyncIterable<KalshiMarket> {
    return this.paginate(
      query,
      (q) => this.getMarkets(q),
      (page) => page.markets,
    );
  }

  async listAllMarkets(query: GetMarketsQuery = {}): Promise<KalshiMarket[]> {
    return collect(this.markets(query));
  }

  /** `GET /markets/{ticker}`. */
  async getMarket(ticker: string): Promise<GetMarketResponse> {
    return this.send({ method: 'GET', endpoint: `/markets/${encodeId(ticker, 'ticker')}` }, (b) => requireObject<GetMarketResponse>(b, 'market'));
  }

  /** `GET /series/{series_ticker}`: the series with its fee_type and fee_multiplier. */
  async getSeries(seriesTicker: string): Promise<GetSeriesResponse> {
    return this.send({ method: 'GET', endpoint: `/series/${encodeId(seriesTicker, 'series ticker')}` }, (b) => requireObject<GetSeriesResponse>(b, 'series'));
  }

  /** `GET /exchange/status`. */
  async getExchangeStatus(): Promise<ExchangeStatus> {
    return this.send({ method: 'GET', endpoint: '/exchange/status' }, (b) => {
      if (!isJsonObject(b) || typeof b.exchange_active !== 'boolean' || typeof b.trading_active !== 'boolean') {
        throw new Problem('the body lacks exchange_active / trading_active');
      }
      return b as unknown as ExchangeStatus;
    });
  }

  /** Close every socket and fail the requests in flight. */
  async close(): Promise<void> {
    if (!this.agent.destroyed) await this.agent.destroy();
  }

  // ---- plumbing ----

  private paginate<Q extends { readonly cursor?: string }, P extends { readonly cursor?: string | null }, T>(
    query: Q,
    page: (query: Q) => Promise<P>,
    items: (page: P) => readonly T[],
  ): AsyncIterable<T> {
    return {
      async *[Symbol.asyncIterator]() {
        const seen = new Set<string>();
        let cursor = query.cursor;
        for (;;) {
          const answer = await page(cursor !== undefined && cursor !== '' ? { ...query, cursor } : { ...query, cursor: undefined });
          yield* items(answer);
          const next = answer.cursor;
          if (typeof next !== 'string' || next === '') return;
          // a server that hands back a cursor it already gave would page forever
          if (seen.has(next)) throw new Error(`pagination cursor ${JSON.stringify(next)} repeated`);
          seen.add(next);
          cursor = next;
        }
      },
    };
  }

  private async send<T>(call: Call, parse: (body: unknown) => T): Promise<T> {
    const path = `${this.prefix}${call.endpoint}`;
    const search = queryString(call.query);
    const { method } = call;
    const headers: Record<string, string> = {
      ...(this.keyId !== undefined && this.privateKey !== undefined ? authHeaders(this.keyId, this.privateKey, this.clock.now(), method, path) : {}),
      accept: 'application/json',
    };
    let payload: string | undefined;
    if (call.body !== undefined) {
      payload = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.agent.request({
        origin: this.origin,
        path: `${path}${search}`,
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        // undici drops the connection after a DELETE with a body (undefined for HTTP in
        // general); Kalshi defines that body (batch cancel), so the connection is kept
        reset: false,
        signal: controller.signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (timedOut) throw new RequestTimeoutError(method, path, this.timeoutMs);
      const code = errorCode(error);
      throw new NetworkError(method, path, code, code === undefined || !NOT_SENT_CODES.has(code), error);
    } finally {
      clearTimeout(timer);
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) {
      try {
        return parse(body);
      } catch (error) {
        if (error instanceof Problem) throw new InvalidResponseError(method, path, status, error.message, body);
        throw error;
      }
    }
    if (status === 429) throw new RateLimitedError(method, path, body);
    if (isJsonObject(body)) {
      const code = typeof body.code === 'string' ? body.code : `http_${status}`;
      const message = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : text.slice(0, 200);
      const details = typeof body.details === 'string' ? body.details : '';
      throw new RestError(method, path, status, code, message, details, body);
    }
    throw new RestError(method, path, status, `http_${status}`, text.slice(0, 200), '', body);
  }
}

// ---- helpers ----------------------------------------------------------------------------

/** A response body that lacks what the call needs; becomes an InvalidResponseError. */
class Problem extends Error {}

function requireOrderId<T>(body: unknown): T {
  if (!isJsonObject(body) || typeof body.order_id !== 'string' || body.order_id === '') throw new Problem('the body has no order_id');
  return body as T;
}

function requireList<T>(body: unknown, field: string): T {
  if (!isJsonObject(body) || !Array.isArray(body[field])) throw new Problem(`the body has no ${field} list`);
  return body as T;
}

function requireObject<T>(body: unknown, field: string): T {
  if (!isJsonObject(body) || !isJsonObject(body[field])) throw new Problem(`the body has no ${field} object`);
  return body as T;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function encodeId(id: string, what = 'order id'): string {
  if (typeof id !== 'string' || id === '') throw new RangeError(`${what} must be a non-empty string, got ${JSON.stringify(id)}`);
  return encodeURIComponent(id);
}

function queryString(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function errorCode(error: unknown): string | undefined {
  // undici may wrap the system error; look one level down too
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
