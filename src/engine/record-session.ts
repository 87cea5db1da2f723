/**
 * `mm record`'s engine: connects exactly like the gateway (the gateway's endpoint choice,
 * signed handshake, reconnect policy and subscribe commands for the configured tickers;
 * with exchange.env sim and no URL, the embedded simulator) and records every frame of
 * every connection session until stopped. Nothing is routed or decided.
 */
import { join } from 'node:path';
import { wallClock, type TimeSource } from '../clock/clock.js';
import type { AppConfig } from '../config/types.js';
import { ConnectionManager } from '../adapters/kalshi/connection-manager.js';
import { resolveExchangeEndpoint } from './exchange-endpoint.js';
import { signedOpener } from '../adapters/kalshi/handshake.js';
import { SUBSCRIBE_BATCH_SIZE, Subscriptions } from '../adapters/kalshi/subscriptions.js';
import type { RecordingSummary } from '../replay/recording-writer.js';
import { RECORDING_SUFFIX } from '../replay/recording-format.js';
import { SessionRecorder } from '../replay/session-recorder.js';

export interface RecordSessionOptions {
  /** directory for the recording files */
  readonly outDir: string;
  /** compressed bytes per part before rotating */
  readonly maxBytes?: number;
  readonly clock?: TimeSource;
  /** progress and problems, one line each */
  readonly report: (line: string) => void;
}

export interface RecordSession {
  readonly url: string;
  /** the first session's first part */
  readonly path: string;
  /** settles when recording can go on no longer: a fatal refusal or a write error (rejects) */
  readonly ended: Promise<void>;
  /** Stops the connection, finishes every file, stops the embedded simulator. */
  stop(): Promise<RecordingSummary[]>;
}

/** `recording-20260901T000000Z.jsonl.gz`: sortable, one per start. */
export function recordingFileName(startedMs: number): string {
  const stamp = new Date(startedMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `recording-${stamp}${RECORDING_SUFFIX}`;
}

export async function startRecordSession(config: AppConfig, options: RecordSessionOptions): Promise<RecordSession> {
  const clock = options.clock ?? wallClock;
  const tickers = config.markets.map((market) => market.ticker);
  const endpoint = await resolveExchangeEndpoint(config);
  const path = join(options.outDir, recordingFileName(clock.now()));
  let failed: (error: Error) => void = () => undefined;
  const writeFailed = new Promise<never>((_, reject) => {
    failed = reject;
  });
  const recorder = new SessionRecorder({
    path,
    wsUrl: endpoint.url,
    tickers,
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    clock,
    onError: (error) => failed(error),
  });
  const connection: ConnectionManager = new ConnectionManager(
    signedOpener(endpoint.url, endpoint.keyId, endpoint.privateKey, clock),
    {
      opened: (generation) => {
        recorder.sessionOpened();
        const subscriptions = new Subscriptions({ tickers, withPrivate: config.runtime.with_private, batchSize: SUBSCRIBE_BATCH_SIZE });
        for (const command of subscriptions.initialCommands()) connection.send(command);
        options.report(`connected to ${endpoint.url} (session ${generation}); subscribed ${tickers.length} tickers`);
      },
      frame: (text) => recorder.frame(text, clock.now()),
      closed: (generation, reason) => {
        recorder.sessionClosed();
        options.report(`session ${generation} ended: ${reason}`);
      },
      retrying: (error, attempt) => options.report(`connection attempt ${attempt} failed: ${error.message}; retrying`),
    },
    clock,
  );
  const running = connection.run();
  const ended = Promise.race([running, writeFailed]);
  ended.catch(() => undefined); // the caller observes it; never an unhandled rejection

  let stopping: Promise<RecordingSummary[]> | undefined;
  return {
    url: endpoint.url,
    path,
    ended,
    stop: () => {
      stopping ??= (async () => {
        connection.stop();
        await running.catch(() => undefined);
        const summaries = await recorder.close();
        await endpoint.simulator?.close();
        return summaries;
      })();
      return stopping;
    },
  };
}
