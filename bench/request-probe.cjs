'use strict';
/**
 * A bench probe preloaded (`node --require`) into every thread of the engine process under
 * measurement (bench/execution-engine-process.ts): it stamps each order request the REST
 * client sends, through undici's public diagnostics channels, so the runtime's code is
 * unchanged. Plain JavaScript because a `--require` preload runs in each worker thread
 * before any TypeScript loader is there.
 *
 * For every order-entry request (create, amend, decrease, cancel, batched, lookups) it keeps
 * the kind, the client order id it is for (create: client_order_id; amend:
 * updated_client_order_id), and three times in ms of CLOCK_MONOTONIC (process.hrtime,
 * comparable between the threads and processes of one machine): made (undici's request
 * created), sent (the whole request written to the socket: it has left the process) and
 * answered (the response's status line read). It also learns its own thread's Linux tid
 * (from /proc/thread-self), so that the bench can read that thread's CPU time.
 *
 * The bench asks with a BroadcastChannel message {kind: 'dump', clear}; each thread that
 * has seen a request answers {kind: 'records', threadId, tid, records}.
 */
const { subscribe } = require('node:diagnostics_channel');
const { readlinkSync } = require('node:fs');
const { BroadcastChannel, threadId } = require('node:worker_threads');

const CHANNEL = 'kalshi-mm-bench-request-probe';
const ORDERS_PATH = /\/portfolio\/(?:events\/orders(?:\/(batched)|\/([^/?]+)(?:\/(amend|decrease))?)?|orders)(?:[/?]|$)/;

const records = [];
const open = new WeakMap();
let tid;

function monotonicMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function ownTid() {
  try {
    const link = readlinkSync('/proc/thread-self'); // "<pid>/task/<tid>"
    return Number(link.split('/').pop());
  } catch {
    return undefined;
  }
}

function kindOf(method, path) {
  const match = ORDERS_PATH.exec(path);
  if (!match) return undefined;
  const [, batched, orderId, action] = match;
  if (method === 'GET') return 'lookup';
  if (method === 'POST')
    return batched ? 'batch_create' : action === 'amend' ? 'amend' : action === 'decrease' ? 'decrease' : orderId === undefined ? 'create' : undefined;
  if (method === 'DELETE') return batched ? 'batch_cancel' : orderId !== undefined ? 'cancel' : 'cancel_all';
  return undefined;
}

function clientOrderIdOf(kind, body) {
  if ((kind !== 'create' && kind !== 'amend') || body === null || body === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body));
    const id = kind === 'create' ? parsed.client_order_id : parsed.updated_client_order_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

subscribe('undici:request:create', ({ request }) => {
  const kind = kindOf(request.method, request.path);
  if (kind === undefined) return;
  if (tid === undefined) tid = ownTid();
  open.set(request, {
    kind,
    clientOrderId: clientOrderIdOf(kind, request.body),
    madeAtMs: monotonicMs(),
    sentAtMs: undefined,
    answeredAtMs: undefined,
    status: 0,
  });
});

subscribe('undici:request:bodySent', ({ request }) => {
  const record = open.get(request);
  if (record) record.sentAtMs = monotonicMs();
});

subscribe('undici:request:headers', ({ request, response }) => {
  const record = open.get(request);
  if (!record) return;
  record.answeredAtMs = monotonicMs();
  record.status = response.statusCode;
  open.delete(request);
  records.push(record);
});

subscribe('undici:request:error', ({ request }) => {
  const record = open.get(request);
  if (!record) return;
  record.status = -1;
  open.delete(request);
  records.push(record);
});

const channel = new BroadcastChannel(CHANNEL);
channel.unref();
channel.onmessage = (event) => {
  const message = event.data;
  if (!message || message.kind !== 'dump' || tid === undefined) return;
  channel.postMessage({ kind: 'records', threadId, tid, records: message.clear ? records.splice(0) : [] });
};
