/**
 * The venue's REST endpoints (prefix /trade-api/v2), translating requests into the order
 * desk's operations and its records into Kalshi's JSON: V2 order entry (create, cancel,
 * amend, decrease, batches, cancel-all), the portfolio reads (orders, fills, positions,
 * balance, settlements) and the public market reads (markets, series, exchange status).
 * Every write spends the key's write tokens first; over budget is `429
 * {"error":"too many requests"}` with no Retry-After.
 */
import type { FeeSchedule } from '../../fees/fee-model.js';
import { ProtocolError, countToHundredths, e4ToDollars, hundredthsToCount } from '../../protocol/fixed.js';
import { isJsonObject } from '../../protocol/json-object.js';
import { type Clock } from '../../clock/clock.js';
import type { Market } from '../exchange/market.js';
import { restError, type RestRequest, type RestResponse, type RestRoute } from '../server/rest.js';
import { isVenueError, venueError, type VenueError } from './errors.js';
import type { OrderDesk, OrderFilter } from './order-desk.js';
import type { OrderGroup } from './order-groups.js';
import { parseAmendRequest, parseBatch, parseBatchCancel, parseDecreaseRequest, parseOrderRequest } from './order-requests.js';
import type { FillRecord, VenueOrder } from './order-store.js';
import {
  eventPositionBody,
  fillBody,
  marketBody,
  marketStatus,
  orderAverages,
  orderBody,
  positionBody,
  seriesBody,
  settlementBody,
  type EventTotals,
} from './rest-bodies.js';
import { WRITE_COSTS, type WriteLimiter } from './rate-limit.js';

export interface ExchangeStatus {
  readonly exchangeActive: boolean;
  readonly tradingActive: boolean;
}

export interface VenueApiOptions {
  readonly desk: OrderDesk;
  readonly markets: ReadonlyMap<string, Market>;
  readonly clock: Clock;
  readonly wholeContracts: boolean;
  /** undefined: no write budget */
  readonly limiter: WriteLimiter | undefined;
  readonly settlementDelayMs: number;
  readonly status: () => ExchangeStatus;
  /** the fee schedule of a series, undefined when no market belongs to it */
  readonly seriesFees: (seriesTicker: string) => FeeSchedule | undefined;
}

const TOO_MANY_REQUESTS: RestResponse = { status: 429, body: { error: 'too many requests' } };
/** batch size when no write budget bounds it */
const MAX_BATCH_UNLIMITED = 1000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const ORDER_STATUSES = ['resting', 'canceled', 'executed'];
const MARKET_STATUS_FILTER: Readonly<Record<string, readonly string[]>> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  closed: ['closed', 'determined'],
  settled: ['finalized'],
};

function toRest(error: VenueError): RestResponse {
  return restError(error.status, error.code, error.message);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

interface Page {
  readonly limit: number;
  /** the sequence number the page starts below (newest first); undefined from the newest */
  readonly before: number | undefined;
}

/** limit (1..1000, default 100) and cursor (an opaque string this venue wrote). */
function parsePage(query: URLSearchParams): Page | VenueError {
  const limitText = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== null && limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return venueError(400, 'invalid_parameters', `limit must be an integer in 1..${MAX_LIMIT}`);
  }
  const cursor = query.get('cursor');
  if (cursor === null || cursor === '') return { limit, before: undefined };
  const before = decodeCursor(cursor);
  if (before === undefined) return venueError(400, 'invalid_parameters', 'cursor is not one this API returned');
  return { limit, before };
}

function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^seq:(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** One page of items that carry a seq, from an iterator newest first. */
function page<T>(items: Iterable<T>, seqOf: (item: T) => number, keep: (item: T) => boolean, request: Page): { items: T[]; cursor: string } {
  const out: T[] = [];
  for (const item of items) {
    if (request.before !== undefined && seqOf(item) >= request.before) continue;
    if (!keep(item)) continue;
    if (out.length === request.limit) return { items: out, cursor: encodeCursor(seqOf(out.at(-1)!)) };
    out.push(item);
  }
  return { items: out, cursor: '' };
}

/** Unix seconds of a min_ts/max_ts query parameter; undefined when absent. */
function parseSeconds(query: URLSearchParams, name: string): number | undefined | VenueError {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d{1,12}$/.test(text)) return venueError(400, 'invalid_parameters', `${name} must be Unix seconds`);
  return Number(text);
}

