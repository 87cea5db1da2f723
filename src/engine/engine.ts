/**
 * The composition root: one builder that assembles the running engine from the config.
 * Every mode is a configuration of it, not a wiring of its own:
 *
 *   announce  logger, shard actors, gateway, connection (intents are logged, nothing is sent)
 *   paper     the same, plus the execution actor with the simulator's REST API as its venue;
 *             the account's private frames go to it, order events come back to the makers
 *
 * Start: logger -> exchange endpoint (embedded simulator when configured) -> execution actor
 * (when intents become orders) -> shard actors (running before any frame arrives) -> connection.
 * Stop: the gateway stops routing -> every actor cancels everything (reason shutdown) ->
 * the execution actor cancels every order and lists the venue until none rests -> the logger
 * flushes and stops -> the socket closes -> the recording (when asked for) is finished -> the
 * embedded simulator closes.
 *
 * No trading without an audit trail: when the logger can no longer write (the intents or fills
 * journal fails), `failed` settles with the reason; the caller stops the engine at once, which
 * cancels every order, and exits non-zero.
 *
 * With `recordPath`, every frame the gateway receives is recorded as it arrives, before routing
 * (src/replay/session-recorder.ts: the receiving thread only collects; lines and compression
 * run on a thread of their own).
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { AppConfig } from '../config/types.js';
import { defaultRestUrl } from '../config/endpoints.js';
import { assignTickers } from '../actors/assignment.js';
import { wallClock, type TimeSource } from '../clock/clock.js';
import type { ActorEvent, ActorStopReport } from '../actors/messages.js';
import { Supervisor } from '../actors/supervisor.js';
import { DEFAULT_OUTBOX_OPTIONS, type OutboxOptions } from '../actors/actor-outbox.js';
import { startExecution, type ExecutionHandle } from '../execution/execution-actor.js';
import type { ExecutionStopReport } from '../execution/execution-protocol.js';
import { startLogger, type LoggerHandle } from '../log/logger-actor.js';
import { rotationFromConfig } from '../log/rotation.js';
import type { LogCounts } from '../log/log-writer.js';
import { LogProducer } from '../log/producer.js';
import type { EventSink, RuntimeEvent } from '../log/runtime-event.js';
import { summaryLine } from '../portfolio/summary.js';
import type { RecordingSummary } from '../replay/recording-writer.js';
import { SessionRecorder } from '../replay/session-recorder.js';
import { ConnectionManager, DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../adapters/kalshi/connection-manager.js';
import { signedOpener } from '../adapters/kalshi/handshake.js';
import { DEFAULT_GATEWAY_OPTIONS, Gateway, type GatewayStatistics } from '../gateway/gateway.js';
import { resolveExchangeEndpoint, type ExchangeEndpoint } from './exchange-endpoint.js';
import { sampleOf, statusEvent, statusFigures, type StatusSample } from './status-line.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import { controlActions, engineState, StateSampler } from './engine-state.js';
import { KalshiRestClient } from '../adapters/kalshi/rest-client.js';
import { desiredMarkets, refresherFor, type SelectionRefresher } from '../selection/index.js';
import type { WindDownPolicy } from '../strategy/dual-maker.js';
import { MarketRoster, seedPositions } from './market-roster.js';
import { describeChange, planReload, type ReloadResult } from './reload.js';

export interface RuntimeOptions {
  readonly clock?: TimeSource;
  readonly connection?: Partial<ConnectionSettings>;
  readonly outbox?: Partial<OutboxOptions>;
  readonly restartDelayMs?: number;
  /** how often overdue snapshots are re-requested */
  readonly sweepIntervalMs?: number;
  /** record every received frame to this file (`mm start --record FILE`); later sessions and parts get names of their own */
  readonly recordPath?: string;
  /** reads and validates the config file again (SIGHUP, POST /api/reload); throws its ConfigError */
  readonly readConfig?: () => AppConfig;
}

