/**
 * Registered API keys and verification of the three signed headers (ws-v2.md section 2),
 * for the WebSocket upgrade and for REST calls alike.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseRsaPublicKey, verifyMessage } from '../../protocol/auth.js';
import { AUTH_HEADERS } from '../../protocol/wire.js';

export type AuthResult = { ok: true; keyId: string } | { ok: false; reason: string };

export class KeyRegistry {
  private readonly keys = new Map<string, KeyObject>();

  /** Throws KeyFileError when the PEM is not an RSA public key. */
  register(keyId: string, publicKeyPem: string): void {
    this.keys.set(keyId, parseRsaPublicKey(publicKeyPem, `public key for ${keyId}`));
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * Checks the signature over `timestamp + METHOD + path` (path without query string)
   * and that the timestamp (milliseconds) is within maxSkewMs of nowMs.
   */
  verify(headers: IncomingHttpHeaders, method: string, path: string, nowMs: number, maxSkewMs: number): AuthResult {
    const keyId = header(headers, AUTH_HEADERS.key);
    const timestamp = header(headers, AUTH_HEADERS.timestamp);
    const signature = header(headers, AUTH_HEADERS.signature);
    if (keyId === undefined) return { ok: false, reason: `missing header ${AUTH_HEADERS.key}` };
    if (timestamp === undefined) return { ok: false, reason: `missing header ${AUTH_HEADERS.timestamp}` };
    if (signature === undefined) return { ok: false, reason: `missing header ${AUTH_HEADERS.signature}` };
    const publicKey = this.keys.get(keyId);
    if (!publicKey) return { ok: false, reason: 'unknown key id' };
    if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'timestamp is not an integer of milliseconds' };
    if (Math.abs(Number(timestamp) - nowMs) > maxSkewMs) return { ok: false, reason: 'timestamp too far from now' };
    const message = `${timestamp}${method.toUpperCase()}${path.split('?')[0]}`;
    if (!verifyMessage(publicKey, message, signature)) return { ok: false, reason: 'bad signature' };
    return { ok: true, keyId };
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}