export class VenueApi {
  constructor(private readonly options: VenueApiOptions) {}

  routes(prefix: string): RestRoute[] {
    const base = escape(prefix);
    const orders = `${base}/portfolio/events/orders`;
    const id = '([^/]+)';
    const route = (method: string, pattern: string, handle: (request: RestRequest) => RestResponse, isPublic = false): RestRoute => ({
      method,
      pattern: new RegExp(pattern),
      handle,
      ...(isPublic ? { public: true } : {}),
    });
    return [
      route('POST', `${orders}/batched`, (request) => this.batchCreate(request)),
      route('DELETE', `${orders}/batched`, (request) => this.batchCancel(request)),
      route('POST', `${orders}/${id}/amend`, (request) => this.amend(request)),
      route('POST', `${orders}/${id}/decrease`, (request) => this.decrease(request)),
      route('POST', orders, (request) => this.create(request)),
      route('DELETE', `${orders}/${id}`, (request) => this.cancel(request)),
      route('DELETE', orders, (request) => this.cancelAll(request)),
      route('GET', `${base}/portfolio/orders`, (request) => this.listOrders(request)),
      route('GET', `${base}/portfolio/orders/${id}`, (request) => this.getOrder(request)),
      route('GET', `${base}/portfolio/fills`, (request) => this.listFills(request)),
      route('GET', `${base}/portfolio/positions`, (request) => this.listPositions(request)),
      route('GET', `${base}/portfolio/balance`, (request) => this.balance(request)),
      route('GET', `${base}/portfolio/settlements`, (request) => this.listSettlements(request)),
      route('POST', `${base}/portfolio/order_groups/create`, (request) => this.createGroup(request)),
      route('GET', `${base}/portfolio/order_groups`, (request) => this.listGroups(request)),
      route('GET', `${base}/portfolio/order_groups/${id}`, (request) => this.getGroup(request)),
      route('DELETE', `${base}/portfolio/order_groups/${id}`, (request) => this.groupWrite(request, (group) => this.options.desk.deleteGroup(group))),
      route('PUT', `${base}/portfolio/order_groups/${id}/reset`, (request) => this.groupWrite(request, (group) => this.options.desk.resetGroup(group))),
      route('PUT', `${base}/portfolio/order_groups/${id}/trigger`, (request) => this.groupWrite(request, (group) => this.options.desk.triggerGroup(group))),
      route('PUT', `${base}/portfolio/order_groups/${id}/limit`, (request) => this.setGroupLimit(request)),
      route('GET', `${base}/markets`, (request) => this.listMarkets(request), true),
      route('GET', `${base}/markets/${id}`, (request) => this.getMarket(request), true),
      route('GET', `${base}/series/${id}`, (request) => this.getSeries(request), true),
      route('GET', `${base}/exchange/status`, () => this.exchangeStatus(), true),
    ];
  }

  /** Create Order V2 without the write budget (tests and in-process callers). */
  place(keyId: string, body: unknown): RestResponse {
    const request = parseOrderRequest(body, this.options.wholeContracts);
    if (isVenueError(request)) return toRest(request);
    const outcome = this.options.desk.create(keyId, request);
    if (isVenueError(outcome)) return toRest(outcome);
    return { status: 201, body: this.createdBody(outcome.order) };
  }

  /** Cancel without the write budget. */
  cancelOrder(keyId: string, orderId: string): RestResponse {
    const outcome = this.options.desk.cancel(keyId, orderId);
    if (isVenueError(outcome)) return toRest(outcome);
    return { status: 200, body: this.canceledBody(outcome.order, outcome.reducedBy) };
  }

  private spend(keyId: string, cost: number): RestResponse | undefined {
    const { limiter, clock } = this.options;
    if (!limiter || limiter.admit(keyId, cost, clock.now())) return undefined;
    return TOO_MANY_REQUESTS;
  }

  private get now(): number {
    return this.options.clock.now();
  }

  private tradingHalted(): RestResponse | undefined {
    const status = this.options.status();
    if (status.tradingActive) return undefined;
    return restError(503, 'trading_paused', 'trading is paused on the exchange');
  }

