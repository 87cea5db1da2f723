/**
 * Frames per second the exchange simulator pushes to one bare `ws` client on this machine.
 * The simulator runs here with markets advanced by step() as fast as the client drains
 * them (the send backlog is kept under a bound), at rates far above the defaults (2,000
 * events/s per normal market, no practical total cap); the client runs in a worker
 * thread, counts frames and does nothing else.
 *
 *   node --import tsx bench/sim-throughput.ts [--seconds 5] [--markets 50]
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { authHeaders, parseRsaPrivateKey } from '../src/protocol/auth.js';
import { generateKeyPair, startSimulator } from '../src/sim/index.js';

const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const socket = new WebSocket(workerData.url, { headers: workerData.headers, perMessageDeflate: false });
let frames = 0;
socket.on('message', () => { frames += 1; });
socket.on('open', () => {
  socket.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta', 'trade', 'ticker'], market_tickers: workerData.tickers } }));
  parentPort.postMessage({ open: true });
});
const timer = setInterval(() => parentPort.postMessage({ frames }), 100);
parentPort.on('message', () => { clearInterval(timer); socket.close(); parentPort.close(); });
`;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const seconds = option('seconds', 5);
const markets = option('markets', 50);
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

const pair = generateKeyPair();
const sim = await startSimulator({
  markets,
  seed: 1,
  autoRun: false,
  keys: { [pair.keyId]: pair.publicKeyPem },
  ratePerMarket: 2000,
  maxRateTotal: 10_000_000,
  closeChancePerStep: 0,
  pingIntervalMs: 0,
});
const worker = new Worker(CLIENT, {
  eval: true,
  workerData: {
    url: sim.url,
    headers: authHeaders(pair.keyId, parseRsaPrivateKey(pair.privateKeyPem), Date.now()),
    tickers: sim.tickers,
    wsPath: createRequire(import.meta.url).resolve('ws'),
  },
});
let received = 0;
let open = false;
worker.on('message', (message: { open?: boolean; frames?: number }) => {
  if (message.open) open = true;
  if (message.frames !== undefined) received = message.frames;
});
while (!open) await new Promise((resolve) => setTimeout(resolve, 10));

const warmUpMs = 1000;
const startedAt = Date.now();
let measuredFrom: { at: number; frames: number } | undefined;
while (Date.now() - startedAt < warmUpMs + seconds * 1000) {
  if (!measuredFrom && Date.now() - startedAt >= warmUpMs) measuredFrom = { at: Date.now(), frames: received };
  if (sim.stats().bufferedBytes < MAX_BACKLOG_BYTES) sim.step(1);
  await new Promise((resolve) => setImmediate(resolve));
}
const elapsed = (Date.now() - measuredFrom!.at) / 1000;
const frames = received - measuredFrom!.frames;
const stats = sim.stats();
worker.postMessage('stop');
await new Promise((resolve) => worker.once('exit', resolve));
await sim.close();

const perSecond = Math.round(frames / elapsed);
const bytesPerFrame = Math.round(stats.bytesSent / stats.framesSent);
process.stdout.write(
  `sim-throughput: ${perSecond} frames/s to one client (${frames} frames in ${elapsed.toFixed(1)} s, ` +
    `${markets} markets, orderbook_delta + trade + ticker, ~${bytesPerFrame} bytes/frame; ` +
    `${cpus().length} vCPU, Node ${process.versions.node})\n`,
);
