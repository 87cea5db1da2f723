/**
 * The running engine: logger actor, shard actors, gateway and exchange connection, wired
 * together, and their ordered shutdown.
 *
 * Start: logger -> exchange endpoint (embedded simulator when configured) -> actors
 * (running before any frame arrives) -> connection.
 * Stop: the gateway stops routing -> every actor cancels everything (reason shutdown) and
 * flushes to the logger -> paper orders drain -> the logger flushes and stops -> the socket
 * closes -> the recording (when asked for) is finished -> the embedded simulator closes.
 *
 * With `recordPath`, every frame the gateway receives is recorded as it arrives, before routing
 * (src/replay/session-recorder.ts: the receiving thread only collects; lines and
 * compression run on a thread of their own).
 */
import type { AppConfig } from '../config/types.js';
import { marketParams } from '../config/load.js';
import type { StrategyParams } from '../config/types.js';
import { assignTickers } from '../actors/assignment.js';
import { wallClock, type TimeSource } from '../clock/clock.js';
import type { ActorEvent, ActorStopReport } from '../actors/messages.js';
import { Supervisor } from '../actors/supervisor.js';
import { startLogger, type LoggerHandle } from '../log/logger-actor.js';
import type { LogCounts } from '../log/log-writer.js';
import { LogProducer } from '../log/producer.js';
import type { RecordingSummary } from '../replay/recording-writer.js';
import { SessionRecorder } from '../replay/session-recorder.js';
import { DEFAULT_OUTBOX_OPTIONS, type OutboxOptions } from '../actors/actor-outbox.js';
import { ConnectionManager, DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../adapters/kalshi/connection-manager.js';
import { resolveExchangeEndpoint, type ExchangeEndpoint } from './exchange-endpoint.js';
import { DEFAULT_GATEWAY_OPTIONS, Gateway, type GatewayStatistics } from '../gateway/gateway.js';
import { signedOpener } from '../adapters/kalshi/handshake.js';
import { PaperOrderDesk } from './paper-order-desk.js';
import type { EventSink, RuntimeEvent } from '../log/runtime-event.js';
import { sampleOf, statusEvent, statusFigures, type StatusSample } from './status-line.js';

export interface RuntimeOptions {
  readonly clock?: TimeSource;
  readonly connection?: Partial<ConnectionSettings>;
  readonly outbox?: Partial<OutboxOptions>;
  readonly restartDelayMs?: number;
  /** how often overdue snapshots are re-requested */
  readonly sweepIntervalMs?: number;
  /** record every received frame to this file (`mm start --record FILE`); later sessions and parts get names of their own */
  readonly recordPath?: string;
}

export interface RuntimeReport {
  readonly actors: readonly ActorStopReport[];
  readonly log: LogCounts | undefined;
  readonly gateway: GatewayStatistics;
  /** one per connection session recorded (none without `recordPath`) */
  readonly recordings: readonly RecordingSummary[];
}

export interface Runtime {
  readonly endpoint: ExchangeEndpoint;
  readonly gateway: Gateway;
  readonly supervisor: Supervisor;
  /** rejects when the connection ends for good (a fatal handshake refusal) */
  readonly connectionEnded: Promise<void>;
  stop(): Promise<RuntimeReport>;
}

export async function startRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? wallClock;
  const logger = await startLogger({
    intentsFile: config.log.intents_file,
    eventsFile: config.log.events_file,
    level: config.log.level,
    console: config.log.console,
  });
  const mainProducer = new LogProducer(logger.connectProducer());
  let logging = true;
  const sink: EventSink = (event: RuntimeEvent) => {
    if (logging) mainProducer.event({ ts: new Date(clock.now()).toISOString(), ...event });
  };
  let endpoint: ExchangeEndpoint;
  try {
    endpoint = await resolveExchangeEndpoint(config);
  } catch (error) {
    mainProducer.close();
    await logger.stop();
    throw error;
  }
  return assemble(config, options, clock, logger, mainProducer, sink, endpoint, () => {
    logging = false;
  });
}

