/**
 * The replay server: serves a recording through the simulator's signed WebSocket server
 * core (same path, same signed handshake, same pings), so an unchanged `mm start` with
 * exchange.ws_url pointed at it connects as it would to Kalshi.
 *
 * Per connection: nothing is sent until the client's first `subscribe` command; then the
 * recorded session is sent from its first frame (the recorded acks included, which assign
 * the recorded sids, so sids and sequence numbers stay consistent without rewriting any
 * frame). The client's commands are not answered beyond what the recording holds: a
 * client that subscribes to what was recorded (same config) gets acks carrying its own
 * command ids, since command ids depend only on the config. When the recording ends the
 * connection stays open and idle (pings only), so the client does not reconnect into a
 * second copy.
 */
import { REST_PREFIX, WS_PATH } from '../protocol/wire.js';
import { KeyRegistry, startSignedServer, type Connection } from '../sim/index.js';
import { wallClock } from '../clock/clock.js';
import { textFrameLength, writeTextFrame } from '../sim/server/connection.js';
import type { RecordingEntry, RecordingHeader } from './recording-format.js';
import { loadRecording, openRecording, type RecordingReader } from './recording-reader.js';
import {
  checkPace,
  checkWarmup,
  DEFAULT_HIGH_WATER_BYTES,
  streamRecording,
  type ReplayPace,
  type ReplayStreamReport,
  type ReplayWarmup,
} from './replay-stream.js';

export interface ReplayServerOptions {
  /** the recording's first part */
  readonly recording: string;
  /** default '127.0.0.1' */
  readonly host?: string;
  /** default 0 (any free port) */
  readonly port?: number;
  /** key id -> public key PEM (the simulator's keys file format) */
  readonly keys?: Readonly<Record<string, string>>;
  /** default: the recorded pace */
  readonly pace?: ReplayPace;
  /** the first frames of each session at a pace of their own (see ReplayWarmup) */
  readonly warmup?: ReplayWarmup;
  /** socket backlog at which sending waits for the client; default 1 MiB */
  readonly highWaterBytes?: number;
  /**
   * read the whole recording into memory once instead of streaming it per connection, and
   * encode its WebSocket frames once (about twice the recording's text in memory; the
   * server then only writes bytes per frame sent)
   */
  readonly preload?: boolean;
  /** default 10000; 0 disables pings */
  readonly pingIntervalMs?: number;
  /** default 30000 */
  readonly maxSkewMs?: number;
  /** a connection's replay finished (or its client left) */
  readonly onSessionEnd?: (report: ReplaySessionReport) => void;
}

export interface ReplaySessionReport extends ReplayStreamReport {
  readonly connectionId: number;
  /** client commands after the first subscribe, which the recording answers or not */
  readonly commandsAfterStart: number;
}

export interface ReplayServerStats {
  readonly connections: number;
  readonly sessionsStarted: number;
  readonly sessionsEnded: number;
  /** frames sent over every connection so far */
  readonly framesSent: number;
  /** the largest send backlog of a live connection, bytes */
  readonly bufferedBytes: number;
}

export interface ReplayServer {
  readonly url: string;
  readonly port: number;
  readonly header: RecordingHeader;
  registerKey(keyId: string, publicKeyPem: string): void;
  stats(): ReplayServerStats;
  close(): Promise<void>;
}

const PRELOADED_BATCH = 512;

async function* batchesOf(entries: readonly RecordingEntry[]): AsyncGenerator<RecordingEntry[]> {
  for (let start = 0; start < entries.length; start += PRELOADED_BATCH) yield entries.slice(start, start + PRELOADED_BATCH);
}

/** Every frame's text frame, encoded once into one buffer (a view of it per frame). */
function encodeFrames(entries: readonly RecordingEntry[]): Map<RecordingEntry, Buffer> {
  const frames = entries.filter((entry) => entry.kind === 'frame');
  const lengths = frames.map((entry) => textFrameLength(entry.text));
  const all = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + length, 0));
  const encoded = new Map<RecordingEntry, Buffer>();
  let offset = 0;
  frames.forEach((entry, index) => {
    const frame = all.subarray(offset, offset + lengths[index]!);
    writeTextFrame(entry.text, frame);
    encoded.set(entry, frame);
    offset += frame.length;
  });
  return encoded;
}

function isSubscribe(text: string): boolean {
  try {
    const command = JSON.parse(text) as { cmd?: unknown };
    return typeof command === 'object' && command !== null && command.cmd === 'subscribe';
  } catch {
    return false;
  }
}

/** Opens the recording (a bad file fails here, before listening) and starts serving it. */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const pace = checkPace(options.pace ?? { kind: 'recorded', speed: 1 });
  const warmup = options.warmup && checkWarmup(options.warmup);
  const highWaterBytes = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  if (!Number.isSafeInteger(highWaterBytes) || highWaterBytes < 1) throw new RangeError(`highWaterBytes must be a positive integer, got ${highWaterBytes}`);
  let header: RecordingHeader;
  let source: () => AsyncIterable<readonly RecordingEntry[]>;
  let encodedFrames: Map<RecordingEntry, Buffer> | undefined;
  if (options.preload) {
    const loaded = await loadRecording(options.recording);
    header = loaded.header;
    encodedFrames = encodeFrames(loaded.entries);
    source = () => batchesOf(loaded.entries);
  } else {
    const reader: RecordingReader = await openRecording(options.recording);
    header = reader.header;
    source = () => reader.batches();
  }
  const keys = new KeyRegistry();
  for (const [keyId, pem] of Object.entries(options.keys ?? {})) keys.register(keyId, pem);
  const counts = { sessionsStarted: 0, sessionsEnded: 0 };
  const progress = { framesSent: 0 };
  const streams = new Set<Promise<void>>();

  const serve = (connection: Connection): void => {
    let started = false;
    let commandsAfterStart = 0;
    connection.onMessage((text) => {
      if (started) {
        commandsAfterStart++;
        return;
      }
      if (!isSubscribe(text)) return;
      started = true;
      counts.sessionsStarted++;
      const stream = streamRecording(source(), connection, {
        pace,
        highWaterBytes,
        progress,
        ...(encodedFrames ? { encodedFrames } : {}),
        ...(warmup ? { warmup } : {}),
      }).then((report) => {
        counts.sessionsEnded++;
        options.onSessionEnd?.({ ...report, connectionId: connection.id, commandsAfterStart });
      });
      streams.add(stream);
      void stream.finally(() => streams.delete(stream));
    });
  };

  const server = await startSignedServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    wsPath: WS_PATH,
    restPrefix: REST_PREFIX,
    clock: wallClock,
    keys,
    maxSkewMs: options.maxSkewMs ?? 30_000,
    pingIntervalMs: options.pingIntervalMs ?? 10_000,
    routes: [],
    onConnection: serve,
  });

  return {
    url: server.url,
    port: server.port,
    header,
    registerKey: (keyId, publicKeyPem) => keys.register(keyId, publicKeyPem),
    stats: () => ({
      connections: server.connections.size,
      ...counts,
      framesSent: progress.framesSent,
      bufferedBytes: [...server.connections].reduce((most, connection) => Math.max(most, connection.bufferedAmount), 0),
    }),
    close: async () => {
      await server.close();
      await Promise.all(streams);
    },
  };
}
