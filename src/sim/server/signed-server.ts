/**
 * The server core shared by the simulator and the replay server: one HTTP server on
 * loopback that upgrades signed requests on the WebSocket path, keeps connections alive
 * with pings (payload `heartbeat`) and drops those that stop answering, and routes signed
 * REST calls. It knows nothing about markets: callers get authenticated Connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AUTH_HEADERS } from '../../protocol/wire.js';
import { after, type Clock, type TimerHandle } from '../../clock/clock.js';
import type { RestFault } from '../faults.js';
import { Connection } from './connection.js';
import type { KeyRegistry } from './key-registry.js';
import { findRoute, restError, type RestResponse, type RestRoute } from './rest.js';

export interface SignedServerOptions {
  host: string;
  port: number;
  wsPath: string;
  restPrefix: string;
  clock: Clock;
  keys: KeyRegistry;
  maxSkewMs: number;
  pingIntervalMs: number;
  routes: readonly RestRoute[];
  onConnection(connection: Connection): void;
  /** asked once per REST write (any method but GET) that passed authentication: a fault to play, if any */
  restFault?: () => RestFault | undefined;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_FRAME_BYTES = 1024 * 1024;

export class SignedServer {
  readonly connections = new Set<Connection>();
  private nextConnectionId = 1;
  private pingTimer: TimerHandle | undefined;
  /** REST answers held back by a rest_timeout fault */
  private readonly heldAnswers = new Set<TimerHandle>();
  private readonly http = createServer((request, response) => this.handleRequest(request, response));
  private readonly sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES, autoPong: false });

  constructor(private readonly options: SignedServerOptions) {
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(request, socket, head));
    this.http.on('clientError', (_error, socket) => socket.destroy());
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://${this.options.host}:${this.port}${this.options.wsPath}`;
  }

  get restUrl(): string {
    return `http://${this.options.host}:${this.port}${this.options.restPrefix}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        this.schedulePing();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.pingTimer !== undefined) this.options.clock.clearTimer(this.pingTimer);
    this.pingTimer = undefined;
    for (const timer of this.heldAnswers) this.options.clock.clearTimer(timer);
    this.heldAnswers.clear();
    for (const connection of [...this.connections]) connection.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0]!;
    if (path !== this.options.wsPath) {
      refuseUpgrade(socket, 404, 'Not Found', 'unknown path');
      return;
    }
    const { keys, clock, maxSkewMs } = this.options;
    const auth = keys.verify(request.headers, 'GET', path, clock.now(), maxSkewMs);
    if (!auth.ok) {
      refuseUpgrade(socket, 401, 'Unauthorized', auth.reason);
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (webSocket) => {
      const connection = new Connection(this.nextConnectionId++, auth.keyId, webSocket, socket as Socket, clock);
      this.connections.add(connection);
      connection.onClose(() => this.connections.delete(connection));
      this.options.onConnection(connection);
    });
  }

  private schedulePing(): void {
    const { clock, pingIntervalMs } = this.options;
    if (pingIntervalMs <= 0) return;
    this.pingTimer = after(
      clock,
      () => {
        for (const connection of [...this.connections]) {
          if (connection.awaitingPong) connection.terminate();
          else connection.ping('heartbeat');
        }
        this.schedulePing();
      },
      pingIntervalMs,
    );
  }

  private handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://loopback');
    const method = (request.method ?? 'GET').toUpperCase();
    const found = url.pathname.startsWith(this.options.restPrefix) ? findRoute(this.options.routes, method, url.pathname) : undefined;
    if (!found) {
      respond(response, restError(404, 'not_found', `no route for ${method} ${url.pathname}`));
      return;
    }
    const { keys, clock, maxSkewMs } = this.options;
    const unsigned = found.route.public === true && request.headers[AUTH_HEADERS.key.toLowerCase()] === undefined;
    const auth = unsigned ? ({ ok: true, keyId: '' } as const) : keys.verify(request.headers, method, url.pathname, clock.now(), maxSkewMs);
    if (!auth.ok) {
      respond(response, restError(401, 'unauthorized', auth.reason));
      return;
    }
    readBody(request, (body) => {
      if (body === undefined) {
        respond(response, restError(413, 'payload_too_large', `request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      let parsed: unknown;
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body);
        } catch {
          respond(response, restError(400, 'invalid_json', 'request body is not valid JSON'));
          return;
        }
      }
      const fault = method === 'GET' ? undefined : this.options.restFault?.();
      if (fault?.kind === 'rest_error') {
        respond(response, restError(503, 'service_unavailable', 'the service is unavailable, try again'));
        return;
      }
      if (fault?.kind === 'rest_timeout') {
        // nothing is done and nothing answered; after a while the connection is closed
        const timer = after(
          clock,
          () => {
            this.heldAnswers.delete(timer);
            request.socket.destroy();
          },
          fault.holdMs,
        );
        this.heldAnswers.add(timer);
        return;
      }
      let result: RestResponse;
      try {
        result = found.route.handle({
          method,
          path: url.pathname,
          query: url.searchParams,
          keyId: auth.keyId,
          body: parsed,
          params: found.params,
        });
      } catch (err) {
        result = restError(500, 'internal_error', (err as Error).message);
      }
      // rest_lost: the request was carried out, its answer never arrives
      if (fault?.kind === 'rest_lost') request.socket.destroy();
      else respond(response, result);
    });
  }
}

export async function startSignedServer(options: SignedServerOptions): Promise<SignedServer> {
  const server = new SignedServer(options);
  await server.listen();
  return server;
}

function refuseUpgrade(socket: Duplex, status: number, statusText: string, reason: string): void {
  const body = Buffer.from(reason, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\n` + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${reason}`,
  );
}

function readBody(request: IncomingMessage, done: (body: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  request.on('end', () => done(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
  request.on('error', () => done(undefined));
}

function respond(response: ServerResponse, result: RestResponse): void {
  if (result.body === undefined) {
    response.writeHead(result.status, { 'Content-Length': 0 });
    response.end();
    return;
  }
  const text = JSON.stringify(result.body);
  response.writeHead(result.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
