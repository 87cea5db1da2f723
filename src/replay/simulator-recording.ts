/**
 * Makes a recording from the exchange simulator, reproducibly: the simulator runs on a
 * manual clock, one market step at a time, and a client connected with the gateway's own
 * handshake and subscribe commands (same ids, same batches as `mm start` with these
 * tickers) records every frame with the simulator's time as its receive time. The same
 * options give the same frames, byte for byte.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { openSocket } from '../adapters/kalshi/handshake.js';
import { SUBSCRIBE_BATCH_SIZE, Subscriptions } from '../adapters/kalshi/subscriptions.js';
import { authHeaders, parseRsaPrivateKey } from '../protocol/auth.js';
import { generateKeyPair, startSimulator } from '../sim/index.js';
import { ManualClock } from '../clock/manual-clock.js';
import { RecordingWriter, type RecordingSummary } from './recording-writer.js';

export interface SimulatorRecordingOptions {
  /** the recording's first part (must not exist) */
  readonly path: string;
  readonly tickers: readonly string[];
  /** stop after this many frames */
  readonly frames: number;
  /** default 1 */
  readonly seed?: number;
  readonly legacyCents?: boolean;
  /** market events per second per market; default 5 */
  readonly ratePerMarket?: number;
  /** one market step; default 100 ms */
  readonly tickMs?: number;
  /** the simulator's clock at the start; default 2026-09-01T00:00:00Z */
  readonly startMs?: number;
  /** compressed bytes per part before rotating */
  readonly maxBytes?: number;
  /** default: a random UUID */
  readonly session?: string;
}

const DEFAULT_START_MS = Date.UTC(2026, 8, 1);
/** steps without a single frame after which the simulator is considered idle */
const MAX_IDLE_STEPS = 100_000;

export async function recordSimulatorSession(options: SimulatorRecordingOptions): Promise<RecordingSummary> {
  if (!Number.isSafeInteger(options.frames) || options.frames < 1) throw new RangeError(`frames must be a positive integer, got ${options.frames}`);
  const tickMs = options.tickMs ?? 100;
  const clock = new ManualClock(options.startMs ?? DEFAULT_START_MS);
  const key = generateKeyPair();
  const simulator = await startSimulator({
    tickers: [...options.tickers],
    seed: options.seed ?? 1,
    clock,
    keys: { [key.keyId]: key.publicKeyPem },
    legacyCents: options.legacyCents ?? false,
    ratePerMarket: options.ratePerMarket ?? 5,
    maxRateTotal: Number.MAX_SAFE_INTEGER,
    tickMs,
    pingIntervalMs: 0,
    autoRun: false,
  });
  let socket: WebSocket | undefined;
  let writer: RecordingWriter | undefined;
  try {
    writer = new RecordingWriter({
      path: options.path,
      session: {
        session: options.session ?? randomUUID(),
        started_ms: clock.now(),
        ws_url: simulator.url,
        tickers: [...options.tickers],
        wire_format: options.legacyCents ? 'legacy_cents' : 'current',
      },
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    const privateKey = parseRsaPrivateKey(key.privateKeyPem, 'simulator recording key');
    socket = await openSocket({ url: simulator.url, keyId: key.keyId, headers: authHeaders(key.keyId, privateKey, clock.now()), handshakeTimeoutMs: 10_000 });
    let received = 0;
    let wake: (() => void) | undefined;
    socket.on('message', (data) => {
      received++;
      if (received <= options.frames) writer!.record(String(data), clock.now());
      wake?.();
    });
    const delivered = async (): Promise<void> => {
      while (received < simulator.stats().framesSent) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    };
    const subscriptions = new Subscriptions({ tickers: options.tickers, withPrivate: false, batchSize: SUBSCRIBE_BATCH_SIZE });
    for (const command of subscriptions.initialCommands()) socket.send(JSON.stringify(command));
    await new Promise<void>((resolve) => (wake = resolve));
    await delivered();
    let idleSteps = 0;
    while (received < options.frames) {
      const before = received;
      clock.advance(tickMs);
      simulator.step(1);
      await delivered();
      idleSteps = received === before ? idleSteps + 1 : 0;
      if (idleSteps > MAX_IDLE_STEPS)
        throw new Error(`the simulator sent nothing for ${MAX_IDLE_STEPS} steps; ${received} of ${options.frames} frames recorded`);
    }
    socket.close();
    return await writer.close();
  } finally {
    socket?.terminate();
    await writer?.close();
    await simulator.close();
  }
}