  private create(request: RestRequest): RestResponse {
    return this.spend(request.keyId, WRITE_COSTS.create) ?? this.tradingHalted() ?? this.place(request.keyId, request.body);
  }

  private cancel(request: RestRequest): RestResponse {
    return this.spend(request.keyId, WRITE_COSTS.cancel) ?? this.cancelOrder(request.keyId, request.params[0]!);
  }

  private cancelAll(request: RestRequest): RestResponse {
    const refused = this.spend(request.keyId, WRITE_COSTS.cancelAll);
    if (refused) return refused;
    const filter: OrderFilter = {
      ...(request.query.get('ticker') ? { ticker: request.query.get('ticker')! } : {}),
      ...(request.query.get('event_ticker') ? { eventTicker: request.query.get('event_ticker')! } : {}),
    };
    this.options.desk.cancelAll(request.keyId, filter);
    return { status: 204, body: undefined };
  }

  private amend(request: RestRequest): RestResponse {
    const refused = this.spend(request.keyId, WRITE_COSTS.amend) ?? this.tradingHalted();
    if (refused) return refused;
    const amend = parseAmendRequest(request.body, this.options.wholeContracts);
    if (isVenueError(amend)) return toRest(amend);
    const outcome = this.options.desk.amend(request.keyId, request.params[0]!, amend);
    if (isVenueError(outcome)) return toRest(outcome);
    const { order } = outcome;
    return {
      status: 200,
      body: {
        order_id: order.orderId,
        ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
        remaining_count: hundredthsToCount(order.remainingCount),
        fill_count: hundredthsToCount(order.fillCount),
        ...orderAverages(order),
        ts_ms: this.now,
      },
    };
  }

  private decrease(request: RestRequest): RestResponse {
    const refused = this.spend(request.keyId, WRITE_COSTS.decrease);
    if (refused) return refused;
    const decrease = parseDecreaseRequest(request.body, this.options.wholeContracts);
    if (isVenueError(decrease)) return toRest(decrease);
    const outcome = this.options.desk.decrease(request.keyId, request.params[0]!, decrease);
    if (isVenueError(outcome)) return toRest(outcome);
    const { order } = outcome;
    return {
      status: 200,
      body: {
        order_id: order.orderId,
        ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
        remaining_count: hundredthsToCount(order.remainingCount),
        ts_ms: this.now,
      },
    };
  }

  private maxBatch(itemCost: number): number {
    return this.options.limiter ? this.options.limiter.maxBatchItems(itemCost) : MAX_BATCH_UNLIMITED;
  }

  private batchCreate(request: RestRequest): RestResponse {
    const items = parseBatch(request.body, this.maxBatch(WRITE_COSTS.create));
    if (isVenueError(items)) return toRest(items);
    const refused = this.spend(request.keyId, WRITE_COSTS.create * items.length) ?? this.tradingHalted();
    if (refused) return refused;
    const answers = items.map((item) => {
      const answer = this.place(request.keyId, item);
      if (answer.status === 201) return { ...(answer.body as Record<string, unknown>), error: null };
      const body = answer.body as { code: string; message: string; details: string };
      const clientOrderId = (item as { client_order_id?: unknown } | null)?.client_order_id;
      return { order_id: null, ...(typeof clientOrderId === 'string' ? { client_order_id: clientOrderId } : {}), error: body };
    });
    return { status: 201, body: { orders: answers } };
  }

  private batchCancel(request: RestRequest): RestResponse {
    const ids = parseBatchCancel(request.body, this.maxBatch(WRITE_COSTS.cancel));
    if (isVenueError(ids)) return toRest(ids);
    const refused = this.spend(request.keyId, WRITE_COSTS.cancel * ids.length);
    if (refused) return refused;
    const answers = ids.map((orderId) => {
      const answer = this.cancelOrder(request.keyId, orderId);
      if (answer.status === 200) return { ...(answer.body as Record<string, unknown>), error: null };
      return { order_id: orderId, reduced_by: '0.00', ts_ms: this.now, error: answer.body };
    });
    return { status: 200, body: { orders: answers } };
  }