export interface RuntimeReport {
  readonly actors: readonly ActorStopReport[];
  readonly log: LogCounts | undefined;
  readonly gateway: GatewayStatistics;
  /** one per connection session recorded (none without `recordPath`) */
  readonly recordings: readonly RecordingSummary[];
  /** when intents became orders: what the stop cancelled, what the venue still lists, and the PnL */
  readonly execution: ExecutionStopReport | undefined;
}

export interface Runtime {
  readonly endpoint: ExchangeEndpoint;
  readonly gateway: Gateway;
  readonly supervisor: Supervisor;
  /** present when intents become orders */
  readonly execution: ExecutionHandle | undefined;
  /** rejects when the connection ends for good (a fatal handshake refusal) */
  readonly connectionEnded: Promise<void>;
  /** settles with the reason when the engine must not go on: the audit trail failed, or the execution actor died */
  readonly failed: Promise<Error>;
  /** the control server, when control.enabled */
  readonly control: ControlServer | undefined;
  /** the markets hosted now, and those leaving */
  readonly roster: MarketRoster;
  /** applies a config read again: markets enter and leave, changed parameters apply; a key that cannot change is refused */
  reload(next: AppConfig): Promise<ReloadResult>;
  /** reads the config file again (RuntimeOptions.readConfig) and reloads it; an invalid file changes nothing */
  reloadConfig(): Promise<ReloadResult>;
  /** resolves the selection rules now (as every selection.refresh_s) and applies what changed */
  refreshSelection(): Promise<void>;
  stop(): Promise<RuntimeReport>;
  /** closes the log files and opens them again at their paths (after an external logrotate renamed them) */
  reopenLogs(): Promise<void>;
}

/** What the builder has made so far: each part is built from the config and the parts before it. */
interface Parts {
  readonly config: AppConfig;
  readonly options: RuntimeOptions;
  readonly clock: TimeSource;
  readonly logger: LoggerHandle;
  readonly mainProducer: LogProducer;
  readonly sink: EventSink;
  readonly silence: () => void;
  readonly endpoint: ExchangeEndpoint;
  readonly execution: ExecutionHandle | undefined;
}

/** Where the selection lists markets: exchange.rest_url, else the embedded simulator's, else the env's Kalshi host. */
function marketDataUrl(config: AppConfig, endpoint: ExchangeEndpoint): string {
  if (config.exchange.rest_url !== '') return config.exchange.rest_url;
  const url = endpoint.restUrl ?? defaultRestUrl(config.exchange.env);
  if (url === undefined) throw new Error('the market selection needs a REST URL: set exchange.rest_url');
  return url;
}

/** Whether intents become orders in this configuration. */
function sendsOrders(config: AppConfig): boolean {
  return config.execution.mode !== 'announce';
}

export async function startRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? wallClock;
  const orders = sendsOrders(config);
  const logger = await startLogger({
    intentsFile: config.log.intents_file,
    eventsFile: config.log.events_file,
    ...(orders && config.log.fills_file !== undefined ? { fillsFile: config.log.fills_file } : {}),
    level: config.log.level,
    console: config.log.console,
    rotation: rotationFromConfig(config.log),
  });
  const mainProducer = new LogProducer(logger.connectProducer());
  let logging = true;
  const sink: EventSink = (event: RuntimeEvent) => {
    if (logging) mainProducer.event({ ts: new Date(clock.now()).toISOString(), ...event });
  };
  const silence = (): void => {
    logging = false;
  };
  let endpoint: ExchangeEndpoint | undefined;
  let execution: ExecutionHandle | undefined;
  try {
    endpoint = await resolveExchangeEndpoint(config);
    if (orders) execution = await startExecutionActor(config, endpoint, logger);
  } catch (error) {
    await endpoint?.simulator?.close();
    mainProducer.close();
    await logger.stop().catch(() => undefined);
    throw error;
  }
  return assemble({ config, options, clock, logger, mainProducer, sink, silence, endpoint, execution });
}

