/**
 * The exchange simulator in a process of its own, for the runs that trade against it (the
 * soak, the execution bench): the engine under test is another process, so each has its
 * own RSS and its own cores to compete for.
 *
 * Every REST request is observed on arrival through Node's `http.server.request.start`
 * diagnostics channel (nothing in the simulator changes): counted by kind and by answer,
 * and, with `recordWrites`, kept with its arrival time (CLOCK_MONOTONIC, comparable with
 * the engine process's stamps on the same machine) and the fields of its body that say
 * which order and price it is about.
 *
 *   argv: JSON SimProcessOptions
 *   IPC out: {kind: 'listening', url, restUrl, tickers}, {kind: 'stats', stats}, {kind: 'writes', writes}
 *   IPC in:  {kind: 'stats'}, {kind: 'writes'} (hands over what was recorded and forgets it), {kind: 'stop'}
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readKeysFile, startSimulator } from '../src/sim/index.js';
import { tellParent } from './child-process.js';
import { monotonicMs, ordersPathParts, requestKind, ticksOf, type SimProcessOptions, type SimProcessStats, type WriteRecord } from './sim-requests.js';

const options = JSON.parse(process.argv[2]!) as SimProcessOptions;
const received: Record<string, number> = {};
const answered: Record<string, number> = {};
let writes: WriteRecord[] = [];

function readBody(request: IncomingMessage, record: WriteRecord): void {
  const chunks: Buffer[] = [];
  // a second listener: the simulator's own reads the same chunks
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (typeof body.ticker === 'string') record.ticker = body.ticker;
      if (typeof body.side === 'string') record.side = body.side;
      const price = ticksOf(body.price);
      if (price !== undefined) record.price = price;
      if (typeof body.client_order_id === 'string') record.clientOrderId = body.client_order_id;
      if (typeof body.updated_client_order_id === 'string') record.updatedClientOrderId = body.updated_client_order_id;
    } catch {
      // not JSON: the simulator answers 400; the record keeps its kind and time
    }
  });
}

subscribe('http.server.request.start', (message) => {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const atMs = monotonicMs();
  const kind = requestKind(request.method ?? 'GET', request.url ?? '/');
  received[kind] = (received[kind] ?? 0) + 1;
  let record: WriteRecord | undefined;
  if (options.recordWrites && kind !== 'read') {
    record = { kind, atMs, status: 0 };
    const orderId = ordersPathParts(request.url ?? '')?.orderId;
    if (orderId !== undefined) record.orderId = orderId;
    if (kind === 'create' || kind === 'amend') readBody(request, record);
    writes.push(record);
  }
  response.once('finish', () => {
    const status = String(response.statusCode);
    answered[status] = (answered[status] ?? 0) + 1;
    if (record) record.status = response.statusCode;
  });
});

const sim = await startSimulator({
  tickers: [...options.tickers],
  seed: options.seed,
  keys: readKeysFile(options.keysFile),
  rateLimit: options.rateLimit,
  ratePerMarket: options.ratePerMarket,
  maxRateTotal: options.maxRateTotal,
  ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
});
let closing: Promise<void> | undefined;
const close = (): Promise<void> => (closing ??= sim.close());
tellParent({ kind: 'listening', url: sim.url, restUrl: sim.restUrl, tickers: [...sim.tickers] });
process.on('message', (message: { kind?: string }) => {
  if (message.kind === 'stats') {
    tellParent({ kind: 'stats', stats: { sim: sim.stats(), received: { ...received }, answered: { ...answered } } satisfies SimProcessStats });
  } else if (message.kind === 'writes') {
    tellParent({ kind: 'writes', writes });
    writes = [];
  } else if (message.kind === 'stop') {
    void close().then(() => process.disconnect());
  }
});
// the parent went away without a stop: do not linger
process.on('disconnect', () => void close().then(() => process.exit(0)));