  private createGroup(request: RestRequest): RestResponse {
    const refused = this.spend(request.keyId, WRITE_COSTS.orderGroup);
    if (refused) return refused;
    const limit = parseGroupLimit(request.body);
    if (isVenueError(limit)) return toRest(limit);
    const group = this.options.desk.createGroup(request.keyId, limit);
    if (isVenueError(group)) return toRest(group);
    return { status: 201, body: { order_group_id: group.id } };
  }

  private listGroups(request: RestRequest): RestResponse {
    const groups = this.options.desk.groups.list(request.keyId).map((group) => ({
      order_group_id: group.id,
      contracts_limit: Math.floor(group.limit / 100),
      contracts_limit_fp: hundredthsToCount(group.limit),
      is_auto_cancel_enabled: !group.triggered,
    }));
    return { status: 200, body: { order_groups: groups } };
  }

  private getGroup(request: RestRequest): RestResponse {
    const group = this.options.desk.group(request.keyId, request.params[0]!);
    if (isVenueError(group)) return toRest(group);
    return {
      status: 200,
      body: {
        order_group_id: group.id,
        is_auto_cancel_enabled: !group.triggered,
        contracts_limit: Math.floor(group.limit / 100),
        contracts_limit_fp: hundredthsToCount(group.limit),
        matched_contracts_fp: hundredthsToCount(this.options.desk.groupMatched(group)),
        orders: [...group.members],
      },
    };
  }

  private groupWrite(request: RestRequest, act: (group: OrderGroup) => void): RestResponse {
    const refused = this.spend(request.keyId, WRITE_COSTS.orderGroup);
    if (refused) return refused;
    const group = this.options.desk.group(request.keyId, request.params[0]!);
    if (isVenueError(group)) return toRest(group);
    act(group);
    return { status: 200, body: {} };
  }

  private setGroupLimit(request: RestRequest): RestResponse {
    const limit = parseGroupLimit(request.body);
    if (isVenueError(limit)) return this.spend(request.keyId, WRITE_COSTS.orderGroup) ?? toRest(limit);
    return this.groupWrite(request, (group) => this.options.desk.setGroupLimit(group, limit));
  }

  private createdBody(order: VenueOrder): Record<string, unknown> {
    return {
      order_id: order.orderId,
      ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
      fill_count: hundredthsToCount(order.fillCount),
      remaining_count: hundredthsToCount(order.remainingCount),
      ...orderAverages(order),
      ts_ms: this.now,
    };
  }

  private canceledBody(order: VenueOrder, reducedBy: number): Record<string, unknown> {
    return {
      order_id: order.orderId,
      ...(order.clientOrderId !== undefined ? { client_order_id: order.clientOrderId } : {}),
      reduced_by: hundredthsToCount(reducedBy),
      ts_ms: this.now,
    };
  }

  private listOrders(request: RestRequest): RestResponse {
    const { query, keyId } = request;
    const paging = parsePage(query);
    if (isVenueError(paging)) return toRest(paging);
    const minTs = parseSeconds(query, 'min_ts');
    if (isVenueError(minTs)) return toRest(minTs);
    const maxTs = parseSeconds(query, 'max_ts');
    if (isVenueError(maxTs)) return toRest(maxTs);
    const status = query.get('status');
    if (status !== null && status !== '' && !ORDER_STATUSES.includes(status))
      return restError(400, 'invalid_parameters', `status must be one of ${ORDER_STATUSES.join(', ')}`);
    const ticker = query.get('ticker');
    const eventTicker = query.get('event_ticker');
    this.options.desk.prune();
    const keep = (order: VenueOrder): boolean =>
      (!ticker || order.ticker === ticker) &&
      (!eventTicker || order.eventTicker === eventTicker) &&
      (!status || order.status === status) &&
      (minTs === undefined || order.createdMs >= minTs * 1000) &&
      (maxTs === undefined || order.createdMs < (maxTs + 1) * 1000);
    const result = page(this.options.desk.store.newestFirst(keyId), (order) => order.seq, keep, paging);
    return { status: 200, body: { orders: result.items.map(orderBody), cursor: result.cursor } };
  }

