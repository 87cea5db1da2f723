/**
 * The signed handshake (ws-v2.md section 2): RSA-PSS, SHA-256, MGF1(SHA-256), salt length
 * 32 (= digest length), over `${timestampMs}${METHOD}${path}` (path without query string).
 * Used by the gateway (sign) and the simulator (verify).
 */
import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AUTH_HEADERS, WS_PATH } from './wire.js';

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } as const;

export function signMessage(privateKey: KeyObject, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), { key: privateKey, ...PSS }).toString('base64');
}

export function verifyMessage(publicKey: KeyObject, message: string, signatureB64: string): boolean {
  let sig: Buffer;
  try {
    sig = Buffer.from(signatureB64, 'base64');
  } catch {
    return false;
  }
  if (sig.length === 0) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), { key: publicKey, ...PSS }, sig);
  } catch {
    return false;
  }
}

/** The three headers for the WebSocket upgrade (or any REST call, with its method and path). */
export function authHeaders(keyId: string, privateKey: KeyObject, nowMs: number, method = 'GET', path = WS_PATH): Record<string, string> {
  const ts = String(Math.trunc(nowMs));
  return {
    [AUTH_HEADERS.key]: keyId,
    [AUTH_HEADERS.timestamp]: ts,
    [AUTH_HEADERS.signature]: signMessage(privateKey, `${ts}${method.toUpperCase()}${path.split('?')[0]}`),
  };
}

/** Parse a PEM string as an RSA private key (PKCS#1 or PKCS#8), with a clear error. */
export function parseRsaPrivateKey(pem: string, source = 'key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyFileError(`${source}: not a PEM private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyFileError(`${source}: expected an RSA private key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** Read and check a private key file. Never includes the key material in errors. */
export function loadRsaPrivateKey(path: string): KeyObject {
  if (!path) throw new KeyFileError('private key path is empty (set credentials.private_key_path or KALSHI_PRIVATE_KEY_PATH)');
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new KeyFileError(`private key file ${path}: ${why}`);
  }
  return parseRsaPrivateKey(pem, `private key file ${path}`);
}

export function parseRsaPublicKey(pem: string, source = 'public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyFileError(`${source}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new KeyFileError(`${source}: expected an RSA public key`);
  return key;
}
