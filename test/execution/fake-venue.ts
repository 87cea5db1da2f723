/**
 * An in-memory venue for the execution core's tests: it keeps the orders it accepted, answers
 * at once (or holds an answer until released), and fails the next request of a kind when told.
 */
import type { OrderIntent } from '../../src/execution/order-request.js';
import {
  VenueOutcomeUnknownError,
  VenueRateLimitedError,
  VenueRefusedError,
  type AmendRequest,
  type Venue,
  type VenueHandlers,
  type VenueOrder,
  type VenueOrderAck,
} from '../../src/execution/venue.js';

export type CallKind = 'create' | 'cancel' | 'amend' | 'decrease' | 'findOrder' | 'listResting';

export interface Call {
  readonly kind: CallKind;
  readonly args: unknown;
}

type Failure = 'refused' | 'rate_limited' | 'unknown' | 'unknown_after_effect' | 'not_found';

export class FakeVenue implements Venue {
  readonly label = 'fake';
  readonly calls: Call[] = [];
  readonly orders = new Map<string, VenueOrder>();
  handlers: VenueHandlers | undefined;
  #nextId = 1;
  #failures: Array<{ kind: CallKind; failure: Failure; code?: string }> = [];
  #held: Array<() => void> | undefined;

  listen(handlers: VenueHandlers): void {
    this.handlers = handlers;
  }

  /** The next request of this kind fails so. */
  fail(kind: CallKind, failure: Failure, code = 'invalid_order'): void {
    this.#failures.push({ kind, failure, code });
  }

  /** Answers wait until release() from now on. */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const answer of held) answer();
  }

  kinds(): CallKind[] {
    return this.calls.map((call) => call.kind);
  }

  resting(): VenueOrder[] {
    return [...this.orders.values()].filter((order) => order.status === 'resting');
  }

  /** A fill of a resting order, reported as the private channel would. */
  fillOrder(orderId: string, count: number, options: { tradeId?: string; isTaker?: boolean; feeMicros?: number; tsMs?: number } = {}): void {
    const order = this.orders.get(orderId)!;
    const remaining = order.remaining - count;
    this.orders.set(orderId, { ...order, remaining, filled: order.filled + count, status: remaining > 0 ? 'resting' : 'executed' });
    this.handlers!.fill({
      tradeId: options.tradeId ?? `t-${orderId}-${order.filled + count}`,
      orderId,
      clientOrderId: order.clientOrderId,
      ticker: order.ticker,
      yesPrice: order.leg === 'yes' ? order.price : 100 - order.price,
      count,
      feeMicros: options.feeMicros,
      isTaker: options.isTaker ?? false,
      tsMs: options.tsMs ?? 1_000,
    });
  }

  #answer<T>(kind: CallKind, args: unknown, effect: () => T): Promise<T> {
    this.calls.push({ kind, args });
    const index = this.#failures.findIndex((failure) => failure.kind === kind);
    const failure = index >= 0 ? this.#failures.splice(index, 1)[0] : undefined;
    const run = (): T => {
      if (failure?.failure === 'refused') throw new VenueRefusedError(failure.code!, `refused: ${failure.code}`, 400);
      if (failure?.failure === 'not_found') throw new VenueRefusedError('not_found', 'no such order', 404);
      if (failure?.failure === 'rate_limited') throw new VenueRateLimitedError();
      if (failure?.failure === 'unknown') throw new VenueOutcomeUnknownError('timed out');
      const result = effect();
      if (failure?.failure === 'unknown_after_effect') throw new VenueOutcomeUnknownError('answer lost');
      return result;
    };
    if (this.#held === undefined) {
      try {
        return Promise.resolve(run());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#held!.push(() => {
        try {
          resolve(run());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  create(order: OrderIntent): Promise<VenueOrderAck> {
    return this.#answer('create', order, () => {
      const orderId = `o${this.#nextId++}`;
      const ioc = order.timeInForce !== 'good_till_canceled';
      this.orders.set(orderId, {
        orderId,
        clientOrderId: order.clientOrderId,
        ticker: order.ticker,
        leg: order.leg,
        action: order.action,
        price: order.price,
        remaining: ioc ? 0 : order.size,
        filled: 0,
        status: ioc ? 'canceled' : 'resting',
      });
      return { orderId, remaining: ioc ? 0 : order.size, filled: 0 };
    });
  }

  cancel(order: { orderId: string; ticker: string }): Promise<number> {
    return this.#answer('cancel', order, () => {
      const known = this.orders.get(order.orderId);
      if (!known || known.status !== 'resting') throw new VenueRefusedError('not_found', 'no such order', 404);
      this.orders.set(order.orderId, { ...known, remaining: 0, status: 'canceled' });
      return known.remaining;
    });
  }

  amend(request: AmendRequest): Promise<{ remaining: number; filled: number }> {
    return this.#answer('amend', request, () => {
      const known = this.orders.get(request.orderId)!;
      const remaining = request.filled + request.resting - known.filled;
      this.orders.set(request.orderId, { ...known, price: request.price, remaining, clientOrderId: request.newClientOrderId });
      return { remaining, filled: known.filled };
    });
  }

  decrease(order: { orderId: string; ticker: string; reduceTo: number }): Promise<{ remaining: number }> {
    return this.#answer('decrease', order, () => {
      const known = this.orders.get(order.orderId)!;
      this.orders.set(order.orderId, { ...known, remaining: order.reduceTo });
      return { remaining: order.reduceTo };
    });
  }

  findOrder(ticker: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    return this.#answer('findOrder', { ticker, clientOrderId }, () => [...this.orders.values()].find((order) => order.clientOrderId === clientOrderId));
  }

  listResting(tickers: readonly string[]): Promise<VenueOrder[]> {
    return this.#answer('listResting', tickers, () => this.resting().filter((order) => tickers.includes(order.ticker)));
  }

  /** fills the private channel missed, by order id, for fills() */
  listedFills = new Map<string, Array<Parameters<VenueHandlers['fill']>[0]>>();

  fills(orderId: string): Promise<Array<Parameters<VenueHandlers['fill']>[0]>> {
    return Promise.resolve(this.listedFills.get(orderId) ?? []);
  }

  holdings: Array<{ ticker: string; position: number; costMicros: number }> = [];

  positions(
    tickers: readonly string[],
  ): Promise<{ positions: Array<{ ticker: string; position: number; costMicros: number }>; balanceCents: number | undefined }> {
    return Promise.resolve({ positions: this.holdings.filter((holding) => tickers.includes(holding.ticker)), balanceCents: 1_000_000 });
  }

  async close(): Promise<void> {}
}
