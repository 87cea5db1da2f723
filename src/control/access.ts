/**
 * Who may use the control surface: the bearer token (configured, or generated at start and
 * written to a file only its user can read), its constant-time check, and which bind
 * addresses count as loopback.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';

/** A control configuration that cannot be served safely: says what to change. */
export class ControlConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlConfigError';
  }
}

/** Shortest configured token accepted: anything shorter is guessable. */
export const MIN_TOKEN_LENGTH = 16;

/** True for 127.0.0.0/8, ::1 (and its IPv4-mapped form), and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

/** 32 random bytes, base64url: what is generated when no token is configured. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Refuses tokens that are short or would not survive an HTTP header. */
export function checkToken(token: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new ControlConfigError(`control.token is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} (or leave it empty to generate one)`);
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new ControlConfigError('control.token may hold printable ASCII only (no spaces or control characters)');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Whether an Authorization header carries the token. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the content of the guess.
 */
export function authorizes(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const offered = match === null ? '' : match[1]!;
  const equal = timingSafeEqual(digest(offered), digest(token));
  return equal && offered.length > 0;
}

/**
 * Writes the token to `path`, readable and writable by the owner only (0600): a fresh file
 * in the same folder, then renamed over the old one, so no reader ever sees a file with
 * wider permissions or half a token. The folder is created (0700) when missing.
 */
export async function writeTokenFile(path: string, token: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // the umask may only narrow the mode, but say it outright
    await handle.writeFile(`${token}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
