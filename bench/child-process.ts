/**
 * Bench helpers for the parts that run in a process of their own (the replay server, the
 * engine under test): fork a TypeScript file with tsx and talk to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchChild {
  readonly process: ChildProcess;
  /** The next IPC message with this `kind`. */
  next<T>(kind: string): Promise<T>;
  send(message: unknown): void;
  /** resolves with the exit code */
  readonly exited: Promise<number | null>;
}

interface Tagged {
  readonly kind: string;
}

export function forkBench(file: string, args: readonly string[] = [], nodeOptions: readonly string[] = []): BenchChild {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [...args], {
    execArgv: [...nodeOptions, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queued: Tagged[] = [];
  const waiting: Array<{ kind: string; resolve: (message: Tagged) => void; reject: (error: Error) => void }> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('message', (message: Tagged) => {
    const index = waiting.findIndex((waiter) => waiter.kind === message.kind);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else queued.push(message);
  });
  void exited.then((code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${file} exited with code ${code} while waiting for ${waiter.kind}`));
  });
  return {
    process: child,
    exited,
    send: (message) => child.send(message as object),
    next: <T>(kind: string) =>
      new Promise<T>((resolve, reject) => {
        const index = queued.findIndex((message) => message.kind === kind);
        if (index >= 0) resolve(queued.splice(index, 1)[0] as T);
        else if (child.exitCode !== null) reject(new Error(`${file} has exited`));
        else waiting.push({ kind, resolve: resolve as (message: Tagged) => void, reject });
      }),
  };
}

/** In the child: a typed send to the parent. */
export function tellParent(message: Tagged & Record<string, unknown>): void {
  process.send?.(message);
}
