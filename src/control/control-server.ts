/**
 * The control surface: Prometheus metrics, the state as JSON, a live status page fed by
 * server-sent events, and the four control actions behind a bearer token.
 *
 * Plain node:http: eight fixed routes need no router, and the event stream wants the raw
 * response (flush, backpressure) that frameworks wrap. Reads (page, state, metrics, events)
 * are open to whoever can reach the socket, which is loopback unless configured otherwise;
 * actions always need the token.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlConfigError, authorizes, checkToken, generateToken, isLoopbackHost, writeTokenFile } from './access.js';
import { CONTROL_ACTIONS } from './engine-state.js';
import type { ControlAction, ControlActions, ControlEvent, EngineStateSource } from './engine-state.js';
import { EventStream } from './event-stream.js';
import type { IntervalTimers } from './event-stream.js';
import { ControlMetrics } from './metrics.js';
import { DEFAULT_UI_DIR, loadStatusPage } from './status-page.js';
import type { StatusPage } from './status-page.js';

export { ControlConfigError } from './access.js';

export interface ControlServerOptions {
  /** bind address; default 127.0.0.1. Any other than loopback needs a configured token. */
  readonly host?: string;
  /** 0 = any free port */
  readonly port: number;
  /** the bearer token for actions; '' = generate one and write it to `tokenFile` */
  readonly token: string;
  /** where a generated token is written (mode 0600); needed when `token` is '' */
  readonly tokenFile?: string;
  readonly source: EngineStateSource;
  readonly actions: ControlActions;
  readonly log: (event: ControlEvent) => void;
  /** state pushes per second to each page, at most; default 2 */
  readonly eventsPerSecond?: number;
  /** at most this many pages streaming at once; default 32 */
  readonly maxEventClients?: number;
  /** the built status page; default dist/control-ui */
  readonly uiDir?: string;
  /** timers of the event stream (tests pass fake ones) */
  readonly timers?: IntervalTimers;
}

export interface ControlServer {
  /** e.g. http://127.0.0.1:9464/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** the token in force (configured or generated) */
  readonly token: string;
  /** where the generated token was written; undefined when the token was configured */
  readonly tokenFile: string | undefined;
  /** Ends every stream and connection and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const MAX_EVENTS_PER_SECOND = 20;
const MAX_BODY_BYTES = 64 * 1024;
const TICKER_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
// the page loads its own script and style and talks to this server only
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function checkOptions(options: ControlServerOptions): { host: string; intervalMs: number; maxClients: number } {
  const host = options.host === undefined || options.host.trim() === '' ? DEFAULT_HOST : options.host.trim();
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new ControlConfigError(`control.port must be an integer in 0..65535 (0 = any free port), got ${String(options.port)}`);
  }
  if (typeof options.token !== 'string') throw new ControlConfigError('control.token must be a string (empty to generate one)');
  if (options.token === '') {
    if (!isLoopbackHost(host)) {
      throw new ControlConfigError(`control.host ${host} is not loopback: set control.token, or bind 127.0.0.1`);
    }
    if (options.tokenFile === undefined || options.tokenFile.trim() === '') {
      throw new ControlConfigError('control.token is empty and no token file was given to write the generated one to');
    }
  } else {
    checkToken(options.token);
  }
  const perSecond = options.eventsPerSecond ?? 2;
  if (typeof perSecond !== 'number' || !(perSecond > 0) || perSecond > MAX_EVENTS_PER_SECOND) {
    throw new ControlConfigError(`events per second must be above 0 and at most ${MAX_EVENTS_PER_SECOND}, got ${String(perSecond)}`);
  }
  const maxClients = options.maxEventClients ?? 32;
  if (!Number.isInteger(maxClients) || maxClients < 1) {
    throw new ControlConfigError(`max event clients must be a positive integer, got ${String(maxClients)}`);
  }
  return { host, intervalMs: 1000 / perSecond, maxClients };
}

/** Remote address and user agent, as one line for the log and the action. */
function whoOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown address';
  const port = request.socket.remotePort;
  const agent = (request.headers['user-agent'] ?? '').replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200);
  return `${address}${port === undefined ? '' : `:${port}`} (${agent === '' ? 'no user agent' : agent})`;
}

