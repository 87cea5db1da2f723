/**
 * The key-file check done by `mm config check` and `mm start` before anything connects:
 * the file must exist, be readable and hold an RSA private key. The key itself stays in
 * a KeyObject and never reaches anything printable.
 */
import { statSync } from 'node:fs';
import { KeyFileError, loadRsaPrivateKey } from '../protocol/auth.js';
import { ConfigError } from './config-error.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { AppConfig } from './types.js';

export interface CredentialsSummary {
  readonly keyId: string;
  readonly privateKeyPath: string;
  readonly modulusBits: number;
  /** the key file can be read by its group or by others (as ssh warns) */
  readonly readableByOthers: boolean;
}

/**
 * Reads and checks the configured private key. Returns undefined when no credentials are
 * configured (allowed in sim only; loadConfig enforces that). `file` and `env` only shape
 * the error message: which config file and whether the path came from the environment.
 */
export function checkCredentials(config: AppConfig, file?: string, env: Record<string, string | undefined> = process.env): CredentialsSummary | undefined {
  const { key_id: keyId, private_key_path: privateKeyPath } = config.credentials;
  if (keyId === '' && privateKeyPath === '') return undefined;
  try {
    const key = loadRsaPrivateKey(privateKeyPath);
    const readableByOthers = (statSync(privateKeyPath).mode & 0o077) !== 0;
    return { keyId, privateKeyPath, modulusBits: key.asymmetricKeyDetails?.modulusLength ?? 0, readableByOthers };
  } catch (error) {
    if (!(error instanceof KeyFileError)) throw error;
    const variable = CONFIG_SCHEMA.credentials.private_key_path.env;
    const source = env[variable] === privateKeyPath ? ` (from ${variable})` : '';
    throw new ConfigError([{ key: 'credentials.private_key_path', message: `${error.message}${source}` }], file);
  }
}

/**
 * A private key readable by group or others: refused in live mode, warned about in every
 * other (as ssh does). Returns the warning to print, or throws the refusal.
 */
export function keyPermissionProblem(config: AppConfig, summary: CredentialsSummary | undefined, file?: string): string | undefined {
  if (!summary?.readableByOthers) return undefined;
  const message = `${summary.privateKeyPath} can be read by its group or others; make it private: chmod 600 ${summary.privateKeyPath}`;
  if (config.execution.mode === 'live') throw new ConfigError([{ key: 'credentials.private_key_path', message: `${message} (refused in live mode)` }], file);
  return `warning: ${message}`;
}