  private getOrder(request: RestRequest): RestResponse {
    this.options.desk.prune();
    const order = this.options.desk.store.get(request.params[0]!);
    if (!order || order.keyId !== request.keyId) return restError(404, 'not_found', `no order ${request.params[0]}`);
    return { status: 200, body: { order: orderBody(order) } };
  }

  private listFills(request: RestRequest): RestResponse {
    const { query, keyId } = request;
    const paging = parsePage(query);
    if (isVenueError(paging)) return toRest(paging);
    const minTs = parseSeconds(query, 'min_ts');
    if (isVenueError(minTs)) return toRest(minTs);
    const maxTs = parseSeconds(query, 'max_ts');
    if (isVenueError(maxTs)) return toRest(maxTs);
    const ticker = query.get('ticker');
    const orderId = query.get('order_id');
    this.options.desk.prune();
    const keep = (fill: FillRecord): boolean =>
      (!ticker || fill.ticker === ticker) &&
      (!orderId || fill.orderId === orderId) &&
      (minTs === undefined || fill.tsMs >= minTs * 1000) &&
      (maxTs === undefined || fill.tsMs < (maxTs + 1) * 1000);
    const result = page(this.options.desk.store.fillsNewestFirst(keyId), (fill) => fill.seq, keep, paging);
    return { status: 200, body: { fills: result.items.map(fillBody), cursor: result.cursor } };
  }

  private listPositions(request: RestRequest): RestResponse {
    const { query, keyId } = request;
    const paging = parsePage(query);
    if (isVenueError(paging)) return toRest(paging);
    const countFilter = (query.get('count_filter') ?? '').split(',').filter(Boolean);
    if (!countFilter.every((name) => name === 'position' || name === 'total_traded')) {
      return restError(400, 'invalid_parameters', 'count_filter takes position and/or total_traded');
    }
    const ticker = query.get('ticker');
    const eventTicker = query.get('event_ticker');
    const { desk, markets } = this.options;
    const resting = new Map<string, number>();
    for (const order of desk.store.resting()) if (order.keyId === keyId) resting.set(order.ticker, (resting.get(order.ticker) ?? 0) + 1);
    // rows in the order they were first touched: the seq of a row is its place in that order
    const rows = [...desk.portfolio.rows(keyId)].map(([rowTicker, state], index) => ({ ticker: rowTicker, state, seq: index + 1 })).reverse();
    const keep = (row: (typeof rows)[number]): boolean =>
      (!ticker || row.ticker === ticker) &&
      (!eventTicker || markets.get(row.ticker)?.eventTicker === eventTicker) &&
      (countFilter.length === 0 ||
        (countFilter.includes('position') && row.state.position !== 0) ||
        (countFilter.includes('total_traded') && row.state.totalTradedE4 !== 0));
    const result = page(rows, (row) => row.seq, keep, paging);
    const events = new Map<string, EventTotals>();
    for (const row of result.items) {
      const event = markets.get(row.ticker)?.eventTicker ?? row.ticker;
      const totals = events.get(event) ?? { costE4: 0, exposureE4: 0, shares: 0, realizedPnlMicros: 0, feesMicros: 0 };
      totals.costE4 += row.state.totalTradedE4;
      totals.exposureE4 += row.state.costE4;
      totals.shares += Math.abs(row.state.position);
      totals.realizedPnlMicros += row.state.realizedPnlMicros;
      totals.feesMicros += row.state.feesMicros;
      events.set(event, totals);
    }
    return {
      status: 200,
      body: {
        market_positions: result.items.map((row) => positionBody(row.ticker, row.state, resting.get(row.ticker) ?? 0)),
        event_positions: [...events].map(([event, totals]) => eventPositionBody(event, totals)),
        cursor: result.cursor,
      },
    };
  }

  private balance(request: RestRequest): RestResponse {
    const { desk } = this.options;
    const availableE4 = desk.accounts.availableE4(request.keyId);
    let exposureE4 = 0;
    for (const state of desk.portfolio.rows(request.keyId).values()) exposureE4 += state.costE4;
    return {
      status: 200,
      body: {
        balance: Math.floor(availableE4 / 100),
        balance_dollars: e4ToDollars(availableE4),
        portfolio_value: Math.floor(exposureE4 / 100),
        portfolio_value_dollars: e4ToDollars(exposureE4),
        updated_ts: Math.floor(this.now / 1000),
      },
    };
  }

