/**
 * A replay server in its own process, feeding one workload at a pace; the key material
 * every client of the bench signs with.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { parseRsaPrivateKey } from '../src/protocol/auth.js';
import { generateKeyPair } from '../src/sim/index.js';
import { forkBench, type BenchChild } from './child-process.js';
import type { Workload } from './workloads.js';

export interface BenchKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly privateKeyPath: string;
  readonly keysFile: string;
}

export function makeBenchKey(directory: string): BenchKey {
  const pair = generateKeyPair();
  const privateKeyPath = join(directory, 'bench-key.pem');
  const keysFile = join(directory, 'bench-keys.json');
  writeFileSync(privateKeyPath, pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(keysFile, JSON.stringify({ [pair.keyId]: pair.publicKeyPem }));
  return { keyId: pair.keyId, privateKey: parseRsaPrivateKey(pair.privateKeyPem), privateKeyPath, keysFile };
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