/** The risk.* keys the risk engine reads (order groups are the exchange's, not the engine's limit). */
function riskLimitsOf(config: AppConfig): unknown {
  if (config.risk === undefined) return undefined;
  const { order_group_contracts: _groups, kill_switch_file: _latch, ...limits } = config.risk;
  return limits;
}

/** Where a tripped kill switch is kept across restarts; undefined when off. */
export function killSwitchFileOf(config: AppConfig): string | undefined {
  const configured = config.risk?.kill_switch_file ?? '';
  if (configured === 'off') return undefined;
  return configured !== '' ? configured : join(dirname(config.log.intents_file), 'kill-switch.json');
}

/** The order group limit in hundredths, or undefined when off. */
function orderGroupContracts(config: AppConfig): number | undefined {
  const value = config.risk?.order_group_contracts ?? 50;
  if (value === 'off') return undefined;
  const contracts = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(contracts) && contracts > 0 ? Math.round(contracts * 100) : undefined;
}

function startExecutionActor(config: AppConfig, endpoint: ExchangeEndpoint, logger: LoggerHandle): Promise<ExecutionHandle> {
  const sandbox = config.execution.mode === 'sandbox';
  const restUrl = sandbox
    ? ''
    : config.exchange.rest_url !== ''
      ? config.exchange.rest_url
      : (endpoint.restUrl ?? (config.execution.mode === 'live' ? defaultRestUrl(config.exchange.env) : undefined));
  if (restUrl === undefined) throw new Error(`execution.mode ${config.execution.mode} needs a REST URL: set exchange.rest_url`);
  return startExecution(
    {
      label: config.execution.mode,
      restUrl,
      keyId: endpoint.keyId,
      privateKeyPem: endpoint.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      writeTier: config.execution.write_tier,
      writeTokensPerSecond: config.execution.write_tokens_per_s,
      minOrderLifeMs: config.execution.min_order_life_ms,
      requestTimeoutMs: config.execution.request_timeout_ms,
      tickers: config.markets.map((market) => market.ticker),
      cancelOnPause: config.execution.mode === 'live',
      risk: riskLimitsOf(config),
      ...(killSwitchFileOf(config) !== undefined ? { killSwitchFile: killSwitchFileOf(config)! } : {}),
      ...(config.execution.mode === 'live' && orderGroupContracts(config) !== undefined ? { orderGroupContracts: orderGroupContracts(config)! } : {}),
    },
    logger.connectProducer(),
  );
}

