/**
 * What the control surface reads from the engine and what it may ask of it. The engine's
 * composition root implements both; the control server only codes against these types.
 *
 * Money and counts travel as decimal strings, exactly as the engine formats them (dollar
 * strings with 6 decimals for PnL and fees, count strings for sizes and positions): the
 * control surface converts them only where a number must leave the process (Prometheus).
 */

export interface MarketState {
  ticker: string;
  state: 'starting' | 'quoting' | 'stale' | 'paused' | 'reducing' | 'halted' | 'closed' | 'stopped';
  yesBid?: string;
  yesBidSize?: string;
  noBid?: string;
  noBidSize?: string; // dollar / count strings
  yesAsk?: string;
  noAsk?: string;
  orders: Array<{ clientOrderId: string; side: 'yes' | 'no'; action: 'buy' | 'sell'; price: string; size: string; status: string }>;
  /** count string, signed (+YES / -NO) */
  position: string;
  /** dollar strings (6 dp) */
  realizedPnl: string;
  markedPnl: string;
  fees: string;
  fills: number;
  ordersSent: number;
  rejects: number;
}

export interface EngineState {
  ts: string;
  mode: 'announce' | 'paper' | 'sandbox' | 'live';
  risk: 'active' | 'reducing' | 'halted';
  /** staleBooks: books stale right now (a gauge); the others count since start */
  connection: { connected: boolean; reconnects: number; sequenceGaps: number; resyncs: number; staleBooks: number };
  /** per channel */
  frames: { received: Record<string, number>; routed: Record<string, number> };
  /** per kind */
  intents: Record<string, number>;
  orders: { sent: Record<string, number>; rejects: Record<string, number>; fills: number; rateLimited: number; tokensSpent: number; tokensLeft: number };
  /**
   * Histogram buckets: counts per bucket (not cumulative), one more count than bounds (the last
   * is +Inf). `sumMs`, when the engine keeps it, is the sum of all observations.
   */
  decisionLatency: { boundsMs: number[]; counts: number[]; sumMs?: number };
  actorRestarts: number;
  totals: { realizedPnl: string; markedPnl: string; fees: string; exposure: string; position: string };
  markets: MarketState[];
  recentFills: Array<{ ts: string; ticker: string; side: string; action: string; price: string; count: string; fee: string; is_taker: boolean }>;
  recentRejects: Array<{ ts: string; ticker: string; reason: string }>;
}

/** The last status sample: cheap, never a round trip to actors. */
export interface EngineStateSource {
  latest(): EngineState;
}

export type ControlAction = 'pause' | 'resume' | 'flatten' | 'kill' | 'reload';
/** reload takes no ticker: it rereads the config file (as SIGHUP does) */
export const CONTROL_ACTIONS: readonly ControlAction[] = ['pause', 'resume', 'flatten', 'kill', 'reload'];

export interface ControlActions {
  /** `ticker` undefined = every market; `who` says who asked (remote address and user agent). */
  perform(action: ControlAction, ticker: string | undefined, who: string): Promise<{ ok: boolean; message: string }>;
}

/** What the control server reports (same shape as the engine's runtime events, so its sink fits). */
export interface ControlEvent {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly kind: string;
  readonly message: string;
  readonly ticker?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}
