/**
 * The logger actor's thread: a never-ending piscina task that owns the LogWriter. It
 * takes producer ports from the control port, writes what they post, tells them to slow
 * down above the high-water mark, and on Stop drains every port before flushing: Stop
 * travels on another port and can overtake records still queued (piscina #133). Reopen
 * drains every port the same way before the files are reopened, so that whatever was posted
 * before it lands in the files open until then.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { LogWriter, type LogCounts, type LogWriterOptions } from './log-writer.js';
import type { LoggerCommand, LoggerNotice, LoggerReady, LoggerReopened, ProducerMessage } from './messages.js';

export interface LoggerTask {
  readonly options: LogWriterOptions;
  readonly control: MessagePort;
}

/** How often the backlog is checked while producers are slowed down. */
const RESUME_CHECK_MS = 20;

export default async function runLogger({ options, control }: LoggerTask): Promise<LogCounts> {
  const writer = new LogWriter(options);
  await writer.opened();
  const producers = new Set<MessagePort>();
  let resumeCheck: NodeJS.Timeout | undefined;

  const notifyAll = (notice: LoggerNotice): void => producers.forEach((port) => port.postMessage(notice));

  const checkPressure = (): void => {
    if (resumeCheck !== undefined || writer.backlog() <= options.highWaterMark) return;
    notifyAll({ type: 'slow_down' });
    resumeCheck = setInterval(() => {
      if (writer.backlog() > options.highWaterMark / 2) return;
      clearInterval(resumeCheck);
      resumeCheck = undefined;
      notifyAll({ type: 'resume' });
    }, RESUME_CHECK_MS);
  };

  const receive = (message: ProducerMessage): void => {
    writer.counts.dropped += message.droppedByProducer;
    writer.writeBatch(message.records);
    checkPressure();
  };

  const drain = (port: MessagePort): void => {
    for (let queued = receiveMessageOnPort(port); queued !== undefined; queued = receiveMessageOnPort(port)) {
      receive(queued.message as ProducerMessage);
    }
  };

  const addProducer = (port: MessagePort): void => {
    producers.add(port);
    port.on('message', receive);
    port.once('close', () => producers.delete(port));
    port.postMessage({ type: 'set_level', level: options.level } satisfies LoggerNotice);
    if (resumeCheck !== undefined) port.postMessage({ type: 'slow_down' } satisfies LoggerNotice);
  };

  const reopen = (): void => {
    for (const port of producers) drain(port);
    writer.reopen().then(
      () => control.postMessage({ type: 'logger_reopened' } satisfies LoggerReopened),
      (error: Error) => control.postMessage({ type: 'logger_reopened', error: error.message } satisfies LoggerReopened),
    );
  };

  const stopped = new Promise<void>((resolve) => {
    control.on('message', (command: LoggerCommand) => {
      if (command.type === 'add_producer') addProducer(command.port);
      else if (command.type === 'reopen') reopen();
      else resolve();
    });
  });
  control.postMessage({ type: 'logger_ready' } satisfies LoggerReady);

  try {
    await Promise.race([stopped, writer.failed]);
    for (const port of producers) {
      drain(port);
      port.close(); // anything posted after Stop is not waited for
    }
    await Promise.race([writer.close(), writer.failed]);
    return writer.counts;
  } finally {
    clearInterval(resumeCheck);
    producers.forEach((port) => port.close());
    control.close();
  }
}