async function assemble(parts: Parts): Promise<Runtime> {
  const { config, options, clock, logger, mainProducer, sink, silence, endpoint, execution } = parts;
  // before any quote: what rests from before is cancelled (or adopted), the makers start from the real positions
  const positions = new Map<string, { position: number; costE4: number }>();
  if (execution) {
    const policy = config.execution.on_start ?? 'cancel';
    const reconciled = await execution.reconcile(policy);
    seedPositions(positions, reconciled);
    const held = reconciled.positions.map((holding) => `${holding.ticker} ${holding.position / 100}`).join(', ');
    sink({
      level: 'info',
      kind: 'reconciled',
      message: `before quoting: ${reconciled.cancelled} resting orders from before cancelled, ${reconciled.adopted} adopted; positions: ${held === '' ? 'none' : held}${reconciled.balanceCents === undefined ? '' : `; balance $${(reconciled.balanceCents / 100).toFixed(2)}`}`,
      data: { cancelled: reconciled.cancelled, adopted: reconciled.adopted, positions: reconciled.positions.length },
    });
  }
  // markets chosen by rules: resolved once before the actors start, then every selection.refresh_s
  let running = config;
  let halted = false;
  const onRemove = (): WindDownPolicy => running.selection?.on_remove ?? 'keep_until_flat';
  let marketData: KalshiRestClient | undefined;
  const rosterHolder: { roster: MarketRoster | undefined } = { roster: undefined };
  let refresher: SelectionRefresher | undefined;
  const applySelection = async (why: string): Promise<void> => {
    const roster = rosterHolder.roster;
    if (!roster || halted) return;
    try {
      const lines = describeChange(await roster.reconcileTo(desiredMarkets(running, refresher?.current), onRemove()));
      if (lines.length > 0) sink({ level: 'info', kind: 'selection', message: `${why}: ${lines.join('; ')}` });
    } catch (error) {
      sink({ level: 'error', kind: 'selection_failed', message: `${why}: ${(error as Error).message}` });
    }
  };
  const makeRefresher = (next: AppConfig): SelectionRefresher | undefined => {
    if ((next.selection?.rules.length ?? 0) === 0) return undefined;
    marketData ??= new KalshiRestClient({ baseUrl: marketDataUrl(config, endpoint), clock: wallClock, timeoutMs: config.execution.request_timeout_ms });
    return refresherFor(next, marketData, wallClock, {
      onChange: () => void applySelection('the selection changed'),
      onError: (error) => sink({ level: 'warn', kind: 'selection_failed', message: `market selection: ${error.message}` }),
    });
  };
  refresher = makeRefresher(config);
  if (refresher) {
    await refresher.start();
    const selected = refresher.current?.markets.filter((entry) => entry.ruleIndex >= 0).length ?? 0;
    sink({
      level: 'info',
      kind: 'selection',
      message: `market selection: ${selected} markets selected by the rules, ${refresher.current?.listed ?? 0} listed`,
    });
  }
  const params = desiredMarkets(config, refresher?.current);
  const chosen = [...params.keys()].filter((ticker) => !config.markets.some((market) => market.ticker === ticker));
  if (execution && chosen.length > 0) {
    // the markets the rules chose are reconciled like the explicit ones
    const reconciled = await execution.addTickers(chosen, config.execution.on_start ?? 'cancel');
    seedPositions(positions, reconciled);
  }
  const assignment = assignTickers([...params.keys()], config.runtime.workers);
  const owners = new Map<string, number>();
  for (const [shard, tickers] of assignment) for (const ticker of tickers) owners.set(ticker, shard);

  // the gateway is made after the supervisor, whose handlers reach it through this holder
  const gatewayHolder: { gateway: Gateway | undefined } = { gateway: undefined };
  const onActorEvent = (shard: number, event: ActorEvent): void => {
    const gateway = gatewayHolder.gateway;
    switch (event.kind) {
      case 'FramesProcessed':
        gateway?.framesProcessed(shard, event.frames);
        return;
      case 'SnapshotRequested':
        gateway?.snapshotRequested(event.tickers, event.reason);
        return;
      case 'MakerStatesReported':
        return; // kept by the supervisor for restarts
    }
  };
  const supervisor = new Supervisor(
    assignment,
    (ticker) => params.get(ticker)!,
    () => logger.connectProducer(),
    {
      actorEvent: onActorEvent,
      actorUp: (shard) => gatewayHolder.gateway?.actorUp(shard),
      actorDown: (shard) => gatewayHolder.gateway?.actorDown(shard),
      // an actor that keeps dying: its markets' orders are cancelled and nothing more is sent for them
      actorHalted: (_shard, tickers) => {
        for (const ticker of tickers) void execution?.control('pause', ticker, 'the supervisor (its actor kept crashing)');
      },
    },
    sink,
    clock,
    {
      workers: config.runtime.workers,
      logLevel: config.log.level,
      actorClock: config.runtime.clock ?? 'wall',
      outbox: { ...DEFAULT_OUTBOX_OPTIONS, ...options.outbox },
      restartDelayMs: options.restartDelayMs ?? 200,
      controlTimeoutMs: 10_000,
      maxCrashes: config.runtime.max_actor_crashes ?? 5,
      crashWindowMs: (config.runtime.crash_window_s ?? 600) * 1000,
      ...(execution
        ? {
            // one id prefix per run: client order ids never repeat across restarts of the engine
            // a sandbox's orders rest in its own engine, not in the book the feed shows
            orders: { sessionId: randomBytes(4).toString('hex'), ownOrdersInBook: config.execution.mode !== 'sandbox' },
            connectExecutionPort: () => execution.connectShard(),
            positions,
          }
        : {}),
    },
  );
  const recorder =
    options.recordPath === undefined
      ? undefined
      : new SessionRecorder({
          path: options.recordPath,
          wsUrl: endpoint.url,
          tickers: [...params.keys()],
          clock,
          onError: (error) => sink({ level: 'error', kind: 'recording_failed', message: `${error.message}; trading goes on without the recording` }),
        });
  // one connection per slot: slot 0 always, more when exchange.markets_per_connection is reached
  const connections = new Map<number, ConnectionManager>();
  let connectionsRunning = false;
  let endConnections: (run: Promise<void>) => void = () => undefined;
  const connectionEnded = new Promise<void>((resolve, reject) => {
    endConnections = (run) => void run.then(resolve, reject);
  });
  const runConnection = (slot: number, manager: ConnectionManager): void => {
    const run = manager.run();
    run.catch((error: Error) => sink({ level: 'error', kind: 'connection_failed', message: `${slot === 0 ? '' : `connection ${slot}: `}${error.message}` }));
    endConnections(run);
  };
  const openSlot = (slot: number): void => {
    if (connections.has(slot) || halted) return;
    // a recording holds one connection's frames (sids and sequences are per connection)
    const recorded = slot === 0 ? recorder : undefined;
    if (slot > 0 && recorder)
      sink({ level: 'warn', kind: 'recording', message: `connection ${slot} is not recorded: a recording holds the first connection only` });
    const where = slot === 0 ? 'connection' : `connection ${slot}`;
    const manager = new ConnectionManager(
      signedOpener(endpoint.url, endpoint.keyId, endpoint.privateKey, clock),
      {
        opened: (generation) => {
          recorded?.sessionOpened();
          if (!halted) gatewayHolder.gateway?.connectionOpened(generation, slot);
          // the private channels were down too: catch up on what they missed
          if (generation > 1 && execution && !halted)
            void execution.resync().catch((error: Error) => sink({ level: 'error', kind: 'resync_failed', message: error.message }));
        },
        frame: (text) => {
          if (halted) return;
          recorded?.frame(text, clock.now());
          gatewayHolder.gateway?.frame(text, slot);
        },
        closed: (generation, reason) => {
          recorded?.sessionClosed();
          if (!halted) gatewayHolder.gateway?.connectionClosed(generation, reason, slot);
        },
        retrying: (error, attempt) =>
          sink({ level: 'warn', kind: 'reconnect', message: `${where} attempt ${attempt} failed: ${error.message}; retrying with backoff` }),
      },
      clock,
      { ...DEFAULT_CONNECTION_SETTINGS, ...options.connection },
    );
    connections.set(slot, manager);
    if (connectionsRunning) runConnection(slot, manager);
  };
  // sandbox: the feed goes to the local matching engine too; the account's private frames are the real account's, not the sandbox's
  const sandbox = config.execution.mode === 'sandbox';
  const gateway = new Gateway(owners, supervisor, (command, slot) => connections.get(slot)?.send(command) ?? false, sink, clock, {
    ...DEFAULT_GATEWAY_OPTIONS,
    withPrivate: sandbox ? false : config.runtime.with_private || execution !== undefined,
    ...(execution && !sandbox ? { privateRoute: (text: string) => execution.forward(text) } : {}),
    ...(execution && sandbox ? { feedRoute: (text: string) => execution.forward(text) } : {}),
    marketsPerConnection: config.exchange.markets_per_connection ?? 0,
    openSlot,
  });
  gatewayHolder.gateway = gateway;
  const roster = new MarketRoster({
    actors: supervisor,
    feed: gateway,
    execution,
    params,
    positions,
    owners,
    sink,
    onStart: config.execution.on_start ?? 'cancel',
  });
  rosterHolder.roster = roster;
  for (const slot of gateway.slots()) openSlot(slot);

  await supervisor.start();
  connectionsRunning = true;
  for (const [slot, manager] of connections) runConnection(slot, manager);
  const failed = Promise.race([
    logger.failure.then((error) => new Error(`the audit trail cannot be written (${error.message}): stopping, every order is cancelled`)),
    ...(execution ? [execution.failure.then((error) => new Error(`the execution actor failed (${error.message})`))] : []),
  ]);

  const timers: Array<ReturnType<typeof setInterval>> = [];
  timers.push(setInterval(() => gateway.sweep(), options.sweepIntervalMs ?? 1_000));
  // leaving markets are dropped once flat; closed ones leave on their own
  timers.push(
    setInterval(() => {
      if (!halted)
        void roster.sweep().catch((error: Error) => sink({ level: 'error', kind: 'roster_failed', message: `dropping flat markets: ${error.message}` }));
    }, options.sweepIntervalMs ?? 1_000),
  );
  let previous: StatusSample = sampleOf(clock.now(), gateway.statistics(), []);
  timers.push(
    setInterval(() => {
      void Promise.all([supervisor.status(), execution?.status().catch(() => undefined)]).then(([actors, trading]) => {
        if (halted) return;
        const current = sampleOf(clock.now(), gateway.statistics(), actors);
        const orders =
          trading === undefined
            ? undefined
            : `risk ${trading.risk.state}${trading.risk.trippedBecause ? ` (${trading.risk.trippedBecause.reason})` : ''}; orders ${trading.counters.openOrders} open, ${Object.values(trading.counters.requests).reduce((a, b) => a + b, 0)} sent, ${trading.counters.fills} fills, 429s ${trading.counters.rateLimited}; ${summaryLine(trading.total)}`;
        sink(statusEvent(statusFigures(previous, current, actors, owners.size, assignment.size), orders));
        previous = current;
      });
    }, config.runtime.status_interval_s * 1000),
  );

  const reload = async (next: AppConfig): Promise<ReloadResult> => {
    const plan = planReload(running, next);
    if (!plan.ok) return { ok: false, message: plan.reason, lines: [] };
    if (halted) return { ok: false, message: 'the engine is stopping', lines: [] };
    const basis = refresher?.current;
    running = next;
    if (plan.selectionChanged) {
      refresher?.stop();
      refresher = makeRefresher(next);
      if (refresher) void refresher.start().then(() => applySelection('the new selection rules'));
    }
    // until the new rules have been resolved, the markets the old ones chose stay (removed rules: they leave now)
    const change = await roster.reconcileTo(desiredMarkets(next, refresher ? basis : undefined), onRemove());
    const lines = describeChange(change);
    const message = lines.length === 0 ? 'the config is valid; nothing to change' : lines.join('; ');
    sink({ level: 'info', kind: 'reload', message: `config reloaded: ${message}` });
    return { ok: true, message, lines: lines.length === 0 ? [message] : lines };
  };
  const reloadConfig = async (): Promise<ReloadResult> => {
    if (!options.readConfig) return { ok: false, message: 'this engine was not started from a config file', lines: [] };
    let next: AppConfig;
    try {
      next = options.readConfig();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      sink({ level: 'warn', kind: 'reload', message: `config reload refused: ${detail}` });
      return { ok: false, message: `the config is refused, the running one stays:\n${detail}`, lines: [] };
    }
    const result = await reload(next);
    if (!result.ok) sink({ level: 'warn', kind: 'reload', message: `config reload refused: ${result.message}` });
    return result;
  };
  const refreshSelection = async (): Promise<void> => {
    if (!refresher) return;
    await refresher.refresh();
    await applySelection('the selection was resolved again');
  };

  // the control server reads the last sample, taken once a second (and after every action)
  let control: ControlServer | undefined;
  if (config.control?.enabled) {
    const sampleNow = async (): Promise<ReturnType<typeof engineState>> =>
      engineState({
        mode: config.execution.mode,
        tickers: roster.tickers(),
        gateway: gateway.statistics(),
        connected: gateway.statistics().tickersLive > 0,
        actors: await supervisor.status(),
        actorRestarts: supervisor.restarts,
        halted: supervisor.haltedTickers(),
        execution: await execution?.status().catch(() => undefined),
        nowMs: clock.now(),
      });
    const sampler = new StateSampler(await sampleNow());
    const refresh = (): void => {
      if (!halted)
        void sampleNow().then(
          (state) => sampler.update(state),
          () => undefined,
        );
    };
    timers.push(setInterval(refresh, 1_000));
    try {
      control = await startControlServer({
        host: config.control.host,
        port: config.control.port,
        token: config.control.token,
        tokenFile: config.control.token_file,
        source: sampler,
        actions: controlActions(execution, refresh, () => reloadConfig()),
        log: (event) => sink(event),
      });
    } catch (error) {
      for (const timer of timers) clearInterval(timer);
      refresher?.stop();
      await marketData?.close();
      await supervisor.stop();
      await execution?.stop('shutdown').catch(() => undefined);
      for (const manager of connections.values()) manager.stop();
      mainProducer.close();
      await logger.stop().catch(() => undefined);
      await endpoint.simulator?.close();
      throw error;
    }
    sink({ level: 'info', kind: 'control', message: `control server at ${control.url}${control.tokenFile ? ` (token in ${control.tokenFile})` : ''}` });
  }

  let stopping: Promise<RuntimeReport> | undefined;
  const stop = (): Promise<RuntimeReport> => {
    stopping ??= (async () => {
      halted = true;
      for (const timer of timers) clearInterval(timer);
      refresher?.stop();
      await roster.close();
      await marketData?.close().catch(() => undefined);
      await control?.close().catch(() => undefined);
      sink({ level: 'info', kind: 'shutdown', message: 'shutting down: cancelling everything' });
      // the cancels the makers send on the way out count as the stop's
      const cancelsBefore = execution ? ((await execution.status().catch(() => undefined))?.counters.requests.cancel ?? 0) : 0;
      const actors = await supervisor.stop();
      let executionReport: ExecutionStopReport | undefined;
      if (execution) {
        try {
          const stopped = await execution.stop('shutdown');
          executionReport = { ...stopped, cancelled: (stopped.counters.requests.cancel ?? 0) - cancelsBefore };
          sink({
            level: executionReport.remaining === 0 ? 'info' : 'error',
            kind: 'shutdown',
            message: `${executionReport.cancelled} orders cancelled; ${executionReport.remaining === 0 ? 'the venue confirms none remains' : executionReport.remaining < 0 ? 'the venue could not confirm' : `${executionReport.remaining} still rest`}`,
          });
        } catch (error) {
          sink({ level: 'error', kind: 'shutdown', message: `the execution actor failed while stopping: ${(error as Error).message}` });
        }
      }
      const statistics = gateway.statistics();
      sink({ level: 'info', kind: 'shutdown', message: `actors stopped; ${statistics.framesReceived} frames received in all` });
      silence();
      mainProducer.close();
      let log: LogCounts | undefined;
      try {
        log = await logger.stop();
      } catch (error) {
        process.stderr.write(`mm: the logger failed while stopping: ${(error as Error).message}\n`);
      }
      for (const manager of connections.values()) manager.stop();
      const recordings = (await recorder?.close()) ?? [];
      await endpoint.simulator?.close();
      return { actors, log, gateway: statistics, recordings, execution: executionReport };
    })();
    return stopping;
  };
  return {
    endpoint,
    gateway,
    supervisor,
    execution,
    connectionEnded,
    failed,
    control,
    roster,
    reload,
    reloadConfig,
    refreshSelection,
    stop,
    reopenLogs: () => logger.reopen(),
  };
}
