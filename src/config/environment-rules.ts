/**
 * Rules that tie keys to `exchange.env`: credentials are required for demo and prod (sim
 * mints an ephemeral key when both are empty), and the execution modes available with it:
 * paper orders go only to a simulator (the embedded one, or exchange.rest_url).
 */
import type { ConfigProblem } from './config-error.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { AppConfig } from './types.js';

const KEY_ID_VARIABLE = CONFIG_SCHEMA.credentials.key_id.env;
const KEY_PATH_VARIABLE = CONFIG_SCHEMA.credentials.private_key_path.env;

export function environmentProblems(config: AppConfig): ConfigProblem[] {
  const env = config.exchange.env;
  const problems: ConfigProblem[] = [];
  const mode = config.execution.mode;
  if (mode === 'paper' && env !== 'sim' && config.exchange.rest_url === '') {
    problems.push({
      key: 'execution.mode',
      message: `paper sends orders to a simulator: with exchange.env ${env} set exchange.rest_url to a simulator's REST base, or use announce`,
    });
  }
  const keyId = config.credentials.key_id;
  const keyPath = config.credentials.private_key_path;
  if (env === 'demo' || env === 'prod') {
    if (keyId === '') {
      problems.push({ key: 'credentials.key_id', message: `is required with exchange.env ${env} (set ${KEY_ID_VARIABLE})` });
    }
    if (keyPath === '') {
      problems.push({ key: 'credentials.private_key_path', message: `is required with exchange.env ${env} (set ${KEY_PATH_VARIABLE})` });
    }
  } else if (env === 'sim' && (keyId === '') !== (keyPath === '')) {
    const missing = keyId === '' ? 'credentials.key_id' : 'credentials.private_key_path';
    problems.push({
      key: missing,
      message: 'is empty while the other credential is set: set both, or neither to use an ephemeral key in sim',
    });
  }
  return problems;
}
