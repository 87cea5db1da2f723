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
  stop(): Promise<void>;
}

/** `rate` = frames per second, or 'as fast as read'. */
export async function startFeed(workload: Workload, key: BenchKey, rate: number | 'as fast as read'): Promise<ReplayFeed> {
  const pace = rate === 'as fast as read' ? 'fast' : String(rate / workload.recordedRate);
  const child: BenchChild = forkBench('./replay-server-process.ts', [workload.path, key.keysFile, pace]);
  const { url } = await child.next<{ url: string }>('listening');
  return {
    url,
    stop: async () => {
      if (child.process.connected) child.send({ kind: 'stop' });
      await child.exited;
    },
  };
}
