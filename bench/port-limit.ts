/**
 * The physical limit of the hop between threads: a bare MessagePort between this thread
 * and a worker that answers every post, carrying the workload's frame texts.
 *
 * - unbatched: one frame per post, up to 1,000 posts in flight;
 * - batched: the gateway outbox's batch size per post (as it sends them under load), up to 10 in flight;
 * - round trip: one post in flight at a time, the time for it to come back.
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { DEFAULT_OUTBOX_OPTIONS } from '../src/actors/actor-outbox.js';
import { quantile } from './statistics.js';

const ECHO = `
const { workerData } = require('node:worker_threads');
const port = workerData.port;
port.on('message', (message) => {
  if (message === 'stop') { port.close(); return; }
  port.postMessage(Array.isArray(message) ? message.length : 1);
});
`;

export interface PortLimits {
  /** frames per second */
  readonly unbatched: number;
  readonly batched: number;
  readonly roundTripP50Ms: number;
  readonly roundTripP99Ms: number;
}

async function withEcho<T>(measure: (port: MessagePort) => Promise<T>): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(ECHO, { eval: true, workerData: { port: port2 }, transferList: [port2] });
  try {
    return await measure(port1);
  } finally {
    port1.postMessage('stop');
    port1.close();
    await worker.terminate();
  }
}

/** Frames through per second, posting `perPost` frames per message with `window` posts in flight. */
function streamRate(port: MessagePort, frames: readonly string[], perPost: number, window: number, durationMs: number): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let acknowledged = 0;
    const startedAt = performance.now();
    const post = (): void => {
      while (inFlight < window) {
        if (perPost === 1) {
          port.postMessage(frames[next % frames.length]);
        } else {
          const start = next % (frames.length - perPost);
          port.postMessage(frames.slice(start, start + perPost));
        }
        next += perPost;
        inFlight++;
      }
    };
    port.on('message', (count: number) => {
      acknowledged += count;
      inFlight--;
      const elapsed = performance.now() - startedAt;
      if (elapsed >= durationMs) {
        port.removeAllListeners('message');
        resolve((acknowledged / elapsed) * 1000);
        return;
      }
      if (inFlight <= window / 2) post();
    });
    post();
  });
}

function roundTrips(port: MessagePort, frame: string, warmup: number, samples: number): Promise<number[]> {
  return new Promise((resolve) => {
    const times: number[] = [];
    let sentAt = 0;
    let count = 0;
    port.on('message', () => {
      if (count++ >= warmup) times.push(performance.now() - sentAt);
      if (times.length >= samples) {
        port.removeAllListeners('message');
        resolve(times);
        return;
      }
      sentAt = performance.now();
      port.postMessage(frame);
    });
    sentAt = performance.now();
    port.postMessage(frame);
  });
}

export async function measurePortLimits(frames: readonly string[], durationMs: number): Promise<PortLimits> {
  const unbatched = await withEcho((port) => streamRate(port, frames, 1, 1000, durationMs));
  const batched = await withEcho((port) => streamRate(port, frames, DEFAULT_OUTBOX_OPTIONS.maxBatch, 10, durationMs));
  const times = await withEcho((port) => roundTrips(port, frames[0]!, 2_000, 20_000));
  return { unbatched, batched, roundTripP50Ms: quantile(times, 0.5), roundTripP99Ms: quantile(times, 0.99) };
}
