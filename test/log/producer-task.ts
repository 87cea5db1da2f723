/**
 * A piscina task standing in for a ticker actor thread: one LogProducer per ticker port,
 * interleaving the tickers and yielding between chunks so that batches mix.
 */
import type { MessagePort } from 'node:worker_threads';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LogProducer } from '../../src/log/producer.js';
import { eventFor, intentFor } from './records.js';

export interface ProducerTask {
  readonly tickers: readonly string[];
  readonly ports: readonly MessagePort[];
  readonly intentsPerTicker: number;
  /** close the ports at the end (otherwise flush and leave them open) */
  readonly close: boolean;
}

const CHUNK = 100;

export default async function produce({ tickers, ports, intentsPerTicker, close }: ProducerTask): Promise<number> {
  const producers = ports.map((port) => new LogProducer(port));
  for (let start = 0; start < intentsPerTicker; start += CHUNK) {
    for (let sequence = start; sequence < Math.min(start + CHUNK, intentsPerTicker); sequence += 1) {
      producers.forEach((producer, index) => {
        producer.intent(intentFor(tickers[index]!, sequence));
        if (sequence % 2 === 0) producer.event(eventFor(tickers[index]!, sequence));
      });
    }
    await nextTurn();
  }
  producers.forEach((producer) => (close ? producer.close() : producer.flush()));
  return producers.length * intentsPerTicker;
}
