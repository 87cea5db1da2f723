/**
 * Where the gateway connects, and with which key.
 *
 * - `exchange.ws_url` set: that URL, with the configured credentials (tests point it at
 *   their own server).
 * - `exchange.env = sim` without a URL: the embedded simulator, started in-process on a
 *   free loopback port with the configured tickers and seed. Its key registry gets the
 *   public half of the configured key (derived from the private key), or of an ephemeral
 *   key pair minted in memory when no credentials are configured.
 * - demo/prod without a URL: Kalshi's host for that env, with the configured credentials.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { defaultWsUrl } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { KeyFileError, loadRsaPrivateKey, parseRsaPrivateKey } from '../protocol/auth.js';
import { generateKeyPair, startSimulator, type Simulator } from '../sim/index.js';

export interface ExchangeEndpoint {
  readonly url: string;
  /** REST base for paper orders; only the embedded simulator has one here */
  readonly restUrl: string | undefined;
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly simulator: Simulator | undefined;
}

function configuredKey(config: AppConfig): { keyId: string; privateKey: KeyObject } | undefined {
  const { key_id: keyId, private_key_path: path } = config.credentials;
  if (keyId === '' && path === '') return undefined;
  if (keyId === '') throw new KeyFileError('credentials.key_id is empty while credentials.private_key_path is set');
  return { keyId, privateKey: loadRsaPrivateKey(path) };
}

function publicPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

export async function resolveExchangeEndpoint(config: AppConfig): Promise<ExchangeEndpoint> {
  const key = configuredKey(config);
  if (config.exchange.ws_url !== '') {
    if (!key) throw new KeyFileError(`credentials are required to connect to ${config.exchange.ws_url}`);
    return { url: config.exchange.ws_url, restUrl: undefined, ...key, simulator: undefined };
  }
  if (config.exchange.env !== 'sim') {
    const url = defaultWsUrl(config.exchange.env);
    if (!key || url === undefined) throw new KeyFileError(`credentials are required with exchange.env ${config.exchange.env}`);
    return { url, restUrl: undefined, ...key, simulator: undefined };
  }
  const simulator = await startSimulator({
    tickers: config.markets.map((market) => market.ticker),
    seed: config.sim.seed,
    ratePerMarket: config.sim.rate_per_market,
    maxRateTotal: config.sim.max_rate_total,
  });
  try {
    if (key) {
      simulator.registerKey(key.keyId, publicPem(key.privateKey));
      return { url: simulator.url, restUrl: simulator.restUrl, ...key, simulator };
    }
    const ephemeral = generateKeyPair();
    simulator.registerKey(ephemeral.keyId, ephemeral.publicKeyPem);
    return {
      url: simulator.url,
      restUrl: simulator.restUrl,
      keyId: ephemeral.keyId,
      privateKey: parseRsaPrivateKey(ephemeral.privateKeyPem, 'ephemeral key'),
      simulator,
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
