/**
 * The sending side of a logger port, used inside ticker actors and on the main thread.
 * Records are serialized here (the costly part runs in the producers, in parallel) and
 * posted in batches: one post per setImmediate turn, or at once when 256 records wait.
 * Nothing here ever waits for the logger.
 *
 * One port carries its records in order: give each ticker's records to one producer and
 * the files keep that ticker's order.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Intent } from '../strategy/intent.js';
import { toIntentRecord } from './intent-record.js';
import { formatFillRecord } from '../portfolio/fill-record.js';
import type { Fill } from '../portfolio/fill.js';
import { formatEventJson, LEVEL_SEVERITY, type LogEvent } from './log-event.js';
import type { LogRecord, LoggerNotice, RecordsPosted } from './messages.js';

export type { LogEvent } from './log-event.js';

const MAX_BATCH = 256;

export class LogProducer {
  readonly #port: MessagePort;
  #pending: LogRecord[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** events less severe than this are not sent; everything is sent until the logger says */
  #threshold = LEVEL_SEVERITY.debug;
  #slowedDown = false;
  #dropped = 0;
  #closed = false;
  /** the logger closed its end (it has stopped): later records have nowhere to go */
  #loggerGone = false;

  constructor(port: MessagePort) {
    this.#port = port;
    port.on('message', (notice: LoggerNotice) => this.#receive(notice));
    port.once('close', () => {
      this.#loggerGone = true;
      this.#pending = [];
    });
    port.unref(); // a producer never keeps its thread alive
  }

  intent(intent: Intent): void {
    this.#add({ stream: 'intent', level: 'info', line: JSON.stringify(toIntentRecord(intent)) });
  }

  /** A fill of our orders, for the fills journal (never dropped, like intents). */
  fill(fill: Fill): void {
    this.#add({ stream: 'fill', level: 'info', line: formatFillRecord(fill) });
  }

  event(event: LogEvent): void {
    const severity = LEVEL_SEVERITY[event.level];
    if (severity > this.#threshold) return;
    if (this.#slowedDown && severity > LEVEL_SEVERITY.warn) {
      this.#assertOpen();
      this.#dropped += 1;
      return;
    }
    this.#add({ stream: 'event', level: event.level, line: formatEventJson(event) });
  }

  /** Posts what is batched now. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    if (this.#loggerGone || (this.#pending.length === 0 && this.#dropped === 0)) return;
    const message: RecordsPosted = { type: 'records_posted', records: this.#pending, droppedByProducer: this.#dropped };
    this.#port.postMessage(message);
    this.#pending = [];
    this.#dropped = 0;
  }

  /** Flushes, then closes the port. Records after close are a programming error. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#port.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('LogProducer: record after close()');
  }

  #add(record: LogRecord): void {
    this.#assertOpen();
    if (this.#loggerGone) return;
    this.#pending.push(record);
    if (this.#pending.length >= MAX_BATCH) this.flush();
    else this.#scheduled ??= setImmediate(() => this.flush());
  }

  #receive(notice: LoggerNotice): void {
    switch (notice.type) {
      case 'set_level':
        this.#threshold = LEVEL_SEVERITY[notice.level];
        break;
      case 'slow_down':
        this.#slowedDown = true;
        break;
      case 'resume':
        this.#slowedDown = false;
        break;
    }
  }
}
