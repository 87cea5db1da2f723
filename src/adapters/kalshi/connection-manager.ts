/**
 * Keeps one authenticated exchange socket alive.
 *
 * - Every attempt signs fresh headers (the timestamp is part of the signature).
 * - A failed attempt or a session that dies before `healthyAfterMs` is retried by the
 *   exponential-backoff package: delays grow by 2x from `startingDelayMs` up to
 *   `maxDelayMs`, each one drawn uniformly from [0, delay] (full jitter). A session that
 *   stayed up for `healthyAfterMs` resets the schedule; its successor connects at once.
 * - A fatal handshake refusal (bad key or signature, wrong URL) ends `run()` with that
 *   error: no retries.
 * - Liveness: no frame at all (data or ping) for `livenessTimeoutMs` counts as a dead
 *   connection (Kalshi pings every 10 s).
 * - `stop()` ends the current session and any retry. A retry delay already waiting runs
 *   out on its own (the package offers no cancel); nothing connects after a stop.
 */
import { backOff } from 'exponential-backoff';
import type { TimeSource } from '../../clock/clock.js';
import type { ClientCommand } from '../../protocol/wire.js';
import { HandshakeRefused } from './handshake.js';

/** The parts of a `ws` client socket the manager uses. */
export interface ExchangeSocket {
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'ping', listener: () => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** a WebSocket ping (the engine's own, answered by a pong) */
  ping?(): void;
  readonly readyState: number;
}

const OPEN = 1;

export interface ConnectionSettings {
  readonly startingDelayMs: number;
  readonly maxDelayMs: number;
  readonly healthyAfterMs: number;
  readonly livenessTimeoutMs: number;
  /** how often the engine pings the exchange itself, so that a frozen one is found out (default 3 s) */
  readonly pingIntervalMs?: number;
  /** how long a closing socket may take to answer the close before it is cut (default 2 s) */
  readonly closeTimeoutMs?: number;
}

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  startingDelayMs: 250,
  maxDelayMs: 5_000,
  healthyAfterMs: 30_000,
  // our pings every 3 s must be answered: a frozen exchange is found out within 10 s
  livenessTimeoutMs: 10_000,
  pingIntervalMs: 3_000,
  closeTimeoutMs: 2_000,
};

export interface ConnectionHandlers {
  /** a session is up; commands may be sent */
  opened(generation: number): void;
  frame(text: string): void;
  /** the session that `opened` reported is over */
  closed(generation: number, reason: string): void;
  /** an attempt failed (refused handshake, connect error, short-lived session); another follows */
  retrying(error: Error, attempt: number): void;
}

class Stopped extends Error {
  constructor() {
    super('connection stopped');
    this.name = 'Stopped';
  }
}

class SessionEnded extends Error {
  constructor(reason: string) {
    super(`connection lost: ${reason}`);
    this.name = 'SessionEnded';
  }
}

export class ConnectionManager {
  private stopped = false;
  private socket: ExchangeSocket | undefined;
  private generation = 0;
  private endSession: ((reason: string) => void) | undefined;

  constructor(
    /** opens one socket with fresh signed headers */
    private readonly open: () => Promise<ExchangeSocket>,
    private readonly handlers: ConnectionHandlers,
    private readonly clock: TimeSource,
    private readonly settings: ConnectionSettings = DEFAULT_CONNECTION_SETTINGS,
  ) {}

  /** Runs until stop() (resolves) or a fatal refusal (rejects with HandshakeRefused). */
  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await backOff(() => this.session(), {
          startingDelay: this.settings.startingDelayMs,
          maxDelay: this.settings.maxDelayMs,
          timeMultiple: 2,
          jitter: 'full',
          delayFirstAttempt: false,
          numOfAttempts: Number.POSITIVE_INFINITY,
          retry: (error: unknown, attempt: number) => {
            if (this.stopped || error instanceof Stopped) return false;
            if (error instanceof HandshakeRefused && error.fatal) return false;
            this.handlers.retrying(error instanceof Error ? error : new Error(String(error)), attempt);
            return true;
          },
        });
      } catch (error) {
        if (this.stopped || error instanceof Stopped) return;
        throw error;
      }
    }
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.readyState === OPEN;
  }

  /** Sends one command on the live socket; false when there is none. */
  send(command: ClientCommand): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(command));
    return true;
  }

  /** Ends the session (if any) and every retry. */
  stop(): void {
    this.stopped = true;
    this.endSession?.('stopped');
  }

  /** Drops the current session as if the connection had died (the gateway uses it for unrecoverable protocol states). */
  dropSession(reason: string): void {
    this.endSession?.(reason);
  }

  private async session(): Promise<void> {
    if (this.stopped) throw new Stopped();
    const socket = await this.open();
    if (this.stopped) {
      socket.close(1000, 'stopped');
      throw new Stopped();
    }
    const generation = ++this.generation;
    const openedAt = this.clock.now();
    let lastFrameAt = openedAt;
    let lastPingAt = openedAt;
    const pingIntervalMs = this.settings.pingIntervalMs ?? DEFAULT_CONNECTION_SETTINGS.pingIntervalMs!;
    const closeTimeoutMs = this.settings.closeTimeoutMs ?? DEFAULT_CONNECTION_SETTINGS.closeTimeoutMs!;
    this.socket = socket;
    const reason = await new Promise<string>((resolve) => {
      let ended = false;
      const end = (why: string, terminate: boolean): void => {
        if (ended) return;
        ended = true;
        clearInterval(liveness);
        this.endSession = undefined;
        if (terminate) socket.terminate();
        resolve(why);
      };
      const liveness = setInterval(
        () => {
          const now = this.clock.now();
          if (now - lastFrameAt > this.settings.livenessTimeoutMs) {
            end('no frame or ping within the liveness timeout', true);
            return;
          }
          if (socket.ping && now - lastPingAt >= pingIntervalMs) {
            lastPingAt = now;
            try {
              socket.ping();
            } catch {
              // a socket that cannot ping is ending; its close says why
            }
          }
        },
        Math.max(50, Math.floor(Math.min(this.settings.livenessTimeoutMs / 6, pingIntervalMs / 2))),
      );
      this.endSession = (why) => {
        if (why === 'stopped') {
          ended = true;
          clearInterval(liveness);
          this.endSession = undefined;
          socket.close(1000, 'stopped');
          // a server that does not answer the close is cut: the stop never waits on it
          const cut = setTimeout(() => {
            if (socket.readyState !== 3) socket.terminate();
          }, closeTimeoutMs);
          cut.unref?.();
          resolve(why);
        } else {
          end(why, true);
        }
      };
      socket.on('message', (data, isBinary) => {
        lastFrameAt = this.clock.now();
        if (isBinary) return;
        this.handlers.frame(
          typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'),
        );
      });
      socket.on('ping', () => {
        lastFrameAt = this.clock.now();
      });
      socket.on('pong', () => {
        lastFrameAt = this.clock.now();
      });
      socket.on('close', (code, why) => end(`closed by the server (code ${code}${why.length ? `, ${why.toString('utf8')}` : ''})`, false));
      socket.on('error', (error) => end(`socket error: ${error.message}`, true));
      this.handlers.opened(generation);
    });
    this.socket = undefined;
    this.handlers.closed(generation, reason);
    if (this.stopped) throw new Stopped();
    if (this.clock.now() - openedAt >= this.settings.healthyAfterMs) return;
    throw new SessionEnded(reason);
  }
}
