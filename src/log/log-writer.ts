/**
 * The winston side of the logger actor: one winston logger with three transports.
 *
 * - intents file: every intent line, whatever the level, written synchronously in the
 *   logger's thread (SyncFileTransport: in the file when the batch is handled); the fills
 *   journal likewise;
 * - events file: event lines at or above the level (RotatingStreamTransport: asynchronous);
 * - console (unless off): a short line per intent (at info) and per event at or above the
 *   level; `pretty` formats the record like the seed's prints, `json` shows the line.
 *
 * winston applies no backpressure, so the writer measures its own backlog (records queued
 * in the logger and transports) and drops info/debug events above the high-water mark.
 * Intents, warnings and errors are never dropped.
 *
 * The three files rotate by size and by UTC day as `rotation` says (./rotation.ts), and
 * `reopen()` closes each and opens the file at its path again, for an external logrotate
 * that renamed them.
 */
import { mkdirSync, closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import winston from 'winston';
import type { ConsoleMode, LogLevel } from '../config/types.js';
import { formatIntentLine, type IntentRecord } from './intent-record.js';
import { formatEventJson, formatEventLine, LEVEL_SEVERITY, type LogEvent } from './log-event.js';
import type { LogRecord } from './messages.js';
import { RotatingStreamTransport } from './rotating-stream-transport.js';
import { NO_ROTATION, type RotationOptions } from './rotation.js';
import { SyncFileTransport, type ReopenMessage } from './sync-file-transport.js';
import type { FillRecord } from '../portfolio/fill-record.js';

/** A fill on the console: "2026-… KX… FILL buy YES 5.00 @ 0.4300 fee 0.000000 (maker)". */
function formatFillLine(r: FillRecord): string {
  return `${r.ts} ${r.ticker} FILL ${r.action} ${r.side.toUpperCase()} ${r.count} @ ${r.price} fee ${r.fee} (${r.is_taker ? 'taker' : 'maker'})`;
}

export interface LogWriterOptions {
  readonly intentsFile: string;
  readonly eventsFile: string;
  /** the fills journal; without one, fill records are not written */
  readonly fillsFile?: string;
  readonly level: LogLevel;
  readonly console: ConsoleMode;
  /** backlog (records) above which info/debug events are dropped */
  readonly highWaterMark: number;
  /** rotation of the three files; none when left out */
  readonly rotation?: RotationOptions;
}

export interface LogCounts {
  intents: number;
  events: number;
  fills: number;
  dropped: number;
}

/** A record as it travels through winston. */
interface WinstonRecord extends winston.Logform.TransformableInfo {
  stream: LogRecord['stream'];
  message: string;
}

const DRAIN_POLL_MS = 5;

/** Creates the file and its folder now, so that a bad path fails at start with a clear error. */
function prepareFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a'));
  } catch (error) {
    throw new Error(`cannot open log file ${path}: ${(error as Error).message}`);
  }
}

/** Consecutive lines of one file, written with one winston call. */
interface FileChunk extends WinstonRecord {
  /** how many records the message holds */
  records: number;
}

function createLogger(transports: winston.transport[]): winston.Logger {
  return winston.createLogger({ levels: LEVEL_SEVERITY, level: 'debug', format: winston.format((info) => info)(), exitOnError: false, transports });
}

function consoleText(mode: ConsoleMode, record: WinstonRecord): string {
  if (mode === 'json') return record.message;
  if (record.stream === 'fill') return formatFillLine(JSON.parse(record.message) as FillRecord);
  return record.stream === 'intent' ? formatIntentLine(JSON.parse(record.message) as IntentRecord) : formatEventLine(JSON.parse(record.message) as LogEvent);
}

export class LogWriter {
  readonly counts: LogCounts = { intents: 0, events: 0, fills: 0, dropped: 0 };
  /**
   * the two files, a logger each (one logger would feed both transports through one pipe,
   * and a busy events file would hold the intents back): one winston log call per file and
   * batch, its lines joined
   */
  readonly #files: { intent: winston.Logger; event: winston.Logger; fill: winston.Logger | undefined };
  readonly #fileTransports: winston.transport[];
  readonly #eventsTransport: RotatingStreamTransport;
  /** the console (unless off): one winston log call per record, for its level and format */
  readonly #console: winston.Logger | undefined;
  /** records handed to #files and not yet written by their transport */
  #fileBacklog = 0;
  readonly #threshold: number;
  readonly #highWaterMark: number;
  #reopening: Promise<void> | undefined;
  readonly failed: Promise<never>;

