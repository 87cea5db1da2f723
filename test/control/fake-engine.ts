/**
 * A stand-in engine for the control surface tests: a state source whose numbers move when
 * told to (or on every read), and actions that record what they were asked.
 */
import type { ControlAction, ControlActions, ControlEvent, EngineState, EngineStateSource, MarketState } from '../../src/control/engine-state.js';

/** µ$ -> "12.345600" (exact, integer arithmetic). */
export function microDollars(micro: number): string {
  const sign = micro < 0 ? '-' : '';
  const a = Math.abs(micro);
  return `${sign}${Math.floor(a / 1_000_000)}.${String(a % 1_000_000).padStart(6, '0')}`;
}

/** hundredths -> "12.00" */
export function hundredths(h: number): string {
  const sign = h < 0 ? '-' : '';
  const a = Math.abs(h);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

export function tickerOf(index: number): string {
  return `KXTEST-26JAN01-M${String(index).padStart(4, '0')}`;
}

const STATES: MarketState['state'][] = ['quoting', 'quoting', 'quoting', 'stale', 'paused', 'reducing', 'starting', 'halted'];

/** The money and position of market `index` at step `step`, as integers (µ$ and hundredths). */
export function figuresAt(index: number, step: number): { realized: number; marked: number; fees: number; position: number } {
  return {
    realized: ((index * 1_234_567 + step * 10_001) % 50_000_000) - 25_000_000,
    marked: (index * 7_654_321 - step * 20_003) % 40_000_000,
    fees: index * 1_750 + step * 350,
    position: 100 * (((index * 13 + step * 3) % 41) - 20), // whole contracts, -20..20
  };
}

/** Market `index` at step `step`: every figure depends on both, so a later step shows other numbers. */
export function marketAt(index: number, step: number): MarketState {
  const bid = 10 + ((index * 7 + step) % 80);
  const noBid = Math.max(1, 98 - bid - (index % 3));
  const figures = figuresAt(index, step);
  return {
    ticker: tickerOf(index),
    state: STATES[index % STATES.length]!,
    yesBid: `0.${String(bid).padStart(2, '0')}00`,
    yesBidSize: hundredths(100 * (1 + ((index + step) % 50))),
    noBid: `0.${String(noBid).padStart(2, '0')}00`,
    noBidSize: hundredths(100 * (1 + (index % 30))),
    yesAsk: `0.${String(100 - noBid).padStart(2, '0')}00`,
    noAsk: `0.${String(100 - bid).padStart(2, '0')}00`,
    orders:
      index % 4 === 3
        ? []
        : [
            {
              clientOrderId: `c-${index}-${step}-y`,
              side: 'yes',
              action: 'buy',
              price: `0.${String(bid).padStart(2, '0')}00`,
              size: '5.00',
              status: 'resting',
            },
            {
              clientOrderId: `c-${index}-${step}-n`,
              side: 'no',
              action: 'buy',
              price: `0.${String(noBid).padStart(2, '0')}00`,
              size: '5.00',
              status: 'resting',
            },
          ],
    position: hundredths(figures.position),
    realizedPnl: microDollars(figures.realized),
    markedPnl: microDollars(figures.marked),
    fees: microDollars(figures.fees),
    fills: index + step,
    ordersSent: 2 * (index + step),
    rejects: index % 5,
  };
}

export interface FakeStateOptions {
  readonly markets: number;
  /** advance the step on every latest() call (numbers keep moving for the page) */
  readonly moving?: boolean;
}

export class FakeStateSource implements EngineStateSource {
  step = 0;
  calls = 0;
  marketCount: number;
  readonly moving: boolean;
  /** when set, latest() throws it (a broken sampler) */
  failure: Error | undefined;

  constructor(options: FakeStateOptions) {
    this.marketCount = options.markets;
    this.moving = options.moving ?? false;
  }

  advance(steps = 1): void {
    this.step += steps;
  }

  latest(): EngineState {
    this.calls++;
    if (this.failure !== undefined) throw this.failure;
    if (this.moving) this.step++;
    return stateAt(this.step, this.marketCount);
  }
}

export function stateAt(step: number, marketCount: number): EngineState {
  const markets = Array.from({ length: marketCount }, (_, index) => marketAt(index, step));
  const all = Array.from({ length: marketCount }, (_, index) => figuresAt(index, step));
  const sum = (pick: (f: ReturnType<typeof figuresAt>) => number): number => all.reduce((total, f) => total + pick(f), 0);
  return {
    ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + step * 500).toISOString(),
    mode: 'paper',
    risk: step % 10 === 9 ? 'reducing' : 'active',
    connection: { connected: true, reconnects: 1 + Math.floor(step / 4), sequenceGaps: 2 * step, resyncs: step, staleBooks: step % 3 },
    frames: {
      received: { orderbook_delta: 1000 + 50 * step, ticker: 200 + 5 * step, trade: 30 + step },
      routed: { orderbook_delta: 990 + 50 * step, ticker: 200 + 5 * step },
    },
    intents: { place: 400 + 4 * step, cancel: 300 + 3 * step, amend: 10 + step },
    orders: {
      sent: { create: 380 + 4 * step, cancel: 290 + 3 * step },
      rejects: { insufficient_balance: 2, post_only_cross: 5 + step },
      fills: 50 + step,
      rateLimited: 3 + step,
      tokensSpent: 7000 + 100 * step,
      tokensLeft: 100 + (step % 50),
    },
    decisionLatency: { boundsMs: [0.1, 0.5, 1, 5, 20], counts: [100 + step, 50 + step, 20, 5, 1, 0], sumMs: 60 + step },
    actorRestarts: Math.floor(step / 10),
    totals: {
      realizedPnl: microDollars(sum((f) => f.realized)),
      markedPnl: microDollars(sum((f) => f.marked)),
      fees: microDollars(sum((f) => f.fees)),
      exposure: microDollars(123_450_000 + step * 1_000_000),
      position: hundredths(sum((f) => f.position)),
    },
    markets,
    recentFills: Array.from({ length: Math.min(20, marketCount) }, (_, i) => ({
      ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + (step - i) * 500).toISOString(),
      ticker: tickerOf(i),
      side: i % 2 === 0 ? 'yes' : 'no',
      action: 'buy',
      price: '0.4200',
      count: '5.00',
      fee: microDollars(17_500 + step),
      is_taker: i % 3 === 0,
    })),
    recentRejects: [{ ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + step * 500).toISOString(), ticker: tickerOf(0), reason: `post_only_cross #${step}` }],
  };
}

export interface ActionCall {
  readonly action: ControlAction;
  readonly ticker: string | undefined;
  readonly who: string;
}

export class RecordingActions implements ControlActions {
  readonly calls: ActionCall[] = [];
  answer: { ok: boolean; message: string } = { ok: true, message: 'done' };
  /** resolves the next time perform() is called */
  #waiters: Array<(call: ActionCall) => void> = [];

  async perform(action: ControlAction, ticker: string | undefined, who: string): Promise<{ ok: boolean; message: string }> {
    const call = { action, ticker, who };
    this.calls.push(call);
    for (const waiter of this.#waiters.splice(0)) waiter(call);
    return this.answer;
  }

  next(): Promise<ActionCall> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class RecordingLog {
  readonly events: ControlEvent[] = [];
  readonly log = (event: ControlEvent): void => {
    this.events.push(event);
  };
}
