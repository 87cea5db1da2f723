/**
 * The roster of running markets against fakes of the supervisor, gateway and execution
 * actor: what enters is reconciled, placed and subscribed in that order; what leaves winds
 * down and is dropped only when flat with nothing resting, by every view; closed markets
 * leave on their own; a parameter change reaches only its market.
 */
import { expect } from 'chai';
import type { ActorStatus, TickerPhase, TickerWinding } from '../../src/actors/messages.js';
import type { StrategyParams } from '../../src/config/types.js';
import type { ExecutionStatus, ReconcileReport } from '../../src/execution/execution-protocol.js';
import type { RuntimeEvent } from '../../src/log/runtime-event.js';
import { MarketRoster, type RosterActors, type RosterExecution, type RosterFeed } from '../../src/engine/market-roster.js';
import type { WindDownPolicy } from '../../src/strategy/dual-maker.js';
import { PARAMS } from './engine-harness.js';

class FakeActors implements RosterActors {
  readonly calls: string[] = [];
  readonly hosted = new Map<string, number>();
  winding: Record<string, TickerWinding> = {};
  phases: Record<string, TickerPhase> = {};
  readonly params = new Map<string, StrategyParams>();
  down = new Set<string>();

  async addTickers(tickers: readonly string[]): Promise<Map<string, number>> {
    this.calls.push(`actors.add ${tickers.join(',')}`);
    const placed = new Map<string, number>();
    for (const ticker of tickers) {
      placed.set(ticker, this.hosted.size % 2);
      this.hosted.set(ticker, this.hosted.size % 2);
    }
    return placed;
  }

  async windDown(tickers: readonly string[], policy: WindDownPolicy): Promise<void> {
    this.calls.push(`actors.windDown ${tickers.join(',')} ${policy}`);
    // the actor reports them from its next status on; a held position is kept
    for (const ticker of tickers) this.winding[ticker] ??= { policy, position: 0, resting: 0 };
  }

  async removeTickers(tickers: readonly string[]): Promise<void> {
    this.calls.push(`actors.remove ${tickers.join(',')}`);
    for (const ticker of tickers) {
      this.hosted.delete(ticker);
      delete this.winding[ticker];
    }
  }

  async setParams(ticker: string, params: StrategyParams): Promise<boolean> {
    this.calls.push(`actors.setParams ${ticker}`);
    this.params.set(ticker, params);
    return !this.down.has(ticker);
  }

  async status(): Promise<ActorStatus[]> {
    return [{ winding: { ...this.winding }, phases: { ...this.phases } } as unknown as ActorStatus];
  }
}

class FakeFeed implements RosterFeed {
  readonly calls: string[] = [];
  addTickers(owners: ReadonlyMap<string, number>): number {
    this.calls.push(`feed.add ${[...owners.keys()].join(',')}`);
    return owners.size;
  }
  removeTickers(tickers: readonly string[]): number {
    this.calls.push(`feed.remove ${tickers.join(',')}`);
    return tickers.length;
  }
}

class FakeExecution implements RosterExecution {
  readonly calls: string[] = [];
  positions: Record<string, number> = {};
  orders: Record<string, number> = {};
  async addTickers(tickers: readonly string[], policy: 'cancel' | 'adopt'): Promise<ReconcileReport> {
    this.calls.push(`execution.add ${tickers.join(',')} ${policy}`);
    return {
      cancelled: 0,
      adopted: 0,
      positions: tickers.filter((ticker) => this.positions[ticker]).map((ticker) => ({ ticker, position: this.positions[ticker]!, costMicros: 450_000 })),
      balanceCents: undefined,
    };
  }
  async status(): Promise<ExecutionStatus> {
    return {
      orders: Object.entries(this.orders).flatMap(([ticker, count]) => Array.from({ length: count }, () => ({ ticker }))),
      markets: Object.entries(this.positions).map(([ticker, position]) => ({ ticker, position })),
    } as unknown as ExecutionStatus;
  }
}

function setup(options: { execution?: boolean } = {}) {
  const actors = new FakeActors();
  const feed = new FakeFeed();
  const execution = options.execution === false ? undefined : new FakeExecution();
  const params = new Map<string, StrategyParams>([
    ['A', PARAMS],
    ['B', PARAMS],
  ]);
  const positions = new Map<string, { position: number; costE4: number }>();
  const owners = new Map([
    ['A', 0],
    ['B', 1],
  ]);
  const events: RuntimeEvent[] = [];
  const roster = new MarketRoster({ actors, feed, execution, params, positions, owners, sink: (event) => events.push(event), onStart: 'cancel' });
  const want = (...tickers: string[]): Map<string, StrategyParams> => new Map(tickers.map((ticker) => [ticker, PARAMS]));
  return { actors, feed, execution, params, positions, owners, events, roster, want };
}

