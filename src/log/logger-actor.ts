/**
 * The logger actor: a one-thread piscina pool running the never-ending logger task, which
 * owns winston. Producers (ticker actors, the main thread) get a MessagePort each and wrap
 * it in a LogProducer; the logger keeps the other end. `reopen()` has the logger close its
 * files and open them again at their paths, for an external logrotate (`mm start` calls it on
 * SIGUSR2).
 */
import { once } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ConsoleMode, LogLevel } from '../config/types.js';
import type { LogCounts, LogWriterOptions } from './log-writer.js';
import type { LoggerTask } from './logger-task.js';
import type { AddProducer, LoggerReady, LoggerReply, Reopen, Stop } from './messages.js';
import type { RotationOptions } from './rotation.js';

export interface LoggerOptions {
  intentsFile: string;
  eventsFile: string;
  /** the fills journal (execution modes) */
  fillsFile?: string;
  level: LogLevel;
  console: ConsoleMode;
  /**
   * Records queued inside winston above which info/debug events are dropped (counted) and
   * producers are told to slow down; they resume below half of it. Default 10 000.
   */
  highWaterMark?: number;
  /** rotation of the intents, events and fills files (none when left out) */
  rotation?: RotationOptions;
}

export interface LoggerHandle {
  /** A new channel: the logger keeps one end, the caller transfers the other to a producer. */
  connectProducer(): MessagePort;
  /**
   * Drains every producer port, waits for winston to flush the files, then ends the thread.
   * Rejects with the write error if the logger failed.
   */
  stop(): Promise<LogCounts>;
  /**
   * Closes every file and opens it again at its path, for an external logrotate that renamed
   * the files (then sent SIGUSR2): what was posted to the producers before the call is in the
   * files open until then, what follows in the new ones. Resolves once the files are open
   * again; rejects when one cannot be opened (the logger has then failed: see `failure`) or
   * the logger is stopped.
   */
  reopen(): Promise<void>;
  /**
   * Settles with the error when the logger fails while running (a file it cannot write):
   * from then on nothing is written, so whoever trades must stop. Never settles otherwise.
   */
  readonly failure: Promise<Error>;
}

export const DEFAULT_HIGH_WATER_MARK = 10_000;

const TASK_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const TASK_FILE = new URL(`./logger-task.${TASK_EXTENSION}`, import.meta.url).href;

export async function startLogger(options: LoggerOptions): Promise<LoggerHandle> {
  const pool = new Piscina({
    filename: TASK_FILE,
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Infinity,
    concurrentTasksPerWorker: 1,
    atomics: 'disabled',
  });
  const writerOptions: LogWriterOptions = {
    intentsFile: options.intentsFile,
    eventsFile: options.eventsFile,
    ...(options.fillsFile !== undefined ? { fillsFile: options.fillsFile } : {}),
    level: options.level,
    console: options.console,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    ...(options.rotation !== undefined ? { rotation: options.rotation } : {}),
  };
  const control = new MessageChannel();
  const task: Promise<LogCounts> = pool.run({ options: writerOptions, control: control.port2 } satisfies LoggerTask, {
    transferList: [control.port2],
  });
  task.catch(() => undefined); // a failure is reported by start or stop, never as an unhandled rejection

  try {
    const [ready] = (await Promise.race([once(control.port1, 'message'), task])) as [LoggerReady];
    if (ready?.type !== 'logger_ready') throw new Error('the logger task ended before it was ready');
  } catch (error) {
    control.port1.close();
    await pool.destroy();
    throw new Error(`logger failed to start: ${(error as Error).message}`);
  }

  let stopping: Promise<LogCounts> | undefined;
  /** reopens asked for and not answered yet, in order (the logger answers them in order) */
  const reopens: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const onReply = (reply: LoggerReply): void => {
    if (reply.type !== 'logger_reopened') return;
    const waiter = reopens.shift();
    if (reopens.length === 0) control.port1.off('message', onReply);
    if (reply.error === undefined) waiter?.resolve();
    else waiter?.reject(new Error(`cannot reopen the log files: ${reply.error}`));
  };
  const failure = new Promise<Error>((resolve) => {
    task.then(
      () => {
        if (stopping === undefined) resolve(new Error('the logger ended before it was told to stop'));
      },
      (error: unknown) => {
        if (stopping === undefined) resolve(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
  // the task's end answers the reopens still waiting
  void task
    .then(
      () => new Error('the logger ended before the files were reopened'),
      (error: unknown) => new Error(`cannot reopen the log files: ${error instanceof Error ? error.message : String(error)}`),
    )
    .then((error) => {
      control.port1.off('message', onReply);
      for (const waiter of reopens.splice(0)) waiter.reject(error);
    });
  return {
    failure,
    reopen(): Promise<void> {
      if (stopping !== undefined) return Promise.reject(new Error('logger is stopped'));
      return new Promise<void>((resolve, reject) => {
        if (reopens.length === 0) control.port1.on('message', onReply);
        reopens.push({ resolve, reject });
        control.port1.postMessage({ type: 'reopen' } satisfies Reopen);
      });
    },
    connectProducer(): MessagePort {
      if (stopping !== undefined) throw new Error('logger is stopped');
      const channel = new MessageChannel();
      control.port1.postMessage({ type: 'add_producer', port: channel.port1 } satisfies AddProducer, [channel.port1]);
      return channel.port2;
    },
    stop(): Promise<LogCounts> {
      stopping ??= (async () => {
        control.port1.postMessage({ type: 'stop' } satisfies Stop);
        try {
          return await task;
        } finally {
          control.port1.close();
          await pool.close();
        }
      })();
      return stopping;
    },
  };
}
