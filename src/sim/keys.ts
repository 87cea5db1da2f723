/**
 * Dev key material for the simulator: fresh RSA key pairs, and the keys file contract
 * (a JSON object mapping each key id to its public key PEM).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyFileError, parseRsaPublicKey } from '../protocol/auth.js';

export interface GeneratedKeyPair {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface DevKeyFiles {
  keyId: string;
  privateKeyPath: string;
  keysFile: string;
  publicKeyPem: string;
}

/** A fresh 2048-bit RSA key pair with a UUID key id, in memory. */
export function generateKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { keyId: randomUUID(), privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Writes `<dir>/sim-private-key.pem` (mode 0600) and `<dir>/sim-keys.json`
 * ({ keyId: publicKeyPem }), creating the directory if needed.
 */
export function makeDevKey(dir: string): DevKeyFiles {
  const pair = generateKeyPair();
  mkdirSync(dir, { recursive: true });
  const privateKeyPath = join(dir, 'sim-private-key.pem');
  const keysFile = join(dir, 'sim-keys.json');
  writeFileSync(privateKeyPath, pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(keysFile, `${JSON.stringify({ [pair.keyId]: pair.publicKeyPem }, null, 2)}\n`);
  return { keyId: pair.keyId, privateKeyPath, keysFile, publicKeyPem: pair.publicKeyPem };
}

/** Reads and checks a keys file; every public key must parse as RSA. */
export function readKeysFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyFileError(`keys file ${path}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyFileError(`keys file ${path}: not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KeyFileError(`keys file ${path}: expected a JSON object mapping key id to public key PEM`);
  }
  const keys: Record<string, string> = {};
  for (const [keyId, pem] of Object.entries(parsed)) {
    if (typeof pem !== 'string') throw new KeyFileError(`keys file ${path}: the value for ${keyId} is not a PEM string`);
    parseRsaPublicKey(pem, `keys file ${path}, key ${keyId}`);
    keys[keyId] = pem;
  }
  return keys;
}
