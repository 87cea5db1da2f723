/**
 * Opening one authenticated socket, and what a refusal means.
 *
 * The upgrade request carries the three signed headers, made fresh by the caller for every
 * attempt. permessage-deflate is turned off: negotiated, it caps the client near 13k
 * messages/s (node-stack.md section 6).
 *
 * A refused upgrade is classified:
 * - 401/403 naming the timestamp (stale or skewed clock): retryable, the next attempt signs
 *   a fresh one;
 * - any other 401/403 (unknown key, bad signature): fatal, retrying a wrong key helps nobody;
 * - 404 or another 4xx: fatal (wrong URL or a request the server will never accept);
 * - 408, 429, 5xx: retryable.
 * A connect failure (refused, reset, timeout) is retryable.
 */
import type { KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import type { TimeSource } from '../../clock/clock.js';
import { authHeaders } from '../../protocol/auth.js';

export type RefusalKind = 'stale_timestamp' | 'bad_credentials' | 'rejected' | 'unavailable';

export class HandshakeRefused extends Error {
  readonly fatal: boolean;

  constructor(
    readonly status: number,
    readonly body: string,
    readonly refusal: RefusalKind,
    keyId: string,
  ) {
    super(describeRefusal(status, body, refusal, keyId));
    this.name = 'HandshakeRefused';
    this.fatal = refusal === 'bad_credentials' || refusal === 'rejected';
  }
}

const BODY_LIMIT = 2048;

export function classifyRefusal(status: number, body: string): RefusalKind {
  if (status === 401 || status === 403) return /timestamp|clock|expired|skew/i.test(body) ? 'stale_timestamp' : 'bad_credentials';
  if (status === 408 || status === 429 || status >= 500) return 'unavailable';
  return 'rejected';
}

function describeRefusal(status: number, body: string, refusal: RefusalKind, keyId: string): string {
  const detail = body.trim().slice(0, 200) || '(no body)';
  switch (refusal) {
    case 'bad_credentials':
      return `the exchange refused API key ${JSON.stringify(keyId)} (HTTP ${status}: ${detail}); check credentials.key_id and credentials.private_key_path`;
    case 'stale_timestamp':
      return `the exchange refused the handshake timestamp (HTTP ${status}: ${detail}); retrying with a fresh signature`;
    case 'rejected':
      return `the exchange rejected the connection (HTTP ${status}: ${detail}); check exchange.ws_url`;
    case 'unavailable':
      return `the exchange is unavailable (HTTP ${status}: ${detail})`;
  }
}

export interface OpenOptions {
  readonly url: string;
  readonly keyId: string;
  readonly headers: Record<string, string>;
  readonly handshakeTimeoutMs: number;
}

/** Resolves with the open socket, or rejects with HandshakeRefused or the connect error. */
export function openSocket(options: OpenOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, {
      headers: options.headers,
      perMessageDeflate: false,
      handshakeTimeout: options.handshakeTimeoutMs,
    });
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    socket.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT);
        const status = response.statusCode ?? 0;
        settle(() => reject(new HandshakeRefused(status, body, classifyRefusal(status, body), options.keyId)));
        socket.terminate();
      });
      response.on('error', (error) => {
        settle(() => reject(error));
        socket.terminate();
      });
    });
    socket.once('open', () => settle(() => resolve(socket)));
    socket.on('error', (error) => settle(() => reject(error)));
    socket.once('close', () => settle(() => reject(new Error('connection closed during the handshake'))));
  });
}

/** An opener for the connection manager: every call signs fresh headers with the key. */
export function signedOpener(url: string, keyId: string, privateKey: KeyObject, clock: TimeSource, handshakeTimeoutMs = 10_000): () => Promise<WebSocket> {
  return () => openSocket({ url, keyId, headers: authHeaders(keyId, privateKey, clock.now()), handshakeTimeoutMs });
}
