/**
 * The winston side of the logger actor: one winston logger with three transports.
 *
 * - intents file: every intent line, whatever the level;
 * - events file: event lines at or above the level;
 * - console (unless off): a short line per intent (at info) and per event at or above the
 *   level; `pretty` formats the record like the seed's prints, `json` shows the line.
 *
 * winston applies no backpressure, so the writer measures its own backlog (records queued
 * in the logger and transports) and drops info/debug events above the high-water mark.
 * Intents, warnings and errors are never dropped.
 */
import { mkdirSync, closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import winston from 'winston';
import type { ConsoleMode, LogLevel } from '../config/types.js';
import { formatIntentLine, type IntentRecord } from './intent-record.js';
import { formatEventLine, LEVEL_SEVERITY, type LogEvent } from './log-event.js';
import type { LogRecord } from './messages.js';

export interface LogWriterOptions {
  readonly intentsFile: string;
  readonly eventsFile: string;
  readonly level: LogLevel;
  readonly console: ConsoleMode;
  /** backlog (records) above which info/debug events are dropped */
  readonly highWaterMark: number;
}

export interface LogCounts {
  intents: number;
  events: number;
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

function onlyStream(stream: LogRecord['stream']): winston.Logform.Format {
  return winston.format((info) => ((info as WinstonRecord).stream === stream ? info : false))();
}

function consoleText(mode: ConsoleMode, record: WinstonRecord): string {
  if (mode === 'json') return record.message;
  return record.stream === 'intent'
    ? formatIntentLine(JSON.parse(record.message) as IntentRecord)
    : formatEventLine(JSON.parse(record.message) as LogEvent);
}

export class LogWriter {
  readonly counts: LogCounts = { intents: 0, events: 0, dropped: 0 };
  readonly #logger: winston.Logger;
  readonly #fileTransports: winston.transport[];
  readonly #allTransports: winston.transport[];
  readonly #threshold: number;
  readonly #highWaterMark: number;
  readonly failed: Promise<never>;

  constructor(options: LogWriterOptions) {
    prepareFile(options.intentsFile);
    prepareFile(options.eventsFile);
    const line = winston.format.printf((info) => (info as WinstonRecord).message);
    this.#fileTransports = [
      new winston.transports.File({ filename: options.intentsFile, format: winston.format.combine(onlyStream('intent'), line) }),
      new winston.transports.File({ filename: options.eventsFile, format: winston.format.combine(onlyStream('event'), line) }),
    ];
    const consoleTransports =
      options.console === 'off'
        ? []
        : [
            new winston.transports.Console({
              level: options.level,
              stderrLevels: ['error', 'warn'],
              format: winston.format.printf((info) => consoleText(options.console, info as WinstonRecord)),
            }),
          ];
    this.#allTransports = [...this.#fileTransports, ...consoleTransports];
    this.#logger = winston.createLogger({
      levels: LEVEL_SEVERITY,
      level: 'debug',
      format: winston.format((info) => info)(),
      exitOnError: false,
      transports: this.#allTransports,
    });
    this.failed = new Promise<never>((_, reject) => {
      this.#logger.on('error', (error: Error) => reject(new Error(`log writer failed: ${error.message}`)));
    });
    this.failed.catch(() => undefined); // observed by the task; never an unhandled rejection
    this.#threshold = LEVEL_SEVERITY[options.level];
    this.#highWaterMark = options.highWaterMark;
  }

  /** Records queued inside winston (logger and transports), not yet handed to the files. */
  backlog(): number {
    return (
      this.#logger.writableLength +
      this.#logger.readableLength +
      this.#allTransports.reduce((sum, transport) => sum + transport.writableLength, 0)
    );
  }

  write(record: LogRecord): void {
    if (record.stream === 'intent') {
      this.counts.intents += 1;
    } else {
      const severity = LEVEL_SEVERITY[record.level];
      if (severity > this.#threshold) return;
      if (severity > LEVEL_SEVERITY.warn && this.backlog() > this.#highWaterMark) {
        this.counts.dropped += 1;
        return;
      }
      this.counts.events += 1;
    }
    this.#logger.log({ level: record.level, message: record.line, stream: record.stream });
  }

  /** Waits until winston has handed everything to the files, then ends them. */
  async close(): Promise<void> {
    while (this.backlog() > 0) await delay(DRAIN_POLL_MS);
    const finished = this.#fileTransports.map((transport) => once(transport, 'finish'));
    this.#logger.end();
    await Promise.all(finished);
  }
}