function assemble(
  config: AppConfig,
  options: RuntimeOptions,
  clock: TimeSource,
  logger: LoggerHandle,
  mainProducer: LogProducer,
  sink: EventSink,
  endpoint: ExchangeEndpoint,
  silence: () => void,
): Promise<Runtime> {
  const markets = marketParams(config);
  const params = new Map<string, StrategyParams>(markets.map((market) => [market.ticker, market.params]));
  const assignment = assignTickers([...params.keys()], config.runtime.workers);
  const owners = new Map<string, number>();
  for (const [shard, tickers] of assignment) for (const ticker of tickers) owners.set(ticker, shard);

  const paperDesk =
    config.execution.mode === 'paper' && endpoint.restUrl !== undefined
      ? new PaperOrderDesk(endpoint.restUrl, endpoint.keyId, endpoint.privateKey, sink, clock)
      : undefined;

  let gateway: Gateway | undefined;
  const onActorEvent = (shard: number, event: ActorEvent): void => {
    switch (event.kind) {
      case 'FramesProcessed':
        gateway?.framesProcessed(shard, event.frames);
        return;
      case 'SnapshotRequested':
        gateway?.snapshotRequested(event.tickers, event.reason);
        return;
      case 'IntentsEmitted':
        paperDesk?.submit(event.intents);
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
      actorUp: (shard) => gateway?.actorUp(shard),
      actorDown: (shard) => gateway?.actorDown(shard),
    },
    sink,
    clock,
    {
      workers: config.runtime.workers,
      logLevel: config.log.level,
      forwardIntents: paperDesk !== undefined,
      actorClock: config.runtime.clock ?? 'wall',
      outbox: { ...DEFAULT_OUTBOX_OPTIONS, ...options.outbox },
      restartDelayMs: options.restartDelayMs ?? 200,
      controlTimeoutMs: 10_000,
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
  let connection: ConnectionManager | undefined;
  const activeGateway = new Gateway(
    owners,
    supervisor,
    (command) => connection?.send(command) ?? false,
    sink,
    clock,
    { ...DEFAULT_GATEWAY_OPTIONS, withPrivate: config.runtime.with_private || paperDesk !== undefined },
  );
  gateway = activeGateway;
  let halted = false;
  connection = new ConnectionManager(
    signedOpener(endpoint.url, endpoint.keyId, endpoint.privateKey, clock),
    {
      opened: (generation) => {
        recorder?.sessionOpened();
        if (!halted) activeGateway.connectionOpened(generation);
      },
      frame: (text) => {
        if (halted) return;
        recorder?.frame(text, clock.now());
        activeGateway.frame(text);
      },
      closed: (generation, reason) => {
        recorder?.sessionClosed();
        if (!halted) activeGateway.connectionClosed(generation, reason);
      },
      retrying: (error, attempt) => sink({ level: 'warn', kind: 'reconnect', message: `connection attempt ${attempt} failed: ${error.message}; retrying with backoff` }),
    },
    clock,
    { ...DEFAULT_CONNECTION_SETTINGS, ...options.connection },
  );
  const activeConnection = connection;

  return supervisor.start().then(() => {
    const connectionEnded = activeConnection.run();
    connectionEnded.catch((error: Error) => sink({ level: 'error', kind: 'connection_failed', message: error.message }));

    const timers: Array<ReturnType<typeof setInterval>> = [];
    timers.push(setInterval(() => activeGateway.sweep(), options.sweepIntervalMs ?? 1_000));
    let previous: StatusSample = sampleOf(clock.now(), activeGateway.statistics(), []);
    timers.push(
      setInterval(() => {
        void supervisor.status().then((actors) => {
          if (halted) return;
          const current = sampleOf(clock.now(), activeGateway.statistics(), actors);
          sink(statusEvent(statusFigures(previous, current, actors, owners.size, assignment.size)));
          previous = current;
        });
      }, config.runtime.status_interval_s * 1000),
    );

    let stopping: Promise<RuntimeReport> | undefined;
    const stop = (): Promise<RuntimeReport> => {
      stopping ??= (async () => {
        halted = true;
        for (const timer of timers) clearInterval(timer);
        sink({ level: 'info', kind: 'shutdown', message: 'shutting down: cancelling everything' });
        const actors = await supervisor.stop();
        if (paperDesk) await paperDesk.drain();
        const statistics = activeGateway.statistics();
        sink({ level: 'info', kind: 'shutdown', message: `actors stopped; ${statistics.framesReceived} frames received in all` });
        silence();
        mainProducer.close();
        let log: LogCounts | undefined;
        try {
          log = await logger.stop();
        } catch (error) {
          process.stderr.write(`mm: the logger failed while stopping: ${(error as Error).message}\n`);
        }
        activeConnection.stop();
        const recordings = (await recorder?.close()) ?? [];
        await endpoint.simulator?.close();
        return { actors, log, gateway: statistics, recordings };
      })();
      return stopping;
    };
    return { endpoint, gateway: activeGateway, supervisor, connectionEnded, stop };
  });
}
