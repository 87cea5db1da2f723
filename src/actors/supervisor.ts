/**
 * Runs the shard actors on one piscina pool and keeps them running.
 *
 * Each shard is one never-ending pool task (minThreads = maxThreads = workers, no idle
 * reaping, one task per thread, atomics disabled: node-stack.md section 1). Its ports: a
 * data port (raw frames in, credit and state reports out), a control port (Comlink), and a
 * producer port of the logger.
 *
 *   actor: starting --answers status--> running --stop()--> stopping --> stopped
 *                                          '--run() rejects--> faulted --delay--> starting
 *
 * A faulted actor is relaunched on new ports with the same tickers (the assignment is
 * stable), each re-created from the last maker state the actor reported, so what it had
 * resting is cancelled at once (stale). The gateway routes only to running actors.
 */
import * as Comlink from 'comlink';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { LogLevel, RuntimeClock, StrategyParams } from '../config/types.js';
import { ActorOutbox, type OutboxOptions } from './actor-outbox.js';
import type { EventSink } from '../log/runtime-event.js';
import type { MakerState, WindDownPolicy } from '../strategy/dual-maker.js';
import type { TimeSource } from '../clock/clock.js';
import type { ActorControl, ActorEvent, ActorStatus, ActorStopReport, ShardTask, TickerBook, TickerSetup } from './messages.js';

export type ActorPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'faulted';

export interface SupervisorOptions {
  readonly workers: number;
  readonly logLevel: LogLevel;
  /** intents become orders: the id prefix of this run and where the orders rest */
  readonly orders?: { readonly sessionId: string; readonly ownOrdersInBook: boolean };
  /** the venue's positions at start, by ticker (reconciliation) */
  readonly positions?: ReadonlyMap<string, { readonly position: number; readonly costE4: number }>;
  /** a fresh port to the execution actor, for one launch (with `orders`) */
  readonly connectExecutionPort?: () => MessagePort;
  /** the time the actors decide in (runtime.clock) */
  readonly actorClock: RuntimeClock;
  readonly outbox: OutboxOptions;
  /** first restart delay; doubles per crash in a row, up to 5 s */
  readonly restartDelayMs: number;
  /** how long a status or stop call may take before the actor counts as unresponsive */
  readonly controlTimeoutMs: number;
  /**
   * An actor that dies this many times within `crashWindowMs` is not restarted again: its
   * markets are halted (their orders cancelled by the caller) and the others trade on.
   * Default 5 in 10 minutes.
   */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
}

export interface SupervisorHandlers {
  /** every event an actor posts on its data port */
  actorEvent(shardId: number, event: ActorEvent): void;
  /** the actor (first start or restart) is running */
  actorUp(shardId: number): void;
  /** the actor's thread died */
  actorDown(shardId: number, error: Error): void;
  /** the actor kept dying and is not restarted: its tickers are halted for good */
  actorHalted?(shardId: number, tickers: readonly string[]): void;
}

interface ActorRecord {
  readonly shardId: number;
  /** its markets now (markets added and dropped while running change it) */
  tickers: string[];
  phase: ActorPhase;
  /** increases with every launch; events of older launches are ignored */
  launch: number;
  crashesInARow: number;
  runningSinceMs: number;
  /** when it died, within the crash window */
  crashTimes: number[];
  /** it kept dying: not restarted any more */
  halted: boolean;
  outbox: ActorOutbox | undefined;
  dataPort: MessagePort | undefined;
  controlPort: MessagePort | undefined;
  control: Comlink.Remote<ActorControl> | undefined;
  done: Promise<void> | undefined;
  ready: Promise<void> | undefined;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
}

const MAX_RESTART_DELAY_MS = 5_000;
const STABLE_AFTER_MS = 30_000;