  private listSettlements(request: RestRequest): RestResponse {
    const paging = parsePage(request.query);
    if (isVenueError(paging)) return toRest(paging);
    const records = this.options.desk
      .settlementsOf(request.keyId)
      .map((record, index) => ({ record, seq: index + 1 }))
      .reverse();
    const result = page(
      records,
      (item) => item.seq,
      () => true,
      paging,
    );
    return { status: 200, body: { settlements: result.items.map((item) => settlementBody(item.record)), cursor: result.cursor } };
  }

  private listMarkets(request: RestRequest): RestResponse {
    const { query } = request;
    const paging = parsePage(query);
    if (isVenueError(paging)) return toRest(paging);
    const status = query.get('status');
    const statuses = status ? status.split(',').map((name) => name.trim()) : [];
    if (!statuses.every((name) => Object.hasOwn(MARKET_STATUS_FILTER, name))) {
      return restError(400, 'invalid_parameters', `status must be one of ${Object.keys(MARKET_STATUS_FILTER).join(', ')}`);
    }
    const wanted = new Set(statuses.flatMap((name) => MARKET_STATUS_FILTER[name]!));
    const series = query.get('series_ticker');
    const event = query.get('event_ticker');
    const tickers = query.get('tickers')
      ? new Set(
          query
            .get('tickers')!
            .split(',')
            .map((ticker) => ticker.trim()),
        )
      : undefined;
    const all = [...this.options.markets.values()].map((market, index) => ({ market, seq: index + 1 })).reverse();
    const keep = ({ market }: (typeof all)[number]): boolean =>
      (wanted.size === 0 || wanted.has(marketStatus(market))) &&
      (!series || market.seriesTicker === series) &&
      (!event || market.eventTicker === event) &&
      (!tickers || tickers.has(market.ticker));
    const result = page(all, (item) => item.seq, keep, paging);
    return { status: 200, body: { markets: result.items.map((item) => this.marketJson(item.market)), cursor: result.cursor } };
  }

  private getMarket(request: RestRequest): RestResponse {
    const market = this.options.markets.get(request.params[0]!);
    if (!market) return restError(404, 'not_found', `no market ${request.params[0]}`);
    return { status: 200, body: { market: this.marketJson(market) } };
  }

  private getSeries(request: RestRequest): RestResponse {
    const series = request.params[0]!;
    const schedule = this.options.seriesFees(series);
    if (!schedule) return restError(404, 'not_found', `no series ${series}`);
    return { status: 200, body: { series: seriesBody(series, schedule) } };
  }

  private exchangeStatus(): RestResponse {
    const status = this.options.status();
    return {
      status: 200,
      body: { exchange_active: status.exchangeActive, trading_active: status.tradingActive, exchange_estimated_resume_time: null },
    };
  }

  private marketJson(market: Market): Record<string, unknown> {
    return marketBody(market, Math.round(this.options.settlementDelayMs / 1000), !this.options.wholeContracts);
  }
}

/** `{contracts_limit: N}` (whole contracts) or `{contracts_limit_fp: "N.NN"}`; both must agree. */
function parseGroupLimit(body: unknown): number | VenueError {
  const invalid = (message: string): VenueError => venueError(400, 'invalid_parameters', message);
  if (!isJsonObject(body)) return invalid('request body must be a JSON object');
  const { contracts_limit: whole, contracts_limit_fp: fixed } = body;
  if (whole === undefined && fixed === undefined) return invalid('contracts_limit or contracts_limit_fp is required');
  let limit: number | undefined;
  if (whole !== undefined) {
    if (!Number.isSafeInteger(whole) || (whole as number) < 1) return invalid('contracts_limit must be a positive integer');
    limit = (whole as number) * 100;
  }
  if (fixed !== undefined) {
    let parsed: number;
    try {
      parsed = countToHundredths(fixed, 'contracts_limit_fp');
    } catch (err) {
      return invalid((err as ProtocolError).message);
    }
    if (parsed < 1) return invalid('contracts_limit_fp must be positive');
    if (limit !== undefined && limit !== parsed) return invalid('contracts_limit and contracts_limit_fp disagree');
    limit = parsed;
  }
  return limit!;
}
