/**
 * Kalshi's WebSocket hosts per environment (ws-v2.md section 1, dedicated external-api
 * hosts). `exchange.ws_url` overrides them; `sim` has no default host: the runtime starts
 * the embedded simulator on loopback.
 */
import { REST_PREFIX, WS_PATH } from '../protocol/wire.js';
import type { ExchangeEnv } from './types.js';

const WS_HOSTS: Readonly<Record<Exclude<ExchangeEnv, 'sim'>, string>> = {
  prod: 'external-api-ws.kalshi.com',
  demo: 'external-api-ws.demo.kalshi.co',
};

const REST_HOSTS: Readonly<Record<Exclude<ExchangeEnv, 'sim'>, string>> = {
  prod: 'external-api.kalshi.com',
  demo: 'external-api.demo.kalshi.co',
};

/** Kalshi's REST base for an environment (ws-v2.md section 1); none for sim. */
export function defaultRestUrl(env: ExchangeEnv): string | undefined {
  return env === 'sim' ? undefined : `https://${REST_HOSTS[env]}${REST_PREFIX}`;
}

export function defaultWsUrl(env: ExchangeEnv): string | undefined {
  return env === 'sim' ? undefined : `wss://${WS_HOSTS[env]}${WS_PATH}`;
}