describe('MarketRoster', () => {
  it('a market that enters is reconciled with the venue, then placed on an actor, then subscribed; its maker starts from the venue position', async () => {
    const s = setup();
    s.execution!.positions.C = 500;
    const change = await s.roster.reconcileTo(s.want('A', 'B', 'C'), 'keep_until_flat');
    expect(change).to.deep.equal({ added: ['C'], leaving: [], changed: [] });
    const order = [...s.execution!.calls, ...s.actors.calls, ...s.feed.calls];
    expect(order).to.deep.equal(['execution.add C cancel', 'actors.add C', 'feed.add C']);
    expect(s.positions.get('C')).to.deep.equal({ position: 500, costE4: 4500 });
    expect(s.roster.tickers()).to.deep.equal(['A', 'B', 'C']);
    expect(s.owners.has('C')).to.equal(true);
  });

  it('a leaving market with a position is never dropped while it holds it; flat with nothing resting, it is dropped and unsubscribed', async () => {
    const s = setup();
    s.execution!.positions.B = 300;
    const change = await s.roster.reconcileTo(s.want('A'), 'keep_until_flat');
    expect(change.leaving).to.deep.equal(['B']);
    expect(s.actors.calls).to.deep.equal(['actors.windDown B keep_until_flat']);
    s.actors.winding.B = { policy: 'keep_until_flat', position: 300, resting: 1 };
    for (let sweep = 0; sweep < 5; sweep++) expect(await s.roster.sweep()).to.deep.equal([]);
    expect(s.roster.leaving()).to.deep.equal([{ ticker: 'B', policy: 'keep_until_flat', waitingFor: 'its position (3 contracts)' }]);
    expect(s.roster.tickers()).to.include('B');
    // the maker thinks it is flat, but the execution actor still books 3 contracts: kept
    s.actors.winding.B = { policy: 'keep_until_flat', position: 0, resting: 0 };
    expect(await s.roster.sweep()).to.deep.equal([]);
    // flat by every view, but an order of it is still open at the venue: kept
    s.execution!.positions.B = 0;
    s.execution!.orders.B = 1;
    expect(await s.roster.sweep()).to.deep.equal([]);
    expect(s.roster.leaving()[0]!.waitingFor).to.equal('its orders (1 resting)');
    s.execution!.orders.B = 0;
    expect(await s.roster.sweep()).to.deep.equal(['B']);
    expect(s.actors.calls.slice(-1)).to.deep.equal(['actors.remove B']);
    expect(s.feed.calls).to.deep.equal(['feed.remove B']);
    expect(s.roster.tickers()).to.deep.equal(['A']);
    expect(s.owners.has('B')).to.equal(false);
    expect(s.roster.leaving()).to.deep.equal([]);
  });

  it('a leaving market its actor has not reported yet is not dropped', async () => {
    const s = setup();
    await s.roster.reconcileTo(s.want('A'), 'flatten');
    delete s.actors.winding.B;
    expect(await s.roster.sweep()).to.deep.equal([]);
    expect(s.roster.leaving()[0]).to.deep.include({ ticker: 'B', policy: 'flatten', waitingFor: 'its actor to report it' });
  });

  it('in announce mode (no execution actor) the actor view decides', async () => {
    const s = setup({ execution: false });
    await s.roster.reconcileTo(s.want('A'), 'keep_until_flat');
    s.actors.winding.B = { policy: 'keep_until_flat', position: 0, resting: 2 };
    expect(await s.roster.sweep()).to.deep.equal([]);
    s.actors.winding.B = { policy: 'keep_until_flat', position: 0, resting: 0 };
    expect(await s.roster.sweep()).to.deep.equal(['B']);
  });

  it('a parameter change reaches only the market it changes, in one step', async () => {
    const s = setup();
    const next = new Map([
      ['A', { ...PARAMS, min_spread: 6 }],
      ['B', PARAMS],
    ]);
    const change = await s.roster.reconcileTo(next, 'keep_until_flat');
    expect(change.changed).to.deep.equal([{ ticker: 'A', keys: ['min_spread'], applied: true }]);
    expect(s.actors.calls).to.deep.equal(['actors.setParams A']);
    expect(s.params.get('A')!.min_spread).to.equal(6);
  });

  it('a market its actor reports closed leaves on its own (keep_until_flat) and is dropped when flat', async () => {
    const s = setup();
    await s.roster.reconcileTo(s.want('A', 'B'), 'flatten');
    s.actors.phases = { A: 'live', B: 'closed' };
    expect(await s.roster.sweep()).to.deep.equal([]);
    expect(s.actors.calls).to.deep.equal(['actors.windDown B keep_until_flat']);
    expect(await s.roster.sweep()).to.deep.equal(['B']);
    expect(s.roster.tickers()).to.deep.equal(['A']);
  });

  it('a market wanted again while it wound down enters again once it is dropped', async () => {
    const s = setup();
    await s.roster.reconcileTo(s.want('A'), 'keep_until_flat');
    s.actors.winding.B = { policy: 'keep_until_flat', position: 100, resting: 0 };
    s.execution!.positions.B = 100;
    // back in the selection: it keeps winding down (no new bids) until flat
    expect(await s.roster.reconcileTo(s.want('A', 'B'), 'keep_until_flat')).to.deep.equal({ added: [], leaving: [], changed: [] });
    s.actors.winding.B = { policy: 'keep_until_flat', position: 0, resting: 0 };
    s.execution!.positions.B = 0;
    expect(await s.roster.sweep()).to.deep.equal(['B']);
    expect(s.feed.calls).to.deep.equal(['feed.remove B', 'feed.add B']);
    expect(s.roster.tickers()).to.include('B');
    expect(s.roster.leaving()).to.deep.equal([]);
  });

  it('after close() nothing changes', async () => {
    const s = setup();
    await s.roster.close();
    expect(await s.roster.reconcileTo(s.want('A', 'B', 'C'), 'keep_until_flat')).to.deep.equal({ added: [], leaving: [], changed: [] });
    expect(s.actors.calls).to.deep.equal([]);
  });
});
