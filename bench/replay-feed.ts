/**
 * A replay server in its own process, feeding one workload at a pace; the key material
 * every client of the bench signs with.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { parseRsaPrivateKey } from '../src/protocol/auth.js';
import { makeDevKey } from '../src/sim/index.js';
import { forkBench, type BenchChild } from './child-process.js';
import type { Workload } from './workloads.js';

export interface BenchKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly privateKeyPath: string;
  readonly keysFile: string;
}

/** The simulator's dev key files (as `mm sim --make-key` writes them) in `directory`, and the private key parsed. */
export function makeBenchKey(directory: string): BenchKey {
  const { keyId, privateKeyPath, keysFile } = makeDevKey(directory);
  return { keyId, privateKey: parseRsaPrivateKey(readFileSync(privateKeyPath, 'utf8')), privateKeyPath, keysFile };
}

export interface ReplayFeed {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** The first `frames` frames at `rate` frames per second. */
export interface FeedWarmup {
  readonly frames: number;
  readonly rate: number;
}

/** `rate` = frames per second, or 'as fast as read'; after the warm-up, if any. */
export async function startFeed(workload: Workload, key: BenchKey, rate: number | 'as fast as read', warmup?: FeedWarmup): Promise<ReplayFeed> {
  const speed = (perSecond: number | 'as fast as read'): string => (perSecond === 'as fast as read' ? 'fast' : String(perSecond / workload.recordedRate));
  const warmupArgs = warmup ? [String(warmup.frames), speed(warmup.rate)] : [];
  const child: BenchChild = forkBench('./replay-server-process.ts', [workload.path, key.keysFile, speed(rate), ...warmupArgs]);
  const { url } = await child.next<{ url: string }>('listening');
  return {
    url,
    pid: child.process.pid,
    stop: async () => {
      if (child.process.connected) child.send({ kind: 'stop' });
      await child.exited;
    },
  };
}