function actorFile(): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./shard-actor.${extension}`, import.meta.url).href;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Supervisor {
  private readonly pool: Piscina<ShardTask, ActorStopReport>;
  private readonly actors = new Map<number, ActorRecord>();
  private readonly makerStates = new Map<string, MakerState>();
  /** markets that are leaving, with their policy: a relaunch winds them down again */
  private readonly leaving = new Map<string, WindDownPolicy>();
  private stopping = false;
  private restartCount = 0;

  constructor(
    assignment: ReadonlyMap<number, readonly string[]>,
    private readonly paramsOf: (ticker: string) => StrategyParams,
    /** a fresh producer port of the logger, for one launch */
    private readonly connectLogPort: () => MessagePort,
    private readonly handlers: SupervisorHandlers,
    private readonly sink: EventSink,
    private readonly clock: TimeSource,
    private readonly options: SupervisorOptions,
  ) {
    this.pool = new Piscina<ShardTask, ActorStopReport>({
      filename: actorFile(),
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      atomics: 'disabled',
    });
    for (const [shardId, tickers] of assignment) {
      this.actors.set(shardId, {
        shardId,
        tickers: [...tickers],
        phase: 'stopped',
        launch: 0,
        crashesInARow: 0,
        runningSinceMs: 0,
        crashTimes: [],
        halted: false,
        outbox: undefined,
        dataPort: undefined,
        controlPort: undefined,
        control: undefined,
        done: undefined,
        ready: undefined,
        restartTimer: undefined,
      });
    }
  }

  /** Launches every actor; resolves when all are running. */
  async start(): Promise<void> {
    await Promise.all([...this.actors.values()].map((record) => this.launch(record)));
  }

  /** The data-port outbox of a running actor. */
  outbox(shardId: number): ActorOutbox | undefined {
    const record = this.actors.get(shardId);
    return record?.phase === 'running' ? record.outbox : undefined;
  }

  phaseOf(shardId: number): ActorPhase | undefined {
    return this.actors.get(shardId)?.phase;
  }

  /** The tickers of actors that kept dying and are not restarted. */
  haltedTickers(): string[] {
    return [...this.actors.values()].filter((record) => record.halted).flatMap((record) => record.tickers);
  }

  /** Relaunches after a thread died, over all actors, since the start. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The pool's threads (for diagnostics: match an actor's status threadId). */
  get threads(): readonly Worker[] {
    return this.pool.threads;
  }

  /** Status of every running actor that answers in time. */
  async status(): Promise<ActorStatus[]> {
    const running = [...this.actors.values()].filter((record) => record.phase === 'running' && record.control);
    const answers = await Promise.allSettled(
      running.map((record) => withTimeout(record.control!.status(), this.options.controlTimeoutMs, `actor ${record.shardId} status`)),
    );
    return answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  }

  async setParams(ticker: string, params: StrategyParams): Promise<boolean> {
    const control = this.controlOf(ticker);
    if (!control) return false;
    return withTimeout(control.remote.setParams(ticker, params), this.options.controlTimeoutMs, `actor ${control.shardId} setParams`);
  }

  /** The ticker's book as its actor holds it; undefined when no running actor hosts it. */
  async book(ticker: string): Promise<TickerBook | undefined> {
    const control = this.controlOf(ticker);
    if (!control) return undefined;
    return withTimeout(control.remote.book(ticker), this.options.controlTimeoutMs, `actor ${control.shardId} book`);
  }

  /** The shard that hosts the ticker, if any. */
  shardOf(ticker: string): number | undefined {
    for (const record of this.actors.values()) if (record.tickers.includes(ticker)) return record.shardId;
    return undefined;
  }

  /**
   * New markets, each given to the actor with the fewest markets (halted actors get none);
   * returns ticker -> shard for the ones added (a market already hosted is left where it is).
   * A running actor takes them at once; one that is down takes them when it is launched again.
   */
  async addTickers(tickers: readonly string[]): Promise<Map<string, number>> {
    const placed = new Map<string, number>();
    const candidates = [...this.actors.values()].filter((record) => !record.halted);
    if (candidates.length === 0) return placed;
    for (const ticker of tickers) {
      if (this.shardOf(ticker) !== undefined || placed.has(ticker)) continue;
      const record = candidates.reduce((best, next) => (next.tickers.length < best.tickers.length ? next : best));
      record.tickers.push(ticker);
      placed.set(ticker, record.shardId);
    }
    const byShard = new Map<number, string[]>();
    for (const [ticker, shardId] of placed) byShard.set(shardId, [...(byShard.get(shardId) ?? []), ticker]);
    await Promise.all(
      [...byShard].map(async ([shardId, added]) => {
        const record = this.actors.get(shardId)!;
        // a launch under way was given the markets it had before: it takes these once running
        if (record.phase === 'starting') await record.ready;
        if (record.phase !== 'running' || !record.control) return; // the next launch takes them
        await withTimeout(record.control.addTickers(added.map((ticker) => this.setupOf(ticker))), this.options.controlTimeoutMs, `actor ${shardId} addTickers`);
      }),
    );
    return placed;
  }

  /** These markets are leaving: their actors stop their bidding and wind them down by the policy (again after a restart). */
  async windDown(tickers: readonly string[], policy: WindDownPolicy): Promise<void> {
    for (const ticker of tickers) if (this.shardOf(ticker) !== undefined) this.leaving.set(ticker, policy);
    await Promise.all(
      this.runningGroups(tickers).map(([record, group]) =>
        withTimeout(record.control!.windDown(group, policy), this.options.controlTimeoutMs, `actor ${record.shardId} windDown`),
      ),
    );
  }

  /** Drops these markets from their actors (each shut down first) and forgets them. */
  async removeTickers(tickers: readonly string[]): Promise<void> {
    const groups = this.runningGroups(tickers);
    const gone = new Set(tickers);
    for (const record of this.actors.values()) record.tickers = record.tickers.filter((ticker) => !gone.has(ticker));
    for (const ticker of tickers) {
      this.leaving.delete(ticker);
      this.makerStates.delete(ticker);
    }
    await Promise.all(
      groups.map(([record, group]) =>
        withTimeout(record.control!.removeTickers(group), this.options.controlTimeoutMs, `actor ${record.shardId} removeTickers`),
      ),
    );
  }

  /** The given tickers grouped by the running actor that hosts them. */
  private runningGroups(tickers: readonly string[]): Array<[ActorRecord, string[]]> {
    const wanted = new Set(tickers);
    const groups: Array<[ActorRecord, string[]]> = [];
    for (const record of this.actors.values()) {
      if (record.phase !== 'running' || !record.control) continue;
      const group = record.tickers.filter((ticker) => wanted.has(ticker));
      if (group.length > 0) groups.push([record, group]);
    }
    return groups;
  }

  /** How an actor is to set a market up: from its last reported state after a crash, else from the venue's position. */
  private setupOf(ticker: string): TickerSetup {
    const restoredState = this.makerStates.get(ticker);
    const position = this.options.positions?.get(ticker);
    const windDown = this.leaving.get(ticker);
    const base = { ticker, params: this.paramsOf(ticker), ...(windDown !== undefined ? { windDown } : {}) };
    if (restoredState) return { ...base, restoredState };
    return position ? { ...base, position } : base;
  }

  /** The control plane of the running actor that hosts the ticker. */
  private controlOf(ticker: string): { shardId: number; remote: Comlink.Remote<ActorControl> } | undefined {
    for (const record of this.actors.values()) {
      if (!record.tickers.includes(ticker)) continue;
      return record.phase === 'running' && record.control ? { shardId: record.shardId, remote: record.control } : undefined;
    }
    return undefined;
  }

  /**
   * Stops every actor: each cancels everything (reason shutdown) and flushes to the
   * logger. An actor that is down is relaunched first, so what it had resting is
   * cancelled too. Then the pool is destroyed.
   */
  async stop(): Promise<ActorStopReport[]> {
    this.stopping = true;
    const reports = await Promise.all([...this.actors.values()].map((record) => this.stopActor(record)));
    await this.pool.destroy();
    return reports.flatMap((report) => (report ? [report] : []));
  }

  // ---- one actor ----------------------------------------------------------------------

  private launch(record: ActorRecord): Promise<void> {
    const launch = ++record.launch;
    record.phase = 'starting';
    record.restartTimer = undefined;
    const data = new MessageChannel();
    const control = new MessageChannel();
    const logPort = this.connectLogPort();
    const executionPort = this.options.orders ? this.options.connectExecutionPort?.() : undefined;
    const tickers: TickerSetup[] = record.tickers.map((ticker) => this.setupOf(ticker));
    const task: ShardTask = {
      shardId: record.shardId,
      tickers,
      dataPort: data.port2,
      controlPort: control.port2,
      logPort,
      logLevel: this.options.logLevel,
      clock: this.options.actorClock,
      // a launch of its own in every id: a restarted actor never reuses an id
      ...(this.options.orders
        ? { orders: { idPrefix: `${this.options.orders.sessionId}-${record.shardId}.${launch}-`, ownOrdersInBook: this.options.orders.ownOrdersInBook } }
        : {}),
      ...(executionPort ? { executionPort } : {}),
    };
    record.dataPort = data.port1;
    record.controlPort = control.port1;
    record.control = Comlink.wrap<ActorControl>(control.port1 as unknown as Comlink.Endpoint);
    record.outbox = new ActorOutbox(data.port1, this.options.outbox);
    data.port1.on('message', (event: ActorEvent) => {
      if (record.launch === launch) this.actorEvent(record, event);
    });
    const done = this.pool.run(task, { transferList: [data.port2, control.port2, logPort, ...(executionPort ? [executionPort] : [])] });
    record.done = done.then(
      () => this.exited(record, launch, undefined),
      (error: unknown) => this.exited(record, launch, error instanceof Error ? error : new Error(String(error))),
    );
    const answered = record.control.status().then(() => true);
    const crashed = done.then(
      () => false,
      () => false,
    );
    record.ready = Promise.race([answered, crashed]).then((up) => {
      if (!up || record.launch !== launch || record.phase !== 'starting') return;
      record.phase = 'running';
      record.runningSinceMs = this.clock.now();
      this.sink({
        level: 'info',
        kind: 'actor_running',
        message: `actor ${record.shardId} running ${record.tickers.length} tickers`,
        data: { shard: record.shardId, launch },
      });
      this.handlers.actorUp(record.shardId);
    });
    return record.ready;
  }

  private actorEvent(record: ActorRecord, event: ActorEvent): void {
    if (event.kind === 'MakerStatesReported') {
      for (const { ticker, state } of event.states) this.makerStates.set(ticker, state);
    }
    this.handlers.actorEvent(record.shardId, event);
  }

  private exited(record: ActorRecord, launch: number, error: Error | undefined): void {
    // a stopping actor is released by stopActor, after its stop() reply arrived
    if (record.launch !== launch || record.phase === 'stopping') return;
    this.release(record);
    if (!error || this.stopping) {
      record.phase = error ? 'faulted' : 'stopped';
      return;
    }
    record.phase = 'faulted';
    const now = this.clock.now();
    const windowMs = this.options.crashWindowMs ?? 600_000;
    record.crashTimes = [...record.crashTimes.filter((at) => now - at < windowMs), now];
    if (record.crashTimes.length >= (this.options.maxCrashes ?? 5)) {
      record.halted = true;
      this.sink({
        level: 'error',
        kind: 'actor_halted',
        message: `actor ${record.shardId} died ${record.crashTimes.length} times in ${Math.round(windowMs / 60_000)} minutes (${error.message}); not restarted: its ${record.tickers.length} markets are halted, their orders cancelled, the others trade on`,
        data: { shard: record.shardId, tickers: record.tickers.length },
      });
      this.handlers.actorDown(record.shardId, error);
      this.handlers.actorHalted?.(record.shardId, record.tickers);
      return;
    }
    record.crashesInARow = now - record.runningSinceMs >= STABLE_AFTER_MS ? 1 : record.crashesInARow + 1;
    const delay = Math.min(MAX_RESTART_DELAY_MS, this.options.restartDelayMs * 2 ** (record.crashesInARow - 1));
    this.sink({
      level: 'error',
      kind: 'actor_faulted',
      message: `actor ${record.shardId} died (${error.message}); its ${record.tickers.length} tickers are stale; restarting in ${delay} ms`,
      data: { shard: record.shardId, crashesInARow: record.crashesInARow },
    });
    this.handlers.actorDown(record.shardId, error);
    this.restartCount++;
    record.restartTimer = setTimeout(() => {
      record.restartTimer = undefined;
      if (!this.stopping) void this.launch(record);
    }, delay);
  }

  private async stopActor(record: ActorRecord): Promise<ActorStopReport | undefined> {
    if (record.restartTimer !== undefined) {
      clearTimeout(record.restartTimer);
      record.restartTimer = undefined;
    }
    if (record.halted) return undefined;
    if (record.phase === 'faulted') await this.launch(record);
    else if (record.phase === 'starting') await record.ready;
    if (record.phase !== 'running' || !record.control) return undefined;
    record.phase = 'stopping';
    record.outbox?.flush();
    try {
      const report = await withTimeout(record.control.stop(), this.options.controlTimeoutMs, `actor ${record.shardId} stop`);
      await withTimeout(record.done ?? Promise.resolve(), this.options.controlTimeoutMs, `actor ${record.shardId} exit`);
      return report;
    } catch (error) {
      this.sink({ level: 'error', kind: 'actor_stop_failed', message: `actor ${record.shardId}: ${(error as Error).message}` });
      return undefined;
    } finally {
      record.phase = 'stopped';
      this.drainDataPort(record);
      this.release(record);
    }
  }

  /** Events the actor posted before it ended but that have not been dispatched yet (its last cancels among them). */
  private drainDataPort(record: ActorRecord): void {
    if (!record.dataPort) return;
    for (let queued = receiveMessageOnPort(record.dataPort); queued; queued = receiveMessageOnPort(record.dataPort)) {
      this.actorEvent(record, queued.message as ActorEvent);
    }
  }

  private release(record: ActorRecord): void {
    record.outbox?.close();
    record.outbox = undefined;
    if (record.control) record.control[Comlink.releaseProxy]();
    record.control = undefined;
    record.dataPort?.close();
    record.dataPort = undefined;
    record.controlPort?.close();
    record.controlPort = undefined;
  }
}