  constructor(options: LogWriterOptions) {
    prepareFile(options.intentsFile);
    prepareFile(options.eventsFile);
    if (options.fillsFile !== undefined) prepareFile(options.fillsFile);
    const line = winston.format.printf((info) => (info as WinstonRecord).message);
    const rotation = options.rotation ?? NO_ROTATION;
    const intents = new SyncFileTransport({ filename: options.intentsFile, format: line, rotation });
    const events = new RotatingStreamTransport({ filename: options.eventsFile, format: line, rotation });
    // the fills journal is an audit trail like the intents: written synchronously
    const fills = options.fillsFile === undefined ? undefined : new SyncFileTransport({ filename: options.fillsFile, format: line, rotation });
    this.#fileTransports = fills === undefined ? [intents, events] : [intents, events, fills];
    this.#eventsTransport = events;
    for (const transport of this.#fileTransports) {
      transport.on('logged', (info: FileChunk) => {
        this.#fileBacklog -= info.records;
      });
      // old rotated files that could not be removed: said in the events file, not fatal
      transport.on('warn', (error: Error) => this.#warn(error.message));
    }
    this.#files = { intent: createLogger([intents]), event: createLogger([events]), fill: fills === undefined ? undefined : createLogger([fills]) };
    this.#console =
      options.console === 'off'
        ? undefined
        : createLogger([
            new winston.transports.Console({
              level: options.level,
              stderrLevels: ['error', 'warn'],
              format: winston.format.printf((info) => consoleText(options.console, info as WinstonRecord)),
            }),
          ]);
    const loggers = [
      this.#files.intent,
      this.#files.event,
      ...(this.#files.fill === undefined ? [] : [this.#files.fill]),
      ...(this.#console === undefined ? [] : [this.#console]),
    ];
    this.failed = new Promise<never>((_, reject) => {
      for (const logger of loggers) logger.on('error', (error: Error) => reject(new Error(`log writer failed: ${error.message}`)));
    });
    this.failed.catch(() => undefined); // observed by the task; never an unhandled rejection
    this.#threshold = LEVEL_SEVERITY[options.level];
    this.#highWaterMark = options.highWaterMark;
  }

  /** Resolves once every file is open; rejects when one cannot be opened. */
  async opened(): Promise<void> {
    await Promise.race([this.#eventsTransport.whenOpen(), this.failed]);
  }

  /** Records queued inside winston (loggers and transports), not yet handed to the files or the console. */
  backlog(): number {
    const consoleBacklog =
      this.#console === undefined
        ? 0
        : this.#console.writableLength + this.#console.readableLength + this.#console.transports.reduce((sum, transport) => sum + transport.writableLength, 0);
    return this.#fileBacklog + consoleBacklog;
  }

  write(record: LogRecord): void {
    this.writeBatch([record]);
  }

  /**
   * Writes records in order: each file gets the lines of the batch that are its own joined
   * into one write (the bytes are those of one write per line), the console one line per record.
   */
  writeBatch(records: readonly LogRecord[]): void {
    const lines: Record<LogRecord['stream'], string[]> = { intent: [], event: [], fill: [] };
    for (const record of records) {
      if (!this.#accepts(record)) continue;
      lines[record.stream].push(record.line);
      // counted as it is taken, so that the high-water mark holds within a batch too
      this.#fileBacklog += 1;
      this.#console?.log({ level: record.level, message: record.line, stream: record.stream });
    }
    for (const stream of ['intent', 'event', 'fill'] as const) {
      const streamLines = lines[stream];
      const file = this.#files[stream];
      if (streamLines.length === 0 || file === undefined) continue;
      const chunk: FileChunk = { level: 'info', message: streamLines.join('\n'), stream, records: streamLines.length };
      file.log(chunk);
    }
  }

  /** Counts the record; false when it is not written (below the level, or dropped above the high-water mark). */
  #accepts(record: LogRecord): boolean {
    if (record.stream === 'intent') {
      this.counts.intents += 1;
      return true;
    }
    if (record.stream === 'fill') {
      if (this.#files.fill === undefined) return false;
      this.counts.fills += 1;
      return true;
    }
    const severity = LEVEL_SEVERITY[record.level];
    if (severity > this.#threshold) return false;
    if (severity > LEVEL_SEVERITY.warn && this.backlog() > this.#highWaterMark) {
      this.counts.dropped += 1;
      return false;
    }
    this.counts.events += 1;
    return true;
  }

  /**
   * Closes each file and opens the one at its path again (a new file when it was renamed
   * away): the lines of the batches written before the call are in the old file, those after
   * it in the new one. Resolves once every file is open again; rejects when one cannot be
   * opened (then the writer has failed).
   */
  reopen(): Promise<void> {
    const previous = this.#reopening ?? Promise.resolve();
    const reopening = previous.catch(() => undefined).then(() => this.#reopenFiles());
    this.#reopening = reopening;
    return reopening;
  }

  async #reopenFiles(): Promise<void> {
    const reopened = this.#fileTransports.map((transport) => once(transport, 'reopened'));
    // a message of its own through each file's logger, so that it comes after every line handed to it before
    const message: ReopenMessage & FileChunk = { level: 'info', message: '', stream: 'event', records: 0, control: 'reopen' };
    for (const file of [this.#files.intent, this.#files.event, this.#files.fill]) file?.log({ ...message });
    await Promise.race([Promise.all(reopened), this.failed]);
  }

  #warn(message: string): void {
    const event: LogEvent = { ts: new Date().toISOString(), level: 'warn', kind: 'log_rotation', message };
    this.writeBatch([{ stream: 'event', level: 'warn', line: formatEventJson(event) }]);
  }

  /** Waits until winston has handed everything to the files and the console, then ends the files. */
  async close(): Promise<void> {
    await this.#reopening?.catch(() => undefined);
    while (this.backlog() > 0) await delay(DRAIN_POLL_MS);
    const finished = this.#fileTransports.map((transport) => once(transport, 'finish'));
    this.#files.intent.end();
    this.#files.event.end();
    this.#files.fill?.end();
    await Promise.all(finished);
  }
}
