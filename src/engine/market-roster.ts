/**
 * The markets a running engine trades, and how that set changes without a restart.
 *
 * `reconcileTo(desired)` moves the running set toward the desired one (ticker -> strategy
 * parameters, from the config and the selection):
 *   - a market that enters is reconciled with the venue first (its orders from before are
 *     cancelled or adopted, its position read), then given to the actor with the fewest
 *     markets, then subscribed by the gateway; its maker starts from the venue's position;
 *   - a market that leaves stops bidding and winds down by the policy (`keep_until_flat`: its
 *     exits stay until it is flat; `flatten`: it sells into the best bid), and stays leaving;
 *   - a market whose parameters changed gets them in one step (its maker reprices at once).
 *
 * `sweep()` (once a second) drops a leaving market only when it is flat and has nothing
 * resting, as its actor sees it and, when intents become orders, as the execution actor sees
 * it (no order of the market open, its portfolio position 0). Dropped, it is unsubscribed and
 * forgotten; if it is desired again by then, it enters again at once. A market that leaves
 * while it holds a position is never dropped: it stays leaving, listed with its reason,
 * until it is flat.
 */
import type { WindDownPolicy } from '../strategy/dual-maker.js';
import type { StrategyParams } from '../config/types.js';
import type { ActorStatus } from '../actors/messages.js';
import type { ExecutionStatus, ReconcileReport } from '../execution/execution-protocol.js';
import type { EventSink } from '../log/runtime-event.js';

/** What the roster needs of the supervisor (Supervisor has it). */
export interface RosterActors {
  addTickers(tickers: readonly string[]): Promise<Map<string, number>>;
  windDown(tickers: readonly string[], policy: WindDownPolicy): Promise<void>;
  removeTickers(tickers: readonly string[]): Promise<void>;
  setParams(ticker: string, params: StrategyParams): Promise<boolean>;
  status(): Promise<ActorStatus[]>;
}

/** What the roster needs of the gateway (Gateway has it). */
export interface RosterFeed {
  addTickers(owners: ReadonlyMap<string, number>): number;
  removeTickers(tickers: readonly string[]): number;
}

/** What the roster needs of the execution actor, when intents become orders. */
export interface RosterExecution {
  addTickers(tickers: readonly string[], policy: 'cancel' | 'adopt'): Promise<ReconcileReport>;
  status(): Promise<ExecutionStatus>;
}

export interface RosterDeps {
  readonly actors: RosterActors;
  readonly feed: RosterFeed;
  readonly execution: RosterExecution | undefined;
  /** ticker -> parameters of every market hosted (shared with the supervisor, which reads it when it sets a market up) */
  readonly params: Map<string, StrategyParams>;
  /** the venue's positions of markets added (shared with the supervisor: a maker starts from it) */
  readonly positions: Map<string, { position: number; costE4: number }>;
  /** ticker -> shard of every market routed (for the status line and the state) */
  readonly owners: Map<string, number>;
  readonly sink: EventSink;
  /** what a market that enters does with orders from before (execution.on_start) */
  readonly onStart: 'cancel' | 'adopt';
}

export interface ParamChange {
  readonly ticker: string;
  readonly keys: readonly string[];
  /** false when its actor is down (the supervisor sets it up with the new parameters when it is launched again) */
  readonly applied: boolean;
}

export interface RosterChange {
  readonly added: readonly string[];
  readonly leaving: readonly string[];
  readonly changed: readonly ParamChange[];
}

export interface LeavingMarket {
  readonly ticker: string;
  readonly policy: WindDownPolicy;
  /** what keeps it: a position, orders, or an actor that has not reported it yet */
  readonly waitingFor: string;
}

/**
 * The venue's positions from a reconciliation, as the makers start from them (cost in E4,
 * rounded up from micros); only those of `only` when given.
 */
export function seedPositions(
  positions: Map<string, { position: number; costE4: number }>,
  report: Pick<ReconcileReport, 'positions'>,
  only?: readonly string[],
): void {
  for (const holding of report.positions)
    if (only === undefined || only.includes(holding.ticker))
      positions.set(holding.ticker, { position: holding.position, costE4: Math.ceil(holding.costMicros / 100) });
}

function changedKeys(before: StrategyParams, after: StrategyParams): string[] {
  return (Object.keys(after) as Array<keyof StrategyParams>).filter((key) => after[key] !== before[key]);
}

