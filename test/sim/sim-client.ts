/**
 * Test helpers for the simulator suites: a signed `ws` client that records every frame,
 * and a cached RSA test key (key generation is slow).
 */
import type { KeyObject } from 'node:crypto';
import { WebSocket } from 'ws';
import { authHeaders, parseRsaPrivateKey } from '../../src/protocol/auth.js';
import { REST_PREFIX, type ServerFrame } from '../../src/protocol/wire.js';
import { generateKeyPair, startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { ManualClock } from '../../src/clock/manual-clock.js';

export interface TestKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

const keys: TestKey[] = [];

/** The index-th test key (generated once per run). */
export function testKey(index = 0): TestKey {
  while (keys.length <= index) {
    const pair = generateKeyPair();
    keys.push({ keyId: pair.keyId, privateKey: parseRsaPrivateKey(pair.privateKeyPem), publicKeyPem: pair.publicKeyPem });
  }
  return keys[index]!;
}

export function keysOption(...list: TestKey[]): Record<string, string> {
  return Object.fromEntries(list.map((key) => [key.keyId, key.publicKeyPem]));
}

export type Frame = ServerFrame<string, any>;

export class TestClient {
  readonly raw: string[] = [];
  private waiters: Array<() => void> = [];
  private nextId = 1_000_000;
  closed = false;
  pings = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      try {
        this.frames.push(JSON.parse(text) as Frame);
      } catch {
        // kept in raw
      }
      this.wake();
    });
    socket.on('ping', () => {
      this.pings += 1;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(url: string, key: TestKey, nowMs: number, options: { autoPong?: boolean } = {}): Promise<TestClient> {
    const socket = new WebSocket(url, {
      headers: authHeaders(key.keyId, key.privateKey, nowMs),
      perMessageDeflate: false,
      autoPong: options.autoPong ?? true,
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    });
  }

  /** Every frame that parsed as JSON, in arrival order (malformed ones stay in `raw` only). */
  readonly frames: Frame[] = [];

  send(command: unknown): void {
    this.socket.send(typeof command === 'string' ? command : JSON.stringify(command));
  }

  /** Sends a command with a fresh id and resolves with the frames that carry that id, once `count` arrived. */
  async command(cmd: string, params?: unknown, count = 1): Promise<Frame[]> {
    const id = this.nextId++;
    const replies: Frame[] = [];
    let scanned = this.frames.length;
    this.send(params === undefined ? { id, cmd } : { id, cmd, params });
    await this.waitUntil(() => {
      for (; scanned < this.frames.length; scanned += 1) if (this.frames[scanned]!.id === id) replies.push(this.frames[scanned]!);
      return replies.length >= count;
    });
    return replies;
  }

  /** Round trip: every frame the server sent before this call has arrived when it resolves. */
  async sync(): Promise<void> {
    await this.command('list_subscriptions');
  }

  waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (condition()) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error('timed out waiting for frames'));
      }, timeoutMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Attempts an upgrade with the given headers; resolves with the HTTP refusal. */
export function refusal(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', () => undefined);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        socket.terminate();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
  });
}

/** Sequenced frames grouped by sid, in arrival order. */
export function seqsBySid(frames: readonly Frame[]): Map<number, number[]> {
  const bySid = new Map<number, number[]>();
  for (const frame of frames) {
    if (frame.sid === undefined || frame.seq === undefined) continue;
    const list = bySid.get(frame.sid) ?? [];
    list.push(frame.seq);
    bySid.set(frame.sid, list);
  }
  return bySid;
}

/** A simulator on a ManualClock (markets advance only via step()), plus the clients opened on it. */
export class SimHarness {
  private readonly clients: TestClient[] = [];

  private constructor(
    readonly sim: Simulator,
    readonly clock: ManualClock,
  ) {}

  static async start(options: SimulatorOptions = {}, registered: TestKey[] = [testKey()]): Promise<SimHarness> {
    const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(1_790_000_000_000);
    const sim = await startSimulator({ autoRun: false, markets: 5, seed: 42, ...options, clock, keys: keysOption(...registered) });
    return new SimHarness(sim, clock);
  }

  /** Places a paper order over signed REST; resolves with the HTTP status and the JSON answer. */
  async order(body: Record<string, unknown>, key: TestKey = testKey()): Promise<{ status: number; body: any }> {
    const path = `${REST_PREFIX}/portfolio/events/orders`;
    const response = await fetch(`http://127.0.0.1:${this.sim.port}${path}`, {
      method: 'POST',
      headers: { ...authHeaders(key.keyId, key.privateKey, this.clock.now(), 'POST', path), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /**
   * A signed REST call: `path` below /trade-api/v2 (query string allowed, not signed, as
   * Kalshi signs the path only). Resolves with the status, the JSON answer (undefined when
   * there is no body) and the headers.
   */
  async rest(method: string, path: string, body?: unknown, key: TestKey | null = testKey()): Promise<{ status: number; body: any; headers: Headers }> {
    const full = `${REST_PREFIX}${path}`;
    const signedPath = full.split('?')[0]!;
    const headers: Record<string, string> = key ? authHeaders(key.keyId, key.privateKey, this.clock.now(), method, signedPath) : {};
    const response = await fetch(`http://127.0.0.1:${this.sim.port}${full}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
  }

  async connect(key: TestKey = testKey(), options: { autoPong?: boolean } = {}): Promise<TestClient> {
    const client = await TestClient.connect(this.sim.url, key, this.clock.now(), options);
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
    await this.sim.close();
  }
}
