/**
 * The venue behind paper and live mode: Kalshi's REST API (or the simulator's, which speaks
 * it) through KalshiRestClient, with the account's private channels (fill, user_order,
 * market_position) read from the frames the gateway forwards. Exactly one place builds order
 * requests: order-request.ts.
 */
import type { KalshiOrder, KalshiRestClient } from '../adapters/kalshi/rest-client.js';
import { KalshiRequestError, RateLimitedError, RestError } from '../adapters/kalshi/rest-client.js';
import { countToHundredths, dollarsToMicros, dollarsToTicks, hundredthsToCount } from '../protocol/fixed.js';
import { isJsonObject } from '../protocol/json-object.js';
import { amendOrderBody, createOrderBody, decreaseOrderBody, fromVenueQuote } from './order-request.js';
import type { OrderIntent } from './order-request.js';
import {
  VenueOutcomeUnknownError,
  VenueRateLimitedError,
  VenueRefusedError,
  type AmendRequest,
  type Venue,
  type VenueHandlers,
  type VenueOrder,
  type VenueFill,
  type VenueHolding,
  type VenueOrderAck,
} from './venue.js';

/** Reasons a user_order reports for an order the venue ended on its own. */
const VENUE_ENDED_STATUSES = new Set(['canceled']);

/** Any failure of the client, as the venue contract names it. */
function venueError(error: unknown): Error {
  if (error instanceof RateLimitedError) return new VenueRateLimitedError(error.message);
  if (error instanceof RestError && !error.outcomeUnknown) return new VenueRefusedError(error.code || `http_${error.status}`, error.message, error.status);
  if (error instanceof KalshiRequestError) return new VenueOutcomeUnknownError(error.message);
  return new VenueOutcomeUnknownError(error instanceof Error ? error.message : String(error));
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw venueError(error);
  }
}

function bodyOrThrow<T>(result: { ok: true; value: T } | { ok: false; error: { field: string; message: string } }): T {
  if (!result.ok) throw new VenueRefusedError('invalid_order', `${result.error.field}: ${result.error.message}`, 400);
  return result.value;
}

/** A listed order, read on the leg its side buys (a bid buys YES, an ask buys NO). */
export function venueOrderOf(order: KalshiOrder): VenueOrder {
  const side = order.book_side ?? (order.side === 'no' ? 'ask' : 'bid');
  const yesPrice = dollarsToTicks(order.yes_price_dollars, 'yes_price_dollars');
  const reading = fromVenueQuote(side, yesPrice, side === 'bid' ? 'yes' : 'no');
  const leg = reading.ok ? reading.value.leg : 'yes';
  return {
    orderId: order.order_id,
    clientOrderId: order.client_order_id === '' ? undefined : order.client_order_id,
    ticker: order.ticker,
    leg,
    action: 'buy',
    price: reading.ok ? reading.value.price : yesPrice,
    remaining: countToHundredths(order.remaining_count_fp, 'remaining_count_fp'),
    filled: countToHundredths(order.fill_count_fp, 'fill_count_fp'),
    status: order.status,
  };
}

export class KalshiVenue implements Venue {
  #handlers: VenueHandlers | undefined;
  /** results of determined markets, applied when they settle */
  readonly #results = new Map<string, string>();

  constructor(
    readonly label: string,
    private readonly client: KalshiRestClient,
    private readonly report: (problem: string) => void = () => undefined,
  ) {}

  listen(handlers: VenueHandlers): void {
    this.#handlers = handlers;
  }

  async create(order: OrderIntent): Promise<VenueOrderAck> {
    const body = bodyOrThrow(createOrderBody(order));
    const answer = await call(() => this.client.createOrder(body));
    return { orderId: answer.order_id, remaining: countToHundredths(answer.remaining_count), filled: countToHundredths(answer.fill_count) };
  }

  async cancel(order: { readonly orderId: string; readonly ticker: string }): Promise<number> {
    const answer = await call(() => this.client.cancelOrder(order.orderId, { ticker: order.ticker }));
    return countToHundredths(answer.reduced_by, 'reduced_by');
  }

  async amend(request: AmendRequest): Promise<{ readonly remaining: number; readonly filled: number }> {
    const body = bodyOrThrow(
      amendOrderBody({
        ticker: request.ticker,
        clientOrderId: request.clientOrderId,
        updatedClientOrderId: request.newClientOrderId,
        leg: request.leg,
        action: request.action,
        price: request.price,
        filled: request.filled,
        resting: request.resting,
      }),
    );
    const answer = await call(() => this.client.amendOrder(request.orderId, body));
    return { remaining: countToHundredths(answer.remaining_count), filled: countToHundredths(answer.fill_count) };
  }

  async decrease(order: { readonly orderId: string; readonly ticker: string; readonly reduceTo: number }): Promise<{ readonly remaining: number }> {
    const body = bodyOrThrow(decreaseOrderBody({ reduceTo: order.reduceTo, ticker: order.ticker }));
    const answer = await call(() => this.client.decreaseOrder(order.orderId, body));
    return { remaining: countToHundredths(answer.remaining_count) };
  }

  async findOrder(ticker: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const found = await call(() => this.client.findOrderByClientOrderId(clientOrderId, { ticker }));
    return found === undefined ? undefined : venueOrderOf(found);
  }