export class MarketRoster {
  /** markets winding down, with their policy */
  private readonly leavingMarkets = new Map<string, { policy: WindDownPolicy; waitingFor: string }>();
  /** the set asked for last (a market dropped while still desired enters again) */
  private desired = new Map<string, StrategyParams>();
  /** one change at a time: a reconcile and a sweep never interleave */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: RosterDeps) {}

  /** The markets hosted now, leaving ones included. */
  tickers(): string[] {
    return [...this.deps.params.keys()];
  }

  leaving(): LeavingMarket[] {
    return [...this.leavingMarkets].map(([ticker, { policy, waitingFor }]) => ({ ticker, policy, waitingFor }));
  }

  /** Moves the running set toward `desired`; markets that leave wind down by `policy`. */
  reconcileTo(desired: ReadonlyMap<string, StrategyParams>, policy: WindDownPolicy): Promise<RosterChange> {
    return this.serial(() => this.apply(new Map(desired), policy), { added: [], leaving: [], changed: [] });
  }

  /**
   * Once a second: a market its actor reports closed (or settled) leaves on its own
   * (keep_until_flat: nothing can trade until it reopens or pays out); the leaving markets
   * that are flat with nothing resting are dropped. Returns the ones dropped.
   */
  sweep(): Promise<string[]> {
    return this.serial(() => this.sweepNow(), []);
  }

  /** No change after this (the engine is stopping); resolves when the one under way has ended. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private serial<T>(step: () => Promise<T>, idle: T): Promise<T> {
    const next = this.queue.then(() => (this.closed ? idle : step()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async apply(desired: Map<string, StrategyParams>, policy: WindDownPolicy): Promise<RosterChange> {
    this.desired = desired;
    const { params } = this.deps;
    const entering = [...desired.keys()].filter((ticker) => !params.has(ticker));
    const leaving = [...params.keys()].filter((ticker) => !desired.has(ticker) && !this.leavingMarkets.has(ticker));
    const changed: ParamChange[] = [];
    for (const [ticker, next] of desired) {
      const before = params.get(ticker);
      if (before === undefined || this.leavingMarkets.has(ticker)) continue;
      const keys = changedKeys(before, next);
      if (keys.length === 0) continue;
      params.set(ticker, next);
      changed.push({ ticker, keys, applied: await this.deps.actors.setParams(ticker, next) });
    }
    if (leaving.length > 0) {
      for (const ticker of leaving) this.leavingMarkets.set(ticker, { policy, waitingFor: 'its actor to wind it down' });
      await this.deps.actors.windDown(leaving, policy);
      this.deps.sink({
        level: 'info',
        kind: 'markets_leaving',
        message: `${leaving.length} markets leave (${policy}): no more bids; dropped once flat`,
        data: { tickers: leaving.slice(0, 20) },
      });
    }
    const added = await this.add(entering, desired);
    return { added, leaving, changed };
  }

  private async add(tickers: readonly string[], desired: ReadonlyMap<string, StrategyParams>): Promise<string[]> {
    if (tickers.length === 0) return [];
    const { params, positions, execution } = this.deps;
    if (execution) {
      // before its first quote: what rests from before is cancelled (or adopted), its position read
      const reconciled = await execution.addTickers(tickers, this.deps.onStart);
      seedPositions(positions, reconciled, tickers);
    }
    for (const ticker of tickers) params.set(ticker, desired.get(ticker)!);
    const placed = await this.deps.actors.addTickers(tickers);
    for (const [ticker, shard] of placed) this.deps.owners.set(ticker, shard);
    // a market no actor could take (every actor halted) is not hosted
    for (const ticker of tickers) if (!placed.has(ticker)) params.delete(ticker);
    this.deps.feed.addTickers(placed);
    if (placed.size > 0)
      this.deps.sink({ level: 'info', kind: 'markets_entered', message: `${placed.size} markets enter`, data: { tickers: [...placed.keys()].slice(0, 20) } });
    return [...placed.keys()];
  }

  private async sweepNow(): Promise<string[]> {
    const actors = await this.deps.actors.status();
    const closed: string[] = [];
    for (const actor of actors)
      for (const [ticker, phase] of Object.entries(actor.phases))
        if (phase === 'closed' && this.deps.params.has(ticker) && !this.leavingMarkets.has(ticker)) closed.push(ticker);
    if (closed.length > 0) {
      for (const ticker of closed) {
        this.desired.delete(ticker);
        this.leavingMarkets.set(ticker, { policy: 'keep_until_flat', waitingFor: 'its actor to wind it down' });
      }
      await this.deps.actors.windDown(closed, 'keep_until_flat');
      this.deps.sink({
        level: 'info',
        kind: 'markets_leaving',
        message: `${closed.length} closed markets leave: dropped once flat`,
        data: { tickers: closed.slice(0, 20) },
      });
    }
    if (this.leavingMarkets.size === 0) return [];
    const trading = this.deps.execution ? await this.deps.execution.status() : undefined;
    const winding = new Map<string, { position: number; resting: number }>();
    for (const actor of actors) for (const [ticker, state] of Object.entries(actor.winding)) winding.set(ticker, state);
    const openOrders = new Map<string, number>();
    for (const order of trading?.orders ?? []) openOrders.set(order.ticker, (openOrders.get(order.ticker) ?? 0) + 1);
    const held = new Map<string, number>((trading?.markets ?? []).map((market) => [market.ticker, market.position]));
    const flat: string[] = [];
    for (const [ticker, entry] of this.leavingMarkets) {
      const view = winding.get(ticker);
      if (view === undefined) {
        entry.waitingFor = 'its actor to report it';
        continue;
      }
      const position = trading ? (held.get(ticker) ?? 0) : view.position;
      const orders = trading ? (openOrders.get(ticker) ?? 0) : 0;
      if (view.position !== 0 || position !== 0) entry.waitingFor = `its position (${position / 100} contracts)`;
      else if (view.resting > 0 || orders > 0) entry.waitingFor = `its orders (${Math.max(view.resting, orders)} resting)`;
      else flat.push(ticker);
    }
    if (flat.length === 0) return [];
    await this.deps.actors.removeTickers(flat);
    this.deps.feed.removeTickers(flat);
    for (const ticker of flat) {
      this.leavingMarkets.delete(ticker);
      this.deps.params.delete(ticker);
      this.deps.positions.delete(ticker);
      this.deps.owners.delete(ticker);
    }
    this.deps.sink({
      level: 'info',
      kind: 'markets_removed',
      message: `${flat.length} markets dropped, flat with nothing resting`,
      data: { tickers: flat.slice(0, 20) },
    });
    // wanted again while it wound down: it enters again now
    const again = flat.filter((ticker) => this.desired.has(ticker));
    if (again.length > 0) await this.add(again, this.desired);
    return flat;
  }
}
