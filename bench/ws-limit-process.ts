/**
 * The bare `ws` client of bench/ws-limit.ts, in a process of its own.
 *
 *   argv: JSON BareClientOptions;  IPC out: {kind: 'rate', rate} (frames per second)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openSocket } from '../src/adapters/kalshi/handshake.js';
import { authHeaders, parseRsaPrivateKey } from '../src/protocol/auth.js';
import { tellParent } from './child-process.js';

export interface BareClientOptions {
  readonly url: string;
  readonly keyId: string;
  readonly keyPath: string;
  readonly tickers: readonly string[];
  /** frames the feed sends */
  readonly frames: number;
  /** frames received before this one are not counted (the warm-up) */
  readonly countFrom: number;
  readonly parse: boolean;
}

async function measure(options: BareClientOptions): Promise<number> {
  const privateKey = parseRsaPrivateKey(readFileSync(options.keyPath, 'utf8'));
  const socket = await openSocket({
    url: options.url,
    keyId: options.keyId,
    headers: authHeaders(options.keyId, privateKey, Date.now()),
    handshakeTimeoutMs: 10_000,
  });
  const { frames, countFrom, parse } = options;
  let received = 0;
  let firstAt = 0;
  const done = new Promise<number>((resolve) => {
    socket.on('message', (data: Buffer) => {
      if (parse) JSON.parse(data.toString('utf8'));
      if (received === countFrom) firstAt = performance.now();
      if (++received === frames) resolve(performance.now());
    });
  });
  socket.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: options.tickers } }));
  const lastAt = await done;
  socket.close();
  return ((frames - 1 - countFrom) / (lastAt - firstAt)) * 1000;
}

const options = JSON.parse(process.argv[2]!) as BareClientOptions;
tellParent({ kind: 'rate', rate: await measure(options) });
process.disconnect();