  async listResting(tickers: readonly string[]): Promise<VenueOrder[]> {
    const wanted = new Set(tickers);
    const orders = await call(() => this.client.listAllOrders({ status: 'resting', limit: 1000 }));
    return orders.filter((order) => wanted.has(order.ticker)).map(venueOrderOf);
  }

  async fills(orderId: string): Promise<VenueFill[]> {
    const rows = await call(() => this.client.listAllFills({ order_id: orderId, limit: 1000 }));
    return rows.map((row) => ({
      tradeId: row.trade_id,
      orderId: row.order_id,
      clientOrderId: undefined,
      ticker: row.market_ticker ?? row.ticker ?? '',
      yesPrice: dollarsToTicks(row.yes_price_dollars, 'yes_price_dollars'),
      count: countToHundredths(row.count_fp, 'count_fp'),
      feeMicros: dollarsToMicros(row.fee_cost, 'fee_cost'),
      isTaker: row.is_taker === true,
      tsMs: typeof row.ts === 'number' ? row.ts * 1000 : row.created_time ? Date.parse(row.created_time) : 0,
    }));
  }

  async positions(tickers: readonly string[]): Promise<{ positions: VenueHolding[]; balanceCents: number | undefined }> {
    const wanted = new Set(tickers);
    const rows = await call(() => this.client.listAllPositions({ limit: 1000 }));
    const positions = rows
      .filter((row) => wanted.has(row.ticker))
      .map((row) => ({
        ticker: row.ticker,
        position: countToHundredths(row.position_fp, 'position_fp'),
        costMicros: Math.abs(dollarsToMicros(row.market_exposure_dollars, 'market_exposure_dollars')),
      }))
      .filter((holding) => holding.position !== 0);
    const balance = await call(() => this.client.getBalance()).catch(() => undefined);
    return { positions, balanceCents: typeof balance?.balance === 'number' ? balance.balance : undefined };
  }

  async createOrderGroup(contractsLimit: number): Promise<string> {
    return (await call(() => this.client.createOrderGroup(hundredthsToCount(contractsLimit)))).order_group_id;
  }

  async resetOrderGroup(orderGroupId: string): Promise<void> {
    await call(() => this.client.resetOrderGroup(orderGroupId));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * A private-channel frame forwarded by the gateway (fill, user_order, market_position).
   * A frame that cannot be read is reported, never thrown.
   */
  ingest(text: string): void {
    const handlers = this.#handlers;
    if (!handlers) return;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.report(`private frame is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    if (!isJsonObject(frame) || !isJsonObject(frame.msg)) {
      this.report(`private frame without msg: ${text.slice(0, 200)}`);
      return;
    }
    const msg = frame.msg;
    try {
      switch (frame.type) {
        case 'fill':
          handlers.fill({
            tradeId: String(msg.trade_id),
            orderId: String(msg.order_id),
            clientOrderId: typeof msg.client_order_id === 'string' && msg.client_order_id !== '' ? msg.client_order_id : undefined,
            ticker: String(msg.market_ticker),
            yesPrice: dollarsToTicks(msg.yes_price_dollars, 'yes_price_dollars'),
            count: countToHundredths(msg.count_fp, 'count_fp'),
            feeMicros: msg.fee_cost === undefined ? undefined : dollarsToMicros(msg.fee_cost, 'fee_cost'),
            isTaker: msg.is_taker === true,
            tsMs: typeof msg.ts_ms === 'number' ? msg.ts_ms : typeof msg.ts === 'number' ? msg.ts * 1000 : 0,
          });
          return;
        case 'user_order': {
          const status = String(msg.status);
          if (!VENUE_ENDED_STATUSES.has(status)) return;
          const reason = typeof msg.last_update_reason === 'string' ? msg.last_update_reason : 'canceled';
          handlers.orderEnded({
            orderId: String(msg.order_id),
            clientOrderId: typeof msg.client_order_id === 'string' ? msg.client_order_id : undefined,
            ticker: String(msg.ticker ?? msg.market_ticker),
            status: reason === 'ExpiryCancel' ? 'expired' : 'canceled',
            reason,
          });
          return;
        }
        case 'market_lifecycle_v2': {
          const ticker = String(msg.market_ticker);
          if (msg.event_type === 'determined' && typeof msg.result === 'string') this.#results.set(ticker, msg.result);
          if (msg.event_type !== 'settled') return;
          const result = this.#results.get(ticker);
          this.#results.delete(ticker);
          if (result === 'yes' || result === 'no' || result === 'void') handlers.settled(ticker, result);
          else this.report(`${ticker} settled with result ${String(result)}, which the portfolio cannot book`);
          return;
        }
        case 'order_group_updates':
          if (msg.event_type === 'triggered' && typeof msg.order_group_id === 'string') handlers.groupTriggered?.(msg.order_group_id);
          return;
        case 'market_position':
          handlers.position({ ticker: String(msg.market_ticker), position: countToHundredths(msg.position_fp, 'position_fp') });
          return;
        default:
          return;
      }
    } catch (error) {
      this.report(`private ${String(frame.type)} frame unreadable (${(error as Error).message}): ${text.slice(0, 200)}`);
    }
  }
}
