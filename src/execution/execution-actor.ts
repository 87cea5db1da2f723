/**
 * The execution actor, seen from the main thread: a one-thread piscina pool running the
 * never-ending execution task (execution-task.ts). `connectShard()` gives a port for one
 * shard actor launch; `forward()` takes the account's private frames from the gateway,
 * batched per event-loop turn.
 */
import * as Comlink from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ExecutionControl, ExecutionSettings, ExecutionStatus, ExecutionStopReport, PrivateFramesPosted, ReconcileReport } from './execution-protocol.js';
import type { ExecutionTask } from './execution-task.js';

const TASK_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const TASK_FILE = new URL(`./execution-task.${TASK_EXTENSION}`, import.meta.url).href;

export interface ExecutionHandle {
  /** a new port for one shard actor launch (the other end is the execution actor's) */
  connectShard(): MessagePort;
  /** a private-channel frame from the gateway */
  forward(frame: string): void;
  status(): Promise<ExecutionStatus>;
  cancelAll(reason: string): Promise<void>;
  reconcile(policy: 'cancel' | 'adopt'): Promise<ReconcileReport>;
  /** markets added while running: reconciled like those at start, and listed at stop and after reconnects from now on */
  addTickers(tickers: readonly string[], policy: 'cancel' | 'adopt'): Promise<ReconcileReport>;
  resync(): Promise<{ missedFills: number; ended: number; strangers: number }>;
  control(action: 'pause' | 'resume' | 'flatten' | 'kill', ticker: string | undefined, who: string): Promise<{ ok: boolean; message: string }>;
  /** cancels everything, confirms none rests, and ends the thread */
  stop(reason: string): Promise<ExecutionStopReport>;
  /** settles with the error when the thread dies while running */
  readonly failure: Promise<Error>;
}

export async function startExecution(settings: ExecutionSettings, logPort: MessagePort): Promise<ExecutionHandle> {
  const pool = new Piscina({ filename: TASK_FILE, minThreads: 1, maxThreads: 1, idleTimeout: Infinity, concurrentTasksPerWorker: 1, atomics: 'disabled' });
  const control = new MessageChannel();
  const frames = new MessageChannel();
  const task: Promise<void> = pool.run({ settings, control: control.port2, privatePort: frames.port2, logPort } satisfies ExecutionTask, {
    transferList: [control.port2, frames.port2, logPort],
  });
  let stopping: Promise<ExecutionStopReport> | undefined;
  const failure = new Promise<Error>((resolve) => {
    task.then(
      () => {
        if (stopping === undefined) resolve(new Error('the execution actor ended before it was told to stop'));
      },
      (error: unknown) => resolve(error instanceof Error ? error : new Error(String(error))),
    );
  });
  const remote = Comlink.wrap<ExecutionControl>(control.port1 as unknown as Comlink.Endpoint);
  try {
    await Promise.race([remote.status(), failure.then((error) => Promise.reject(error))]);
  } catch (error) {
    control.port1.close();
    frames.port1.close();
    await pool.destroy();
    throw new Error(`the execution actor failed to start: ${(error as Error).message}`);
  }

  let batch: string[] = [];
  let scheduled = false;
  const post = (): void => {
    scheduled = false;
    if (batch.length === 0) return;
    frames.port1.postMessage({ kind: 'PrivateFramesPosted', frames: batch } satisfies PrivateFramesPosted);
    batch = [];
  };

  return {
    failure,
    connectShard(): MessagePort {
      const channel = new MessageChannel();
      void remote.addShard(Comlink.transfer(channel.port1, [channel.port1] as never));
      return channel.port2;
    },
    forward(frame: string): void {
      if (stopping !== undefined) return;
      batch.push(frame);
      if (!scheduled) {
        scheduled = true;
        setImmediate(post);
      }
    },
    status: () => remote.status(),
    cancelAll: (reason) => remote.cancelAll(reason),
    reconcile: (policy) => remote.reconcile(policy),
    addTickers: (tickers, policy) => remote.addTickers([...tickers], policy),
    resync: () => remote.resync(),
    control: (action, ticker, who) => remote.control(action, ticker, who),
    stop(reason: string): Promise<ExecutionStopReport> {
      stopping ??= (async () => {
        post();
        try {
          return await remote.stop(reason);
        } finally {
          await task.catch(() => undefined);
          remote[Comlink.releaseProxy]();
          control.port1.close();
          frames.port1.close();
          await pool.close();
        }
      })();
      return stopping;
    },
  };
}
