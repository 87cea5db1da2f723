/**
 * `mm record` and `mm replay`.
 *
 *   mm record --config FILE [--out DIR] [--max-bytes N]
 *   mm replay FILE [--port 0] [--speed X | --as-fast-as-read] [--keys FILE]
 *
 * Both run until SIGINT/SIGTERM. Exit codes: 0 after a signal, 1 on a runtime problem
 * (unreadable recording, refused key, write error), 2 on a bad config (from loadConfig).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { configFileOption } from './config-option.js';
import { checkCredentials } from '../config/credentials.js';
import { loadConfig } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { KeyFileError } from '../protocol/auth.js';
import { readKeysFile } from '../sim/index.js';
import { RecordingError } from '../replay/recording-format.js';
import { DEFAULT_MAX_PART_BYTES, describeSummary, MIN_PART_BYTES } from '../replay/recording-writer.js';
import { startRecordSession } from '../engine/record-session.js';
import { startReplayServer, type ReplaySessionReport } from '../replay/replay-server.js';
import type { ReplayPace } from '../replay/replay-stream.js';
import { nextStopSignal } from './signals.js';

interface RecordFlags {
  config: string;
  out: string;
  maxBytes: number;
}

interface ReplayFlags {
  port: number;
  speed: number;
  asFastAsRead?: boolean;
  keys?: string;
}

function portOption(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new InvalidArgumentError('expected a port number (0 = any free port)');
  return value;
}

function speedOption(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a positive number');
  return value;
}

function bytesOption(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < MIN_PART_BYTES) throw new InvalidArgumentError(`expected a whole number of bytes, at least ${MIN_PART_BYTES}`);
  return value;
}

/** Problems a user can fix: reported in one line, exit 1. */
function isUserProblem(error: unknown): error is Error {
  return error instanceof RecordingError || error instanceof KeyFileError || error instanceof RangeError || (error as NodeJS.ErrnoException).code !== undefined;
}

export function registerRecordCommand(program: Command): void {
  program
    .command('record')
    .description('record the exchange feed of the configured tickers (every frame as received, with its receive time) until SIGINT/SIGTERM')
    .addOption(configFileOption())
    .option('--out <dir>', 'directory for the recording files', 'recordings')
    .option('--max-bytes <bytes>', 'start a new part once a file holds this many compressed bytes', bytesOption, DEFAULT_MAX_PART_BYTES)
    .action(async (flags: RecordFlags) => {
      const config = loadConfig({ file: flags.config });
      checkCredentials(config, flags.config);
      process.exitCode = await runRecord(config, flags);
    });
}

async function runRecord(config: AppConfig, flags: RecordFlags): Promise<number> {
  const signal = nextStopSignal();
  try {
    const session = await startRecordSession(config, {
      outDir: flags.out,
      maxBytes: flags.maxBytes,
      report: (line) => process.stderr.write(`mm record: ${line}\n`),
    });
    process.stdout.write(`recording ${config.markets.length} tickers from ${session.url} into ${session.path}\n`);
    const outcome = await Promise.race([
      signal.received.then((name) => ({ name, error: undefined })),
      session.ended.then(
        () => ({ name: undefined, error: new Error('the connection ended') }),
        (error: Error) => ({ name: undefined, error }),
      ),
    ]);
    const summaries = await session.stop();
    for (const summary of summaries) process.stdout.write(`recorded ${describeSummary(summary)}\n`);
    if (outcome.error !== undefined) {
      process.stderr.write(`mm record: ${outcome.error.message}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (!isUserProblem(error)) throw error;
    process.stderr.write(`mm record: ${error.message}\n`);
    return 1;
  } finally {
    signal.release();
  }
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('serve a recording on 127.0.0.1 over the Kalshi v2 socket (signed handshake), until SIGINT/SIGTERM')
    .argument('<file>', 'the recording (its first part)')
    .option('--port <port>', 'port to listen on (0 = any free port)', portOption, 0)
    .addOption(new Option('--speed <factor>', 'multiple of the recorded pace').argParser(speedOption).default(1).conflicts('asFastAsRead'))
    .option('--as-fast-as-read', 'send the frames as fast as the client reads them')
    .option('--keys <file>', 'keys file: JSON object mapping key id to public key PEM (as for mm sim)')
    .action(async (file: string, flags: ReplayFlags) => {
      process.exitCode = await runReplay(file, flags);
    });
}

function describeSession(report: ReplaySessionReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  if (report.error !== undefined) return `connection ${report.connectionId}: recording unreadable after ${report.framesSent} frames: ${report.error}`;
  if (!report.completed) return `connection ${report.connectionId}: the client left after ${report.framesSent} frames (${seconds} s)`;
  const lost = report.framesLostInRecording > 0 ? `; the recording marks ${report.framesLostInRecording} frames as lost` : '';
  return `connection ${report.connectionId}: replay finished, ${report.framesSent} frames in ${seconds} s${lost}; the connection stays open`;
}

async function runReplay(file: string, flags: ReplayFlags): Promise<number> {
  const signal = nextStopSignal();
  try {
    const keys = flags.keys !== undefined ? readKeysFile(flags.keys) : {};
    if (Object.keys(keys).length === 0) {
      process.stderr.write('mm replay: no keys registered, every connection will be refused (use --keys FILE; mm sim --make-key DIR creates one)\n');
    }
    const pace: ReplayPace = flags.asFastAsRead ? { kind: 'as-fast-as-read' } : { kind: 'recorded', speed: flags.speed };
    const server = await startReplayServer({
      recording: file,
      port: flags.port,
      keys,
      pace,
      onSessionEnd: (report) => process.stderr.write(`mm replay: ${describeSession(report)}\n`),
    });
    process.stdout.write(`listening ${server.url}\n`);
    const { header } = server;
    const paceText = pace.kind === 'recorded' ? `${pace.speed}x the recorded pace` : 'as fast as the client reads';
    process.stderr.write(
      `mm replay: ${file}: session ${header.session} recorded ${new Date(header.started_ms).toISOString()} from ${header.ws_url}, ` +
        `${header.tickers.length} tickers, ${header.wire_format} format; serving ${paceText}\n`,
    );
    await signal.received;
    await server.close();
    return 0;
  } catch (error) {
    if (!isUserProblem(error)) throw error;
    process.stderr.write(`mm replay: ${error.message}\n`);
    return 1;
  } finally {
    signal.release();
  }
}