/** The Host header names this server (a loopback name) — refuses pages from elsewhere rebinding a name to 127.0.0.1. */
function hostAllowed(request: IncomingMessage, loopbackBind: boolean): boolean {
  if (!loopbackBind) return true;
  const header = request.headers.host;
  if (header === undefined) return true; // not a browser: rebinding needs one
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
  return isLoopbackHost(name);
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { ...COMMON_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the control server; resolves once it listens. Throws ControlConfigError on an unsafe or invalid configuration. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { host, intervalMs, maxClients } = checkOptions(options);
  const { source, actions, log } = options;
  const loopbackBind = isLoopbackHost(host);
  const token = options.token === '' ? generateToken() : options.token;
  const tokenFile = options.token === '' ? options.tokenFile!.trim() : undefined;
  if (tokenFile !== undefined) {
    try {
      await writeTokenFile(tokenFile, token);
    } catch (error) {
      throw new ControlConfigError(`cannot write the control token to ${tokenFile}: ${messageOf(error)}`);
    }
  }
  const page: StatusPage = await loadStatusPage(options.uiDir ?? DEFAULT_UI_DIR);
  if (!page.built) log({ level: 'warn', kind: 'control', message: `status page not served: ${page.reason}` });

  const metrics = new ControlMetrics();
  let lastSampleError: string | undefined;
  const sampleFailed = (where: string, error: unknown): void => {
    const message = messageOf(error);
    if (message === lastSampleError) return; // once per distinct failure, not once per scrape
    lastSampleError = message;
    log({ level: 'error', kind: 'control', message: `${where}: state sample unusable: ${message}` });
  };
  const stream = new EventStream({
    intervalMs,
    latest: () => source.latest(),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    onError: (error) => sampleFailed('events', error),
  });
  const streams = new Set<ServerResponse>();

  async function handleAction(action: ControlAction, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const who = whoOf(request);
    if (!authorizes(request.headers.authorization, token)) {
      log({ level: 'warn', kind: 'control', message: `${action} refused: missing or wrong token, from ${who}`, data: { action, who } });
      sendJson(response, 401, { ok: false, error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer realm="kalshi-mm control"' });
      return;
    }
    const tickers = url.searchParams.getAll('ticker');
    if (action === 'reload' && tickers.length > 0) {
      sendJson(response, 400, { ok: false, error: 'reload takes no ticker: it reads the whole config file again' });
      return;
    }
    if (tickers.length > 1) {
      sendJson(response, 400, { ok: false, error: 'give at most one ticker' });
      return;
    }
    const ticker = tickers[0];
    if (ticker !== undefined) {
      if (!TICKER_PATTERN.test(ticker)) {
        sendJson(response, 400, { ok: false, error: `not a ticker: ${JSON.stringify(ticker.slice(0, 200))}` });
        return;
      }
      let known: boolean;
      try {
        known = source.latest().markets.some((market) => market.ticker === ticker);
      } catch (error) {
        sampleFailed('actions', error);
        sendJson(response, 503, { ok: false, error: `state unavailable: ${messageOf(error)}` });
        return;
      }
      if (!known) {
        sendJson(response, 404, { ok: false, error: `no configured market ${ticker}` });
        return;
      }
    }
    const target = ticker ?? 'all markets';
    log({
      level: 'info',
      kind: 'control',
      message: `${action} ${target} requested by ${who}`,
      ...(ticker === undefined ? {} : { ticker }),
      data: { action, who },
    });
    let result: { ok: boolean; message: string };
    try {
      result = await actions.perform(action, ticker, who);
      if (typeof result?.ok !== 'boolean' || typeof result.message !== 'string') throw new Error('the engine answered without { ok, message }');
    } catch (error) {
      log({
        level: 'error',
        kind: 'control',
        message: `${action} ${target} failed: ${messageOf(error)}`,
        ...(ticker === undefined ? {} : { ticker }),
        data: { action, who },
      });
      sendJson(response, 500, { ok: false, action, ticker: ticker ?? null, error: messageOf(error) });
      return;
    }
    log({
      level: result.ok ? 'info' : 'warn',
      kind: 'control',
      message: `${action} ${target}: ${result.ok ? 'done' : 'not done'}: ${result.message}`,
      ...(ticker === undefined ? {} : { ticker }),
      data: { action, who, ok: result.ok },
    });
    sendJson(response, result.ok ? 200 : 409, { ok: result.ok, action, ticker: ticker ?? null, message: result.message });
  }

  function handleEvents(request: IncomingMessage, response: ServerResponse): void {
    if (stream.size >= maxClients) {
      sendJson(response, 503, { ok: false, error: `too many status pages open (${maxClients})` }, { 'retry-after': '5' });
      return;
    }
    request.socket.setNoDelay(true);
    request.socket.setTimeout(0);
    response.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.flushHeaders();
    streams.add(response);
    const stop = stream.add(response);
    const done = (): void => {
      stop();
      streams.delete(response);
    };
    response.on('close', done);
    response.on('error', done);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request, loopbackBind)) {
      sendJson(response, 403, { ok: false, error: 'this server answers to loopback host names only' });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://control.invalid');
    const method = request.method ?? 'GET';
    const path = url.pathname === '/index.html' ? '/' : url.pathname;
    const reading = method === 'GET' || method === 'HEAD';
    const onlyGet = (): void => sendJson(response, 405, { ok: false, error: `${method} not allowed on ${path}` }, { allow: 'GET, HEAD' });

    const actionMatch = /^\/api\/([a-z]+)$/.exec(path);
    const action = actionMatch !== null && (CONTROL_ACTIONS as readonly string[]).includes(actionMatch[1]!) ? (actionMatch[1] as ControlAction) : undefined;
    if (action !== undefined) {
      if (method !== 'POST') {
        sendJson(response, 405, { ok: false, error: `${path} takes POST` }, { allow: 'POST' });
        return;
      }
      const length = Number(request.headers['content-length'] ?? 0);
      if (length > MAX_BODY_BYTES) {
        sendJson(response, 413, { ok: false, error: 'actions take no body' }, { connection: 'close' });
        return;
      }
      request.resume(); // a body, if any, means nothing: read and drop it
      await handleAction(action, request, response, url);
      return;
    }
    if (path === '/metrics') {
      if (!reading) return onlyGet();
      try {
        const text = await metrics.render(source.latest());
        lastSampleError = undefined;
        send(response, 200, metrics.contentType, text);
      } catch (error) {
        sampleFailed('metrics', error);
        send(response, 500, 'text/plain; charset=utf-8', `state sample unusable: ${messageOf(error)}\n`);
      }
      return;
    }
    if (path === '/api/state') {
      if (!reading) return onlyGet();
      let body: string;
      try {
        body = JSON.stringify(source.latest());
      } catch (error) {
        sampleFailed('state', error);
        sendJson(response, 500, { ok: false, error: `state sample unusable: ${messageOf(error)}` });
        return;
      }
      send(response, 200, 'application/json; charset=utf-8', body);
      return;
    }
    if (path === '/events') {
      if (method !== 'GET') return onlyGet();
      handleEvents(request, response);
      return;
    }
    if (page.built && page.files.has(path)) {
      if (!reading) return onlyGet();
      const file = page.files.get(path)!;
      const headers: Record<string, string> = path === '/' ? { 'content-security-policy': PAGE_POLICY, 'x-frame-options': 'DENY' } : {};
      send(response, 200, file.type, file.body, headers);
      return;
    }
    if (path === '/' && !page.built) {
      send(response, 503, 'text/plain; charset=utf-8', `status page not built: ${page.reason}\nthe API works: /api/state, /metrics\n`);
      return;
    }
    sendJson(response, 404, { ok: false, error: `no route ${path}` });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log({ level: 'error', kind: 'control', message: `request ${request.method} ${request.url} failed: ${messageOf(error)}` });
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: 'internal error' });
      else response.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => reject(new ControlConfigError(`control server cannot listen on ${host}:${options.port}: ${error.message}`));
    server.once('error', failed);
    server.listen({ host, port: options.port }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (error) => log({ level: 'error', kind: 'control', message: `control server: ${error.message}` }));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  log({
    level: 'info',
    kind: 'control',
    message: `control surface on ${url}${tokenFile === undefined ? '' : `, token in ${tokenFile}`}`,
    data: { url, tokenFile },
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    token,
    tokenFile,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        stream.close();
        for (const response of streams) response.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
