/**
 * Paper orders: the actors' intents sent as signed REST orders to the embedded simulator
 * (Create Order V2 and cancel, ws-v2.md 9.2 and 9.4), so that fills and positions come
 * back through the socket like they would from the exchange.
 *
 *   quote / exit      -> create, post-only, good till cancelled
 *   reprice           -> cancel the resting entry bid, then create
 *   cancel            -> cancel the resting entry bid of that leg
 *   exit_cancel       -> cancel the resting exit of that leg
 *   reduce_only       -> create, immediate or cancel, reduce-only
 *
 * Everything is quoted on the YES leg (V2 `side` bid/ask): buying NO at q is an ask at
 * 100 - q, selling NO at q a bid at 100 - q. Requests for one (ticker, role, leg) run one
 * after another, so a cancel always knows the order id its create got back.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { TimeSource } from '../clock/clock.js';
import type { Intent } from '../strategy/intent.js';
import { authHeaders } from '../protocol/auth.js';
import { hundredthsToCount, ticksToDollars } from '../protocol/fixed.js';
import type { EventSink } from '../log/runtime-event.js';

type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel';

interface OrderPlan {
  readonly side: 'bid' | 'ask';
  /** YES-leg price in ticks */
  readonly price: number;
}

/** The V2 side and YES-leg price of an intent. */
export function orderPlan(intent: Intent): OrderPlan {
  const buyingYes = (intent.side === 'yes') === (intent.action === 'buy');
  const price = intent.side === 'yes' ? intent.price : 100 - intent.price;
  return { side: buyingYes ? 'bid' : 'ask', price };
}

export class PaperOrderDesk {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly restingOrder = new Map<string, string>();
  private readonly ordersPath: string;
  private readonly ordersUrl: string;

  constructor(
    restUrl: string,
    private readonly keyId: string,
    private readonly privateKey: KeyObject,
    private readonly sink: EventSink,
    private readonly clock: TimeSource,
  ) {
    this.ordersUrl = `${restUrl.replace(/\/$/, '')}/portfolio/events/orders`;
    this.ordersPath = new URL(this.ordersUrl).pathname;
  }

  submit(intents: readonly Intent[]): void {
    for (const intent of intents) {
      const role = intent.kind === 'exit' || intent.kind === 'exit_cancel' ? 'exit' : intent.kind === 'reduce_only' ? 'reduce' : 'entry';
      const key = `${intent.ticker}|${role}|${intent.side}`;
      const previous = this.chains.get(key) ?? Promise.resolve();
      const next = previous.then(() => this.apply(key, intent)).catch((error: Error) => {
        this.sink({ level: 'warn', kind: 'paper_order_failed', ticker: intent.ticker, message: `${intent.kind} ${intent.side}: ${error.message}` });
      });
      this.chains.set(key, next);
      void next.then(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    }
  }

  /** Resolves when every request submitted so far has been answered. */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async apply(key: string, intent: Intent): Promise<void> {
    switch (intent.kind) {
      case 'quote':
      case 'reprice':
      case 'exit':
        // one resting order per (ticker, role, leg): whatever rests there is replaced
        await this.cancel(key);
        await this.create(key, intent, 'good_till_canceled');
        return;
      case 'cancel':
      case 'exit_cancel':
        await this.cancel(key);
        return;
      case 'reduce_only':
        await this.create(key, intent, 'immediate_or_cancel');
        return;
    }
  }

  private async create(key: string, intent: Intent, timeInForce: TimeInForce): Promise<void> {
    const plan = orderPlan(intent);
    const body = {
      ticker: intent.ticker,
      client_order_id: randomUUID(),
      side: plan.side,
      count: hundredthsToCount(intent.size),
      price: ticksToDollars(plan.price),
      time_in_force: timeInForce,
      self_trade_prevention_type: 'taker_at_cross',
      post_only: timeInForce === 'good_till_canceled',
      reduce_only: intent.kind === 'reduce_only',
    };
    const answer = await this.request('POST', this.ordersUrl, this.ordersPath, body);
    if (answer.status !== 201) {
      this.sink({ level: 'info', kind: 'paper_order_refused', ticker: intent.ticker, message: `${intent.kind} ${intent.side} ${body.side} ${body.count} @ ${body.price}: HTTP ${answer.status} ${JSON.stringify(answer.body)}` });
      return;
    }
    const orderId = (answer.body as { order_id?: unknown; remaining_count?: unknown }).order_id;
    const remaining = (answer.body as { remaining_count?: unknown }).remaining_count;
    if (timeInForce === 'good_till_canceled' && typeof orderId === 'string' && remaining !== '0.00') this.restingOrder.set(key, orderId);
  }

  private async cancel(key: string): Promise<void> {
    const orderId = this.restingOrder.get(key);
    if (orderId === undefined) return;
    this.restingOrder.delete(key);
    const path = `${this.ordersPath}/${encodeURIComponent(orderId)}`;
    await this.request('DELETE', `${this.ordersUrl}/${encodeURIComponent(orderId)}`, path);
  }

  private async request(method: 'POST' | 'DELETE', url: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(url, {
      method,
      headers: { ...authHeaders(this.keyId, this.privateKey, this.clock.now(), method, path), 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed };
  }
}
