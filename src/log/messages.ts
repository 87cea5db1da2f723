/**
 * Every message that crosses a logger port, one union per direction.
 *
 *   producer -> logger (one producer port)  RecordsPosted
 *   logger -> producer                      SetLevel | SlowDown | Resume
 *   main -> logger (control port)           AddProducer | Reopen | Stop
 *   logger -> main (control port)           LoggerReady | LoggerReopened
 */
import type { MessagePort } from 'node:worker_threads';
import type { LogLevel } from '../config/types.js';

/** One record, serialized by the producer: the logger writes `line` as is. */
export interface LogRecord {
  readonly stream: 'intent' | 'event' | 'fill';
  /** intents are logged at info */
  readonly level: LogLevel;
  readonly line: string;
}

export interface RecordsPosted {
  readonly type: 'records_posted';
  /** in the order the producer made them */
  readonly records: readonly LogRecord[];
  /** events the producer dropped while slowed down, since its previous post */
  readonly droppedByProducer: number;
}

export type ProducerMessage = RecordsPosted;

/** Events below this level are not wanted: the producer need not send them. */
export interface SetLevel {
  readonly type: 'set_level';
  readonly level: LogLevel;
}
/** The logger is over its high-water mark: drop info and debug events until Resume. */
export interface SlowDown {
  readonly type: 'slow_down';
}
export interface Resume {
  readonly type: 'resume';
}

export type LoggerNotice = SetLevel | SlowDown | Resume;

export interface AddProducer {
  readonly type: 'add_producer';
  readonly port: MessagePort;
}
/**
 * Drain every producer port, then close every file and open it again at its path (after an
 * external rotation renamed it); answered with LoggerReopened.
 */
export interface Reopen {
  readonly type: 'reopen';
}
/** Drain every producer port, flush the files, end the task. */
export interface Stop {
  readonly type: 'stop';
}

export type LoggerCommand = AddProducer | Reopen | Stop;

export interface LoggerReady {
  readonly type: 'logger_ready';
}
/** The files of a Reopen are open again, or `error` says why one is not (the logger has then failed). */
export interface LoggerReopened {
  readonly type: 'logger_reopened';
  readonly error?: string;
}

export type LoggerReply = LoggerReady | LoggerReopened;
